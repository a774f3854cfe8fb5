import { type DeviceClass, MS_PER_DAY, type SegmentFilter, segmentKey } from '@veil/core';
import { VeilError } from '../errors/VeilError.js';
import type { DayCohort } from '../storage/heatmaps/HeatmapRepository.js';
import type { Store } from '../storage/Store.js';
import { emptyVisitorBitmap, orVisitorBitmap, visitorCount } from './visitorBitmap.js';

/**
 * The minimum cohort of heatmaps, by whole calendar days.
 *
 * The unit a heatmap answer is made of is a *part*: one UTC day of one device class of the
 * query's segment. A day is **released** when each of its parts that has data holds at least
 * `min` distinct visitors and, for a segmented query, the rest of each part (the same day and
 * device class of every coarser segment — the unsegmented whole for a tag — minus this segment)
 * holds either no session or at least `min` visitors of its own. Otherwise the day is
 * **withheld**: left out of the answer and named in it. A query is answered from its released
 * days only, and refused (`cohort_too_small`) when none is left.
 *
 * Why overlapping queries cannot then isolate fewer than `min` visitors: whether a day is
 * released depends only on that day's own parts, never on the range asked for. Every answer is
 * therefore a sum of released parts, and two answers (any date ranges, device sets) differ by
 * whole released parts, each of at least `min` visitors; a segment's answer subtracted from its
 * coarser segment's leaves, part by part, a rest that holds no one or at least `min` visitors.
 * Visitor counts are lower bounds (bitmaps, `visitorBitmap.ts`; a rest counts only visitors with
 * no session in the segment), so every error withholds.
 */
export interface CohortDays {
  /** Days (since the epoch, UTC) the answer adds up. */
  released: number[];
  /** Days with data that are left out, ascending. */
  withheld: number[];
}

/** The coarser segments of a filter: each non-empty set of its dimensions left out. */
export function coarserFilters(filter: SegmentFilter): SegmentFilter[] {
  const set = (['visitor', 'referrer', 'region', 'tag'] as const).filter((d) => filter[d] !== undefined);
  const out: SegmentFilter[] = [];
  for (let mask = 0; mask < (1 << set.length) - 1; mask++) {
    const f: SegmentFilter = {};
    set.forEach((dim, i) => {
      if (mask & (1 << i)) Object.assign(f, { [dim]: filter[dim] });
    });
    out.push(f);
  }
  return out;
}

interface Part {
  sessions: number;
  visitors: Uint8Array;
}

function partsOf(rows: readonly DayCohort[]): Map<string, Part> {
  const parts = new Map<string, Part>();
  for (const r of rows) {
    const key = `${r.day}\u0000${r.device}`;
    const part = parts.get(key) ?? { sessions: 0, visitors: emptyVisitorBitmap() };
    part.sessions += r.sessions;
    orVisitorBitmap(part.visitors, r.visitors);
    parts.set(key, part);
  }
  return parts;
}

/** Visitors of `whole` with no bit in `segment`: a lower bound of the rest's distinct visitors. */
function restVisitors(whole: Uint8Array, segment: Uint8Array): number {
  const rest = new Uint8Array(whole.length);
  for (let i = 0; i < whole.length; i++) rest[i] = whole[i]! & ~(segment[i] ?? 0);
  return visitorCount(rest);
}

/**
 * Decides each day of the segment's rows (`CohortDays`); `coarser` holds the rows of each coarser
 * segment over the same days and device classes. Pure: the rows in, the days out.
 */
export function cohortDays(
  segment: readonly DayCohort[],
  coarser: ReadonlyArray<readonly DayCohort[]>,
  devices: readonly DeviceClass[],
  min: number,
): CohortDays {
  const mine = partsOf(segment);
  const theirs = coarser.map(partsOf);
  const days = [...new Set(segment.filter((r) => r.sessions > 0).map((r) => r.day))].sort((a, b) => a - b);
  const released: number[] = [];
  const withheld: number[] = [];
  for (const day of days) {
    let ok = true;
    for (const device of devices) {
      const key = `${day}\u0000${device}`;
      const part = mine.get(key);
      if (!part || part.sessions <= 0) continue;
      if (visitorCount(part.visitors) < min) ok = false;
      for (const parts of theirs) {
        const whole = parts.get(key);
        const restSessions = (whole?.sessions ?? 0) - part.sessions;
        if (whole && restSessions > 0 && restVisitors(whole.visitors, part.visitors) < min) ok = false;
      }
    }
    (ok ? released : withheld).push(day);
  }
  return { released, withheld };
}

/** A day as the API names it: `YYYY-MM-DD` (UTC). */
export const isoDay = (day: number): string => new Date(day * MS_PER_DAY).toISOString().slice(0, 10);

export interface CohortQuery {
  siteId: string;
  devices: readonly DeviceClass[];
  fromDay: number;
  toDay: number;
  filter: SegmentFilter;
  minCohort: number;
}

function daysOf(q: Pick<CohortQuery, 'fromDay' | 'toDay'>): number[] {
  const days: number[] = [];
  for (let d = q.fromDay; d <= q.toDay; d++) days.push(d);
  return days;
}

/** The day rows of the query's segment and of each coarser segment, for one page or the whole site. */
export async function cohortRows(store: Store, q: CohortQuery, pattern: string | null) {
  const read = (filter: SegmentFilter) =>
    store.heatmaps.dayCohorts(q.siteId, pattern, {
      devices: q.devices,
      segment: segmentKey(filter),
      days: daysOf(q),
    });
  const [segment, ...coarser] = await Promise.all([q.filter, ...coarserFilters(q.filter)].map(read));
  return { segment: segment ?? [], coarser };
}

/**
 * The released and withheld days of a query on one page (or the whole site); refuses the query
 * (422 `cohort_too_small`) when no day is released.
 */
export async function requireCohort(
  store: Store,
  q: CohortQuery,
  pattern: string | null,
): Promise<CohortDays & Awaited<ReturnType<typeof cohortRows>>> {
  const rows = await cohortRows(store, q, pattern);
  const days = cohortDays(rows.segment, rows.coarser, q.devices, q.minCohort);
  if (days.released.length === 0) {
    throw new VeilError(
      'cohort_too_small',
      `no day of this query holds ${q.minCohort} distinct visitors in every device class of the segment (and in the rest of it): widen the date range, device classes or segment`,
    );
  }
  return { ...days, ...rows };
}
