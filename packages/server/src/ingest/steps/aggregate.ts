import {
  type CaptureMode,
  EventType,
  HeatmapTag,
  isHeatmapOnlyPage,
  MAX_SEGMENT_TAG_CHARS,
  type ParsedHeatmapEvent,
  parseHeatmapEvent,
  redactText,
  urlPath,
  VeilCustomTag,
} from '@veil/core';
import type { Clock } from '../../clock.js';
import type { EnvelopeCipher } from '../../crypto/EnvelopeCipher.js';
import {
  SNAPSHOT_REFRESH_MS,
  sealSnapshot,
  snapshotCandidates,
} from '../../heatmap/representativeSnapshots.js';
import { VISITOR_BITMAP_BITS } from '../../heatmap/visitorBitmap.js';
import type { HeatmapIngestOutcome } from '../../storage/heatmaps/HeatmapRepository.js';
import type { Store } from '../../storage/Store.js';
import type { SubjectHasher } from '../../subjects/SubjectHasher.js';
import { type Drop, drop } from '../Drop.js';
import type { IngestWrites } from '../IngestWrites.js';
import { detectorsFor } from './redact.js';
import type { LocatedBatch } from './siteAndOrigin.js';

/** What the aggregate step found out about a batch. */
export interface HeatmapIngest {
  /** `none`: the batch holds no heatmap data (and its session has none waiting). */
  outcome: HeatmapIngestOutcome | 'none';
  /**
   * `heatmap`: heatmap-only capture. Nothing of the batch is stored as a recording: no chunk, no
   * replayable session. Decided by the recorder's page view and, whatever the recorder says, by
   * the site's policy for the batch's pages.
   */
  captureMode: CaptureMode;
  /** Heatmap events that did not match their schema (dropped, counted). */
  invalidEvents: number;
}

export type AggregatedBatch<T extends LocatedBatch = LocatedBatch> = T & { heatmap: HeatmapIngest };

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

/** Page paths the batch's events name: page views, rrweb Meta events, heatmap events. */
function pathsOf(input: LocatedBatch, heatmap: readonly ParsedHeatmapEvent[]): string[] {
  const paths = new Set<string>(heatmap.map((e) => e.payload.path));
  for (const e of input.batch.events) {
    const data = e.data;
    if (!isRecord(data)) continue;
    if (e.type === EventType.Meta && typeof data.href === 'string') paths.add(urlPath(data.href));
    if (e.type === EventType.Custom && data.tag === VeilCustomTag.PageView && isRecord(data.payload)) {
      if (typeof data.payload.url === 'string') paths.add(urlPath(data.payload.url));
    }
  }
  paths.delete('');
  return [...paths];
}

/**
 * Step `aggregate`: the batch's heatmap events become aggregates at once (a click is in the
 * heatmap by the time the batch is acknowledged), counted once per (session, seq), never for bots
 * or sessions below the policy's minimum length (their events wait until the session is long
 * enough). A page's newest text-free layout (at most one a day) becomes its representative
 * snapshot. Heatmap-only batches are marked so that nothing of them is stored as a recording.
 */
export async function aggregateHeatmaps<T extends LocatedBatch>(
  deps: {
    store: Store;
    cipher: EnvelopeCipher;
    clock: Clock;
    hasher: SubjectHasher;
    writes: Pick<IngestWrites, 'heatmap'>;
  },
  input: T,
): Promise<AggregatedBatch<T> | Drop> {
  const { batch, site } = input;
  const policy = site.policy;
  const heatmapEvents: ParsedHeatmapEvent[] = [];
  const tags: Array<[string, string]> = [];
  let invalidEvents = 0;
  const detectors = detectorsFor(site.id, policy);
  for (const event of batch.events) {
    const parsed = parseHeatmapEvent(event);
    if (parsed === 'invalid') invalidEvents++;
    else if (parsed !== null) heatmapEvents.push(parsed);
    else if (
      event.type === EventType.Custom &&
      isRecord(event.data) &&
      event.data.tag === VeilCustomTag.Tag
    ) {
      const p = event.data.payload;
      if (isRecord(p) && typeof p.key === 'string' && p.key !== '') {
        const value = p.value === null || p.value === undefined ? '' : String(p.value);
        // Tags name segments: redacted again here, like every text that reaches storage.
        const clean = (s: string) => redactText(s.slice(0, MAX_SEGMENT_TAG_CHARS), detectors).text;
        tags.push([clean(p.key), clean(value)]);
      }
    }
  }
  const policyHeatmapOnly = pathsOf(input, heatmapEvents).some((path) => isHeatmapOnlyPage(policy, path));
  const now = deps.clock.now();

  if (
    heatmapEvents.length === 0 &&
    tags.length === 0 &&
    !(await deps.store.heatmaps.hasSessionCached(batch.sessionId))
  ) {
    const heatmap: HeatmapIngest = {
      outcome: 'none',
      captureMode: policyHeatmapOnly ? 'heatmap' : 'replay',
      invalidEvents,
    };
    return { ...input, heatmap };
  }

  let firstTs = Number.POSITIVE_INFINITY;
  let lastTs = Number.NEGATIVE_INFINITY;
  for (const e of batch.events) {
    firstTs = Math.min(firstTs, e.timestamp);
    lastTs = Math.max(lastTs, e.timestamp);
  }
  if (batch.events.length === 0) firstTs = lastTs = batch.sentAt;

  const { outcome, state } = await deps.writes.heatmap(
    { sessionId: batch.sessionId, siteId: site.id },
    {
      sessionId: batch.sessionId,
      siteId: site.id,
      seq: batch.seq,
      receivedAt: now,
      events: heatmapEvents,
      tags,
      firstTs,
      lastTs,
      userAgent: input.request.userAgent,
      // The visitor's country when a region source is configured (step `region`), else none.
      region: (input as { visitorRegion?: string | null }).visitorRegion ?? null,
      minSessionMs: policy.minSessionMs,
      // The visitor's bit in the aggregates' visitor bitmaps; none without a visitor id (such a
      // session adds no one to a cohort: the minimum cohort can only be harder to reach).
      visitorBit:
        batch.visitorId === undefined
          ? null
          : deps.hasher.heatmapVisitorBit(site.id, batch.visitorId, VISITOR_BITMAP_BITS),
      pagePatterns: policy.heatmapPagePatterns,
    },
    now,
  );
  if (outcome === 'conflict') return drop('conflict', 'this session id belongs to another site');
  const captureMode: CaptureMode = policyHeatmapOnly || state?.mode === 'heatmap' ? 'heatmap' : 'replay';

  if (outcome !== 'duplicate' && outcome !== 'excluded') {
    for (const candidate of snapshotCandidates(
      batch.events,
      heatmapEvents.filter((e) => e.tag === HeatmapTag.Layout),
      policy.heatmapPagePatterns,
    )) {
      const capturedAt = await deps.store.heatmaps.snapshotCapturedAt(
        site.id,
        candidate.pattern,
        candidate.device,
      );
      if (capturedAt !== undefined && now - capturedAt < SNAPSHOT_REFRESH_MS) continue;
      const sealed = await sealSnapshot(deps.cipher, candidate, now);
      if (sealed)
        await deps.store.heatmaps.putSnapshot(site.id, candidate.pattern, candidate.device, sealed, now);
    }
  }
  return { ...input, heatmap: { outcome, captureMode, invalidEvents } };
}
