import { HeatmapTag } from '../heatmap/heatmapEvents.js';
import { urlPath } from '../url/sanitizeUrl.js';
import { EventType, IncrementalSource, MouseInteraction, VeilCustomTag } from '../wire/rrwebEvents.js';
import { parseErrorEvent, parseNetworkEvent } from './activityEventSchemas.js';
import { isFailedRequest } from './activityEvents.js';
import {
  ERROR_CLICK_HORIZON_MS,
  ERROR_CLICK_WINDOW_MS,
  EXCESSIVE_SCROLL_REVERSALS,
  FAILED_REQUEST_MIN_STATUS,
  MAX_RECENT_CLICKS_AND_ERRORS,
  MAX_SCROLL_TARGETS_PER_VIEW,
  QUICK_BACK_MS,
  SCROLL_LEG_MIN_PX,
} from './signalConstants.js';

/** The frustration and error signals counted on every session, in display order. */
export const SIGNAL_KINDS = [
  'rageClicks',
  'deadClicks',
  'quickBacks',
  'excessiveScrolls',
  'errorClicks',
  'jsErrors',
  'failedRequests',
] as const;
export type SignalKind = (typeof SIGNAL_KINDS)[number];
export type SignalCounts = Record<SignalKind, number>;

/** One scrolled element of the current page view: where it is and how it has been moving. */
interface ScrollTrack {
  id: number;
  /** The last turning point (or the first position). */
  anchor: number;
  /** Furthest position since the anchor, in the current direction. */
  extreme: number;
  /** 1 down, -1 up, 0 not yet moved a full leg. */
  dir: number;
  reversals: number;
}

/**
 * What the server keeps between a session's batches to count its signals: the counts and the
 * little context a signal spanning two batches needs. Plain JSON.
 */
export interface SessionSignalState {
  counts: SignalCounts;
  /** The current page view (URL path) and when it began; the one before it. */
  page: { path: string; ts: number } | null;
  previousPath: string | null;
  /**
   * The session's recent clicks and JavaScript errors (event times, ascending), whichever batch
   * brought them: error clicks are counted over these, so a click arriving after its error (a
   * record-on-error session sends the error before the window that holds the click) still counts.
   * `settled`: error clicks among the clicks and errors already dropped from the lists.
   */
  recent: { clicks: number[]; errors: number[]; settled: number };
  /** States stored before `recent`: the latest click and whether an error made it an error click. */
  lastClickAt?: number | null | undefined;
  lastClickErrored?: boolean | undefined;
  /** Scrolling of the current page view; `flagged` once it counted as excessive. */
  scroll: { tracks: ScrollTrack[]; flagged: boolean };
}

export const emptySignalCounts = (): SignalCounts => ({
  rageClicks: 0,
  deadClicks: 0,
  quickBacks: 0,
  excessiveScrolls: 0,
  errorClicks: 0,
  jsErrors: 0,
  failedRequests: 0,
});

export const emptySignalState = (): SessionSignalState => ({
  counts: emptySignalCounts(),
  page: null,
  previousPath: null,
  recent: { clicks: [], errors: [], settled: 0 },
  scroll: { tracks: [], flagged: false },
});

