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

/** The dimensions a filter sets. */
const dimensionsOf = (filter: SegmentFilter) =>
  (['visitor', 'referrer', 'region', 'tag'] as const).filter((d) => filter[d] !== undefined);

/** The coarser segments of a filter: each non-empty set of its dimensions left out. */
export function coarserFilters(filter: SegmentFilter): SegmentFilter[] {
  const set = dimensionsOf(filter);
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

/** Sessions and distinct visitors (bitmap) of one day and device class of one segment. */
export interface Part {
  sessions: number;
  visitors: Uint8Array;
}

export function partsOf(rows: readonly DayCohort[]): Map<string, Part> {
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
 * The segments that differ from the query's in one dimension only (`plan=free`, `plan=pro`, … of
 * `plan=pro`; every referrer class of `visitor=new&referrer=search` with `visitor=new`), with their
 * parent (the query's segment without that dimension). Summing some of them and subtracting the sum
 * from the parent leaves whoever has none of their values: see `releasedValues`.
 */
export interface SegmentFamily {
  /** The segment key of the query's own segment, one of the family. */
  mine: string;
  /** The segment key of the parent (the query's segment without the family's dimension). */
  parentKey: string;
  parent: readonly DayCohort[];
  /** Rows of every segment of the family (the query's own included). */
  members: readonly DayCohort[];
}

/** The rows of a family's members, by part, then by segment key. */
export function membersByPart(rows: readonly DayCohort[]): Map<string, Map<string, Part>> {
  const out = new Map<string, Map<string, Part>>();
  for (const r of rows) {
    const key = `${r.day}\u0000${r.device}`;
    let bySegment = out.get(key);
    if (!bySegment) {
      bySegment = new Map();
      out.set(key, bySegment);
    }
    const part = bySegment.get(r.segment) ?? { sessions: 0, visitors: emptyVisitorBitmap() };
    part.sessions += r.sessions;
    orVisitorBitmap(part.visitors, r.visitors);
    bySegment.set(r.segment, part);
  }
  return out;
}

/** The parent's sessions and visitors with none of the members' (visitors: a lower bound). */
function restOf(parent: Part, members: readonly Part[]): { sessions: number; visitors: number } {
  const union = emptyVisitorBitmap();
  let sessions = parent.sessions;
  for (const m of members) {
    orVisitorBitmap(union, m.visitors);
    sessions -= m.sessions;
  }
  return { sessions, visitors: restVisitors(parent.visitors, union) };
}

/**
 * Which members of a family one part releases: those that hold `min` visitors, whose own rest
 * (parent minus it) is empty or holds `min`, and — so that no sum of released members subtracted
 * from the parent singles anyone out — such that the parent minus all released members together
 * is empty or holds `min` visitors. While it is not, the member with the fewest visitors is
 * withheld too (its visitors join the rest). Any sum of released members then leaves a rest that
 * holds the common rest or a released member, each empty or of at least `min` visitors.
 * Deterministic and a function of this part's rows only, whatever the query.
 */
export function releasedValues(
  parent: Part | undefined,
  members: ReadonlyMap<string, Part>,
  min: number,
): Set<string> {
  if (!parent) return new Set();
  const candidates = [...members]
    .map(([segment, part]) => ({ segment, part, visitors: visitorCount(part.visitors) }))
    .filter(({ part, visitors }) => {
      if (part.sessions <= 0 || visitors < min) return false;
      const rest = restOf(parent, [part]);
      return !(rest.sessions > 0 || rest.visitors > 0) || rest.visitors >= min;
    })
    .sort((a, b) => a.visitors - b.visitors || (a.segment < b.segment ? -1 : 1));
  while (candidates.length > 0) {
    const rest = restOf(
      parent,
      candidates.map((c) => c.part),
    );
    if (!(rest.sessions > 0 || rest.visitors > 0) || rest.visitors >= min) break;
    candidates.shift();
  }
  return new Set(candidates.map((c) => c.segment));
}

/**
 * Decides each day of the segment's rows (`CohortDays`); `coarser` holds the rows of each coarser
 * segment over the same days and device classes, `families` the segments one dimension away.
 * Pure: the rows in, the days out.
 */
export function cohortDays(
  segment: readonly DayCohort[],
  coarser: ReadonlyArray<readonly DayCohort[]>,
  devices: readonly DeviceClass[],
  min: number,
  families: readonly SegmentFamily[] = [],
): CohortDays {
  const mine = partsOf(segment);
  const theirs = coarser.map(partsOf);
  const kin = families.map((f) => ({
    mine: f.mine,
    parent: partsOf(f.parent),
    members: membersByPart(f.members),
  }));
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
      for (const family of kin) {
        const released = releasedValues(family.parent.get(key), family.members.get(key) ?? new Map(), min);
        if (!released.has(family.mine)) ok = false;
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

/**
 * Where the keys of a filter's family along `dimension` start and end: the filter's key with any
 * value of that dimension is `prefix + value + suffix`.
 */
export function familyKeys(
  filter: SegmentFilter,
  dimension: keyof SegmentFilter,
): { prefix: string; suffix: string } {
  if (dimension === 'tag') {
    const key = segmentKey({ tag: [filter.tag?.[0] ?? '', ''] });
    return { prefix: key, suffix: '' };
  }
  const marker = '\u0000';
  const key = segmentKey({ ...filter, [dimension]: marker });
  const at = key.indexOf(marker);
  return { prefix: key.slice(0, at), suffix: key.slice(at + marker.length) };
}

/** Whether a stored key is a member of the family (a value of the dimension, not "any"). */
function inFamily(key: string, family: { prefix: string; suffix: string }, dimension: string): boolean {
  if (!key.startsWith(family.prefix) || !key.endsWith(family.suffix)) return false;
  const value = key.slice(family.prefix.length, key.length - family.suffix.length);
  return value !== '' && value !== '*' && (dimension === 'tag' || !value.includes(';'));
}

/**
 * The day rows of the query's segment, of each coarser segment and of each family (segments one
 * dimension away, with their parent), for one page or the whole site.
 */
export async function cohortRows(store: Store, q: CohortQuery, pattern: string | null) {
  const base = { devices: q.devices, days: daysOf(q) };
  const read = (filter: SegmentFilter) =>
    store.heatmaps.dayCohorts(q.siteId, pattern, { ...base, segment: segmentKey(filter) });
  const readFamily = async (dimension: keyof SegmentFilter): Promise<SegmentFamily> => {
    const keys = familyKeys(q.filter, dimension);
    const parentFilter: SegmentFilter = { ...q.filter };
    delete parentFilter[dimension];
    const [parent, members] = await Promise.all([
      read(parentFilter),
      store.heatmaps.dayCohorts(q.siteId, pattern, { ...base, segment: { prefix: keys.prefix } }),
    ]);
    return {
      mine: segmentKey(q.filter),
      parentKey: segmentKey(parentFilter),
      parent,
      members: members.filter((r) => inFamily(r.segment, keys, dimension)),
    };
  };
  const [[segment, ...coarser], families] = await Promise.all([
    Promise.all([q.filter, ...coarserFilters(q.filter)].map(read)),
    Promise.all(dimensionsOf(q.filter).map(readFamily)),
  ]);
  return { segment: segment ?? [], coarser, families };
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
  const days = cohortDays(rows.segment, rows.coarser, q.devices, q.minCohort, rows.families);
  if (days.released.length === 0) {
    throw new VeilError(
      'cohort_too_small',
      `no day of this query holds ${q.minCohort} distinct visitors in every device class of the segment (and in the rest of it): widen the date range, device classes or segment`,
    );
  }
  return { ...days, ...rows };
}
