import {
  EventType,
  HeatmapTag,
  MAX_ELEMENT_PATH_CHARS,
  MAX_FUNNEL_CLICKS_PER_BATCH,
  MAX_PAGE_PATH_CHARS,
  type RecordedEvent,
  signalEvents,
} from '@veil/core';
import type { Clock } from '../../clock.js';
import type { FunnelClick } from '../../storage/signals/SignalRepository.js';
import { type Drop, drop } from '../Drop.js';
import type { IngestWrites } from '../IngestWrites.js';
import type { StoredBatch } from './store.js';

/**
 * Step `signals`: the stored batch's events are folded into its session's frustration and error
 * signal counts (`foldSessionSignals`) at once, so that the session list filters and sorts by them
 * without ever reading a recording back. Counted once per (session, seq): a retried batch, also
 * one whose chunk was stored before a failure here, is counted exactly once.
 */
export async function countSignals<T extends StoredBatch>(
  deps: { writes: Pick<IngestWrites, 'signals'>; clock: Clock },
  input: T,
): Promise<T | Drop> {
  const { batch, site } = input;
  // Only the events counting reads travel to the write (the rest of the batch cannot change a count).
  const outcome = await deps.writes.signals(
    { sessionId: batch.sessionId, siteId: site.id, seq: batch.seq },
    signalEvents(batch.events),
    deps.clock.now(),
    funnelClicks(batch.events),
  );
  if (outcome === 'conflict') return drop('conflict', 'this session id belongs to another site');
  return input;
}

/**
 * The batch's clicks on elements (heatmap click events: page path and element path, both already
 * redacted), at most `MAX_FUNNEL_CLICKS_PER_BATCH`, for funnel steps that need a click. Anything
 * malformed or oversized is left out.
 */
export function funnelClicks(events: readonly RecordedEvent[]): FunnelClick[] {
  const clicks: FunnelClick[] = [];
  for (const event of events) {
    if (clicks.length >= MAX_FUNNEL_CLICKS_PER_BATCH) break;
    if (event.type !== EventType.Custom) continue;
    const data = event.data as { tag?: unknown; payload?: unknown };
    if (data.tag !== HeatmapTag.Click || typeof data.payload !== 'object' || data.payload === null) continue;
    const { path, el } = data.payload as { path?: unknown; el?: unknown };
    if (typeof path !== 'string' || typeof el !== 'string') continue;
    if (path === '' || el === '' || path.length > MAX_PAGE_PATH_CHARS || el.length > MAX_ELEMENT_PATH_CHARS)
      continue;
    if (!Number.isFinite(event.timestamp)) continue;
    clicks.push({ ts: event.timestamp, page: path, element: el });
  }
  return clicks;
}