/** An event as signal counting reads it. */
export interface SignalEventLike {
  type: number;
  timestamp: number;
  data?: unknown;
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** The page path a page-view event (rrweb Meta or Veil page view) opens, or undefined. */
function pageViewPath(event: SignalEventLike): string | undefined {
  const data = event.data;
  if (!isRecord(data)) return undefined;
  if (event.type === EventType.Meta && typeof data.href === 'string') return urlPath(data.href) || undefined;
  if (event.type === EventType.Custom && data.tag === VeilCustomTag.PageView && isRecord(data.payload)) {
    const url = data.payload.url;
    return typeof url === 'string' ? urlPath(url) || undefined : undefined;
  }
  return undefined;
}

function isRrwebClick(event: SignalEventLike): boolean {
  const data = event.data;
  return (
    event.type === EventType.IncrementalSnapshot &&
    isRecord(data) &&
    data.source === IncrementalSource.MouseInteraction &&
    data.type === MouseInteraction.Click
  );
}

function heatmapClickFlags(event: SignalEventLike): { rage: boolean; dead: boolean } | undefined {
  const data = event.data;
  if (event.type !== EventType.Custom || !isRecord(data) || data.tag !== HeatmapTag.Click) return undefined;
  const p = data.payload;
  if (!isRecord(p)) return undefined;
  return { rage: p.rage === true, dead: p.dead === true };
}

function scrollOf(event: SignalEventLike): { id: number; y: number } | undefined {
  const data = event.data;
  if (
    event.type !== EventType.IncrementalSnapshot ||
    !isRecord(data) ||
    data.source !== IncrementalSource.Scroll ||
    typeof data.id !== 'number' ||
    typeof data.y !== 'number' ||
    !Number.isFinite(data.y)
  )
    return undefined;
  return { id: data.id, y: data.y };
}

/** Moves one scrolled element; true when this movement completed a turn. */
function moveScroll(track: ScrollTrack, y: number): boolean {
  if (track.dir === 0) {
    if (Math.abs(y - track.anchor) >= SCROLL_LEG_MIN_PX) {
      track.dir = Math.sign(y - track.anchor);
      track.extreme = y;
    }
    return false;
  }
  if ((y - track.extreme) * track.dir > 0) {
    track.extreme = y;
    return false;
  }
  // Moving back: a turn once it went back a full leg from the furthest point.
  if (Math.abs(track.extreme - y) >= SCROLL_LEG_MIN_PX) {
    track.anchor = track.extreme;
    track.extreme = y;
    track.dir = -track.dir;
    track.reversals++;
    return true;
  }
  return false;
}

/**
 * Error clicks among sorted clicks and errors: each error makes the latest click at or before it an
 * error click when it came within `ERROR_CLICK_WINDOW_MS`; a click counts once however many
 * errors follow it. Adding a click or an error never lowers the number.
 */
export function countErrorClicks(clicks: readonly number[], errors: readonly number[]): number {
  let n = 0;
  let at = -1;
  let counted = -1;
  for (const e of errors) {
    while (at + 1 < clicks.length && (clicks[at + 1] as number) <= e) at++;
    if (at >= 0 && at !== counted && e - (clicks[at] as number) <= ERROR_CLICK_WINDOW_MS) {
      n++;
      counted = at;
    }
  }
  return n;
}

function insertSorted(list: number[], t: number): void {
  let i = list.length;
  while (i > 0 && (list[i - 1] as number) > t) i--;
  list.splice(i, 0, t);
}

/** A stored state from before `recent`: its last click (and its error, if it had one) become the lists. */
function recentOf(s: SessionSignalState): SessionSignalState['recent'] {
  if (s.recent) return s.recent;
  const clicks = typeof s.lastClickAt === 'number' ? [s.lastClickAt] : [];
  const errored = clicks.length > 0 && s.lastClickErrored === true;
  return { clicks, errors: errored ? [...clicks] : [], settled: s.counts.errorClicks - (errored ? 1 : 0) };
}

/**
 * Drops clicks and errors older than `ERROR_CLICK_HORIZON_MS` before the latest one, and the oldest
 * beyond `MAX_RECENT_CLICKS_AND_ERRORS`, keeping their error clicks in `settled`.
 */
function pruneRecent(recent: SessionSignalState['recent']): void {
  const latest = Math.max(recent.clicks.at(-1) ?? -Infinity, recent.errors.at(-1) ?? -Infinity);
  const cutoff = latest - ERROR_CLICK_HORIZON_MS;
  const keepFrom = (list: number[]) => {
    let i = Math.max(0, list.length - MAX_RECENT_CLICKS_AND_ERRORS);
    while (i < list.length && (list[i] as number) < cutoff) i++;
    return i;
  };
  const c = keepFrom(recent.clicks);
  const e = keepFrom(recent.errors);
  if (c === 0 && e === 0) return;
  const before = countErrorClicks(recent.clicks, recent.errors);
  recent.clicks.splice(0, c);
  recent.errors.splice(0, e);
  recent.settled += before - countErrorClicks(recent.clicks, recent.errors);
}

/**
 * The events of a batch that `foldSessionSignals` reads: page views (rrweb Meta, every Veil custom
 * event), rrweb mouse interactions and scrolls. Folding only these gives the same state as folding
 * the whole batch; ingest hands this subset to the write (snapshots and mutations, most of a
 * batch's bytes, never change a count).
 */
export function signalEvents<T extends SignalEventLike>(events: readonly T[]): T[] {
  return events.filter((event) => {
    if (event.type === EventType.Meta || event.type === EventType.Custom) return true;
    if (event.type !== EventType.IncrementalSnapshot || !isRecord(event.data)) return false;
    const source = event.data.source;
    return source === IncrementalSource.MouseInteraction || source === IncrementalSource.Scroll;
  });
}

/**
 * Folds one batch's events into a session's signal state (a new state; the input is not
 * changed). Counted, in event time order:
 * - rage and dead clicks: heatmap clicks the recorder flagged (`findRageClicks`, `deadClickVerdict`);
 * - quick backs: a page view returning to the page before it within `QUICK_BACK_MS` of leaving it;
 * - excessive scrolling: a page view whose scrolling turned around `EXCESSIVE_SCROLL_REVERSALS`
 *   times (legs of at least `SCROLL_LEG_MIN_PX`), once per page view;
 * - JavaScript errors and failed requests (status 0 or ≥ 400): Veil's error and network events;
 * - error clicks: a click followed by a JavaScript error within `ERROR_CLICK_WINDOW_MS`, once per
 *   click (`countErrorClicks`), over the session's recent clicks and errors whatever the order their
 *   batches arrived in (within `ERROR_CLICK_HORIZON_MS` and `MAX_RECENT_CLICKS_AND_ERRORS`).
 * Other signals spanning batches that arrive out of order are counted in arrival order (one may be missed).
 */
export function foldSessionSignals(
  previous: SessionSignalState,
  events: readonly SignalEventLike[],
): SessionSignalState {
  const s: SessionSignalState = structuredClone(previous);
  s.recent = recentOf(s);
  delete s.lastClickAt;
  delete s.lastClickErrored;
  const ordered = [...events].sort((a, b) => a.timestamp - b.timestamp);
  for (const event of ordered) {
    const t = event.timestamp;
    const path = pageViewPath(event);
    if (path !== undefined) {
      if (s.page === null || s.page.path !== path) {
        if (s.page !== null && s.previousPath === path && t - s.page.ts <= QUICK_BACK_MS)
          s.counts.quickBacks++;
        s.previousPath = s.page?.path ?? null;
        s.page = { path, ts: t };
        s.scroll = { tracks: [], flagged: false };
      }
      continue;
    }
    const flags = heatmapClickFlags(event);
    if (flags) {
      if (flags.rage) s.counts.rageClicks++;
      if (flags.dead) s.counts.deadClicks++;
      continue;
    }
    if (isRrwebClick(event)) {
      if (Number.isFinite(t)) insertSorted(s.recent.clicks, t);
      continue;
    }
    const scroll = scrollOf(event);
    if (scroll) {
      let track = s.scroll.tracks.find((k) => k.id === scroll.id);
      if (!track) {
        if (s.scroll.tracks.length >= MAX_SCROLL_TARGETS_PER_VIEW) continue;
        track = { id: scroll.id, anchor: scroll.y, extreme: scroll.y, dir: 0, reversals: 0 };
        s.scroll.tracks.push(track);
        continue;
      }
      if (moveScroll(track, scroll.y) && !s.scroll.flagged && track.reversals >= EXCESSIVE_SCROLL_REVERSALS) {
        s.scroll.flagged = true;
        s.counts.excessiveScrolls++;
      }
      continue;
    }
    const error = parseErrorEvent(event);
    if (error !== null) {
      if (error === 'invalid') continue;
      s.counts.jsErrors++;
      if (Number.isFinite(t)) insertSorted(s.recent.errors, t);
      continue;
    }
    const request = parseNetworkEvent(event);
    if (
      request !== null &&
      request !== 'invalid' &&
      isFailedRequest(request.status, FAILED_REQUEST_MIN_STATUS)
    )
      s.counts.failedRequests++;
  }
  pruneRecent(s.recent);
  s.counts.errorClicks = s.recent.settled + countErrorClicks(s.recent.clicks, s.recent.errors);
  return s;
}
