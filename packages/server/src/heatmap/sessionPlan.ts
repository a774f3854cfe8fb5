import {
  automationReason,
  bucketsContainingDay,
  type CaptureMode,
  type DeviceClass,
  deviceClassForWidth,
  findRageClicks,
  HeatmapTag,
  isBotUserAgent,
  MAX_SEGMENT_TAGS,
  type ParsedHeatmapEvent,
  type SessionSegment,
  segmentKeysOf,
  utcDay,
} from '@veil/core';
import { type AggregateWrite, collectDeltas, targetsOf } from './heatmapDeltas.js';
import { SeenSet } from './seenSet.js';

/** A session's counting state is deleted this long after its last batch (its data stays counted). */
export const HEATMAP_SESSION_STATE_TTL_MS = 24 * 60 * 60 * 1000;
/** How often the state of ended sessions is cleaned up. */
export const HEATMAP_STATE_CLEANUP_INTERVAL_MS = 10 * 60 * 1000;
/** Held events of a session not yet counted (below the minimum length): at most this many. */
export const MAX_PENDING_EVENTS = 5_000;
/** Sequence numbers remembered per session for idempotency: at most this many. */
export const MAX_REMEMBERED_SEQS = 20_000;

export type HeatmapSessionStatus = 'pending' | 'counted' | 'excluded';

/** What the aggregate step keeps of a session (not its events: only what counting needs). */
export interface HeatmapSessionState {
  sessionId: string;
  siteId: string;
  status: HeatmapSessionStatus;
  /** Why a session was excluded: `bot_user_agent`, `webdriver`, `superhuman_rate`, … */
  reason: string | null;
  /** The day (UTC, server clock) the session's data counts under: when its first batch arrived. */
  day: number;
  /** Earliest and latest event time seen (client clock). */
  firstTs: number;
  lastTs: number;
  lastReceivedAt: number;
  device: DeviceClass | null;
  segment: SessionSegment | null;
  /** Capture mode of the session's latest page view. */
  mode: CaptureMode;
  /** First contributions (`SeenSet`), serialised. */
  seen: string[];
  /** Sequence numbers already aggregated. */
  seqs: number[];
  /** Events held until the session is long enough to count. */
  pending: ParsedHeatmapEvent[];
}

export interface BatchForPlan {
  sessionId: string;
  siteId: string;
  seq: number;
  receivedAt: number;
  /** Heatmap events of the batch, in event order. */
  events: ParsedHeatmapEvent[];
  /** `veil('tag', k, v)` tags in the batch (values already redacted). */
  tags: Array<[string, string]>;
  /** Earliest and latest event time of the batch. */
  firstTs: number;
  lastTs: number;
  userAgent: string | undefined;
  /** The visitor's region, when regions are enabled and known. */
  region: string | null;
  minSessionMs: number;
  pagePatterns: readonly string[];
  /** The visitor's bit in the visitor bitmaps (`visitorBitmap.ts`), null without a visitor id. */
  visitorBit?: number | null;
}

export type PlanOutcome = 'counted' | 'held' | 'excluded' | 'duplicate';

export interface HeatmapPlan {
  outcome: PlanOutcome;
  state: HeatmapSessionState;
  /** What to add to the aggregates (empty unless `counted`). */
  writes: AggregateWrite[];
}

function newState(batch: BatchForPlan): HeatmapSessionState {
  return {
    sessionId: batch.sessionId,
    siteId: batch.siteId,
    status: 'pending',
    reason: null,
    day: utcDay(batch.receivedAt),
    firstTs: batch.firstTs,
    lastTs: batch.lastTs,
    lastReceivedAt: batch.receivedAt,
    device: null,
    segment: null,
    mode: 'replay',
    seen: [],
    seqs: [],
    pending: [],
  };
}

function exclude(state: HeatmapSessionState, reason: string): HeatmapPlan {
  return {
    outcome: 'excluded',
    state: { ...state, status: 'excluded', reason, pending: [], seen: [] },
    writes: [],
  };
}

