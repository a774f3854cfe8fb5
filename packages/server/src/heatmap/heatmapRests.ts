import { type SegmentFilter, segmentKey } from '@veil/core';
import type { PageTotals, SegmentDayPart } from '../storage/heatmaps/HeatmapRepository.js';
import { coarserFilters } from './heatmapCohort.js';
import { type FamilyPart, type FamilyRelease, familyPartsOf } from './heatmapSums.js';

/**
 * k of the rest, figure by figure, inside a released part (#12).
 *
 * The minimum cohort (`heatmapCohort.ts`) makes the rest of a part — a coarser segment's part
 * minus the segment's — hold no one or at least the minimum of visitors as a whole. That alone
 * does not protect an element: the segment's figure of an element (grid cell, page cell, dwell,
 * scroll depth) and the coarser segment's figure of it may each have k visitors while their
 * difference, the rest's figure on that element, is one visitor. So a segmented answer adds a
 * part's figure only when, for every coarser segment, the rest's figure is empty (every counter
 * equal, no visitor bit of the coarser figure missing from the segment's) or has k sessions (where
 * the figure counts them) and k distinct visitors. Rest visitors are the coarser figure's bits
 * that the segment's figure lacks: a lower bound (a visitor with sessions on both sides, or
 * sharing a bit with one of the segment, is not counted), so every error withholds; the counters
 * (clicks, sessions, page views) are exact and catch a rest whose visitors all went uncounted.
 * The reverse needs no check: the coarser segment's figure holds the segment's, so it has k
 * whenever the segment's does. Like the cohort, the decision is a function of the part's own rows.
 */

/** The segment keys a by-day read of a segmented answer asks for: its own, then each coarser one. */
export interface RestKeys {
  mine: string;
  coarser: string[];
}

export function restKeys(filter: SegmentFilter): RestKeys {
  return { mine: segmentKey(filter), coarser: coarserFilters(filter).map(segmentKey) };
}

/**
 * One part of the query's segment, with the same part of each coarser segment (`undefined`: no
 * rows) and of each family of segments one dimension away (`heatmapSums.ts`).
 */
export interface PartWithRests<T> {
  part: T;
  coarser: Array<T | undefined>;
  families: FamilyPart<T>[];
}

/**
 * Pairs each part of the segment's rows with the coarser segments' rows of the same day and device
 * class, and with its families' parent and released members' rows.
 */
export function partsWithRests<T extends SegmentDayPart>(
  rows: readonly T[],
  keys: RestKeys,
  releases: readonly FamilyRelease[] = [],
): PartWithRests<T>[] {
  const at = new Map<string, T>();
  const partKey = (r: SegmentDayPart, segment: string) => `${r.day}\u0000${r.device}\u0000${segment}`;
  for (const r of rows) at.set(partKey(r, r.segment), r);
  return rows
    .filter((r) => r.segment === keys.mine)
    .map((part) => ({
      part,
      coarser: keys.coarser.map((segment) => at.get(partKey(part, segment))),
      families: familyPartsOf(releases, part.day, part.device, (segment) => at.get(partKey(part, segment))),
    }));
}

/** Bits of `whole` that `mine` lacks: the rest's distinct visitors (a lower bound). */
export function restVisitors(
  whole: ReadonlySet<number> | undefined,
  mine: ReadonlySet<number> | undefined,
): number {
  let n = 0;
  for (const bit of whole ?? []) if (!mine?.has(bit)) n++;
  return n;
}

/**
 * Whether the rest of one figure is empty or k-anonymous: `whole` and `mine` are the coarser
 * segment's and the segment's visitor bits of the figure, `counters` pairs each of its counters
 * (coarser, segment), `sessions` its distinct sessions (coarser, segment) when it counts them.
 */
export function restOk(
  k: number,
  whole: ReadonlySet<number> | undefined,
  mine: ReadonlySet<number> | undefined,
  counters: ReadonlyArray<readonly [number, number]>,
  sessions?: readonly [number, number],
): boolean {
  const visitors = restVisitors(whole, mine);
  const restSessions = sessions ? sessions[0] - sessions[1] : 0;
  const empty = visitors === 0 && restSessions === 0 && counters.every(([w, m]) => w === m);
  return empty || (visitors >= k && (sessions === undefined || restSessions >= k));
}

type Scroll = Pick<PageTotals, 'scroll' | 'scrollVisitors'>;

/**
 * The deepest scroll depth (0..100) up to which every depth's rest against each coarser segment
 * — page views and visitors of the coarser part that reached it, minus the segment's — is empty
 * or holds k visitors; -1 when depth 0's is not. The segment's part is then cut there too, so
 * its reach at each depth it shows, subtracted from a coarser answer's, leaves k visitors or none.
 */
export function restScrollCut(mine: Scroll, coarser: ReadonlyArray<Scroll | undefined>, k: number): number {
  let cut = 100;
  for (const whole of coarser) {
    // From the bottom up: who reached this depth or deeper, on each side, and the rest's count.
    const wholeReached = new Set<number>();
    const mineReached = new Set<number>();
    let rest = 0;
    let restViews = 0;
    for (let bin = 100; bin >= 0; bin--) {
      for (const bit of mine.scrollVisitors.get(bin) ?? []) {
        if (mineReached.has(bit)) continue;
        mineReached.add(bit);
        if (wholeReached.has(bit)) rest--;
      }
      for (const bit of whole?.scrollVisitors.get(bin) ?? []) {
        if (wholeReached.has(bit)) continue;
        wholeReached.add(bit);
        if (!mineReached.has(bit)) rest++;
      }
      restViews += (whole?.scroll.values[bin] ?? 0) - (mine.scroll.values[bin] ?? 0);
      if ((restViews !== 0 || rest > 0) && rest < k) cut = Math.min(cut, bin - 1);
    }
  }
  return cut;
}