/** Gaps between consecutive clicks that are not part of a rage burst. */
function calmClickGaps(events: readonly ParsedHeatmapEvent[]): number[] {
  const clicks = events.flatMap((e) =>
    e.tag === HeatmapTag.Click ? [{ t: e.timestamp, x: e.payload.x, y: e.payload.y }] : [],
  );
  const rage = findRageClicks(clicks);
  const calm = clicks.filter((_, i) => !rage[i]);
  return calm.slice(1).map((c, i) => c.t - calm[i]!.t);
}

/**
 * Decides what one batch does to a session's heatmap data (pure; the store runs it inside the
 * transaction that holds the session's state):
 * - a batch already aggregated (same seq) changes nothing (`duplicate`);
 * - bots are excluded for good: a bot user agent, `navigator.webdriver`, or clicks faster or more
 *   regular than people click (judged once, when the session is long enough to count);
 * - until the session reaches the policy's minimum length its events are held (`held`), then
 *   counted with everything held before (`counted`), under its segment, device and day.
 */
export function planHeatmapBatch(stored: HeatmapSessionState | undefined, batch: BatchForPlan): HeatmapPlan {
  if (stored?.seqs.includes(batch.seq)) return { outcome: 'duplicate', state: stored, writes: [] };
  const state: HeatmapSessionState = stored ? { ...stored } : newState(batch);
  state.seqs = [...state.seqs, batch.seq].slice(-MAX_REMEMBERED_SEQS);
  state.firstTs = Math.min(state.firstTs, batch.firstTs);
  state.lastTs = Math.max(state.lastTs, batch.lastTs);
  state.lastReceivedAt = batch.receivedAt;
  const views = batch.events.filter((e) => e.tag === HeatmapTag.View);
  const lastView = views[views.length - 1];
  if (lastView) state.mode = lastView.payload.mode;

  if (state.status === 'excluded') return { outcome: 'excluded', state, writes: [] };
  if (isBotUserAgent(batch.userAgent)) return exclude(state, 'bot_user_agent');
  if (views.some((v) => v.payload.wd === true)) return exclude(state, 'webdriver');

  const firstView = views[0];
  if (!state.segment && firstView) {
    state.device = deviceClassForWidth(firstView.payload.vw);
    state.segment = {
      visitor: firstView.payload.nv ? 'new' : 'returning',
      referrer: firstView.payload.ref,
      region: batch.region,
      tags: [],
    };
  }
  if (state.segment && batch.tags.length > 0) {
    const tags = [...state.segment.tags];
    for (const tag of batch.tags) {
      if (tags.length >= MAX_SEGMENT_TAGS) break;
      if (!tags.some(([k, v]) => k === tag[0] && v === tag[1])) tags.push(tag);
    }
    state.segment = { ...state.segment, tags };
  }

  let toCount: ParsedHeatmapEvent[];
  if (state.status === 'pending') {
    const held = [...state.pending, ...batch.events].slice(0, MAX_PENDING_EVENTS);
    const longEnough = state.lastTs - state.firstTs >= batch.minSessionMs;
    if (!state.segment || !state.device || !longEnough)
      return { outcome: 'held', state: { ...state, pending: held }, writes: [] };
    const automated = automationReason({ clickGapsMs: calmClickGaps(held) });
    if (automated) return exclude(state, automated);
    state.status = 'counted';
    state.pending = [];
    toCount = held;
  } else {
    toCount = batch.events;
  }

  const seen = new SeenSet(state.seen);
  const deltas = collectDeltas(toCount, { pagePatterns: batch.pagePatterns, seen });
  state.seen = seen.toJSON();
  const writes =
    deltas.size === 0 || !state.device || !state.segment
      ? []
      : [
          {
            deltas,
            targets: targetsOf(state.device, segmentKeysOf(state.segment), bucketsContainingDay(state.day)),
            visitorBit: batch.visitorBit,
          },
        ];
  return { outcome: 'counted', state, writes };
}
