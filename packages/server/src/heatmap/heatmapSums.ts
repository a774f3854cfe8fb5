import type { DeviceClass } from '@veil/core';
import type { PageTotals } from '../storage/heatmaps/HeatmapRepository.js';
import { membersByPart, partsOf, releasedValues, type SegmentFamily } from './heatmapCohort.js';
import type { VisitorSets } from './visitorSets.js';

/**
 * Sums of segments, figure by figure, inside a released part (#12).
 *
 * Segments that differ in one dimension (`plan=free`, `plan=pro`, … of one tag key; the referrer
 * classes; the regions) add up to their parent (the segment without that dimension), so the
 * parent's answer minus several members' answers leaves whoever has none of their values. The
 * minimum cohort releases a family's members together, part by part (`releasedValues`), so that
 * this common rest holds no one or the minimum as a whole; this module does the same for every
 * figure of a part (an element's clicks, rage and dead clicks, dwell, a grid cell, a page cell's
 * clicks, rage, dead clicks and dwell, a scroll depth): a member's figure is added only when the
 * parent's figure minus the figures of the family's *candidates* — the members released in the
 * part whose own figure holds k sessions (where it counts them) and k distinct visitors — is empty
 * or holds k sessions and k distinct visitors. Rest visitors are the parent's bits that no
 * candidate's figure has (a lower bound: every error withholds); the counters are exact and catch
 * a rest whose visitors all went uncounted (and a sum that exceeds the parent, sessions carrying
 * two values of one tag key: not empty, no visitor, withheld).
 *
 * Why differencing then isolates no one: every member's answer shows a part's figure only when the
 * member is a candidate (its own k) and the common rest holds k or none, a decision made from the
 * part's own rows (the parent's and the family's), the same whichever member, date range or
 * device set is asked. So for any set T of members whose answers show the figure, the parent's
 * figure minus theirs is the common rest plus the other candidates' figures: empty, or holding the
 * rest's k visitors or a candidate's own k. A member whose figure is below k is no candidate: its
 * figure stays in the rest, so the others' sum cannot be subtracted down to it. Members not
 * released in the part show nothing of it, and their figures stay in the rest too.
 */

/** One figure of one segment's part: its counters, its distinct sessions (where counted), its visitor bits. */
export interface Figure {
  counters: readonly number[];
  sessions?: number;
  visitors: ReadonlySet<number> | undefined;
}

/** A family as a part's figures see it: its parent's segment key and, per part, the released members. */
export interface FamilyRelease {
  parent: string;
  /** `${day}\u0000${device}` → the members released in that part (segment keys). */
  released: Map<string, ReadonlySet<string>>;
}

const partKey = (day: number, device: string) => `${day}\u0000${device}`;

/**
 * The released members of each family, for each part of the released days: what the figures of a
 * segmented answer are checked against. The same function of the part's rows as the cohort's.
 */
export function familyReleases(
  families: readonly SegmentFamily[],
  devices: readonly DeviceClass[],
  days: readonly number[],
  min: number,
): FamilyRelease[] {
  return families.map((f) => {
    const parents = partsOf(f.parent);
    const members = membersByPart(f.members);
    const released = new Map<string, ReadonlySet<string>>();
    for (const day of days) {
      for (const device of devices) {
        const key = partKey(day, device);
        released.set(key, releasedValues(parents.get(key), members.get(key) ?? new Map(), min));
      }
    }
    return { parent: f.parentKey, released };
  });
}

/** The segment keys the families add to a by-day read: each parent and every released member. */
export function familyReadKeys(releases: readonly FamilyRelease[]): string[] {
  const keys = new Set<string>();
  for (const r of releases) {
    keys.add(r.parent);
    for (const members of r.released.values()) for (const m of members) keys.add(m);
  }
  return [...keys];
}

/** One part of a family: the parent's part and the released members' parts (the segment's own among them). */
export interface FamilyPart<T> {
  parent: T | undefined;
  members: T[];
}

/** The families' parts of one part (day and device class) of the segment, from the by-day rows. */
export function familyPartsOf<T>(
  releases: readonly FamilyRelease[],
  day: number,
  device: string,
  at: (segment: string) => T | undefined,
): FamilyPart<T>[] {
  return releases.map((r) => ({
    parent: at(r.parent),
    members: [...(r.released.get(partKey(day, device)) ?? [])].flatMap((m) => {
      const row = at(m);
      return row === undefined ? [] : [row];
    }),
  }));
}

/** Whether a figure holds k on its own: k sessions (where counted) and k distinct visitors. */
const holdsK = (f: Figure, k: number) =>
  (f.sessions === undefined || f.sessions >= k) && (f.visitors?.size ?? 0) >= k;

/**
 * Whether the common rest of one figure is empty or holds k: the parent's figure minus the figures
 * of the candidates (released members whose figure holds k of its own). `figure` reads the figure
 * from an item of a part (undefined: the part has no such item, a figure of nothing). The segment's
 * own figure must be a candidate, or nothing is shown. Anything unexpected withholds.
 */
export function sumsOk<T>(
  k: number,
  families: readonly FamilyPart<T>[],
  mine: Figure,
  figure: (item: T) => Figure | undefined,
): boolean {
  if (families.length === 0) return true;
  try {
    if (!holdsK(mine, k)) return false;
    for (const family of families) {
      const parent = family.parent === undefined ? undefined : figure(family.parent);
      if (!parent) return false;
      const candidates = family.members.flatMap((m) => {
        const f = figure(m);
        return f && holdsK(f, k) ? [f] : [];
      });
      const counters = parent.counters.map((c, i) =>
        candidates.reduce((s, f) => s - (f.counters[i] ?? 0), c),
      );
      const sessions =
        parent.sessions === undefined
          ? undefined
          : candidates.reduce((s, f) => s - (f.sessions ?? Number.POSITIVE_INFINITY), parent.sessions);
      let visitors = 0;
      for (const bit of parent.visitors ?? []) if (!candidates.some((f) => f.visitors?.has(bit))) visitors++;
      const empty =
        visitors === 0 && (sessions === undefined || sessions === 0) && counters.every((c) => c === 0);
      const ok = empty || (visitors >= k && (sessions === undefined || sessions >= k));
      if (!ok || !Number.isFinite(sessions ?? 0) || counters.some((c) => !Number.isFinite(c))) return false;
    }
    return true;
  } catch {
    // Privacy code fails closed: a figure that cannot be checked is not shown.
    return false;
  }
}

type Scroll = Pick<PageTotals, 'scroll' | 'scrollVisitors'>;

/**
 * The deepest scroll depth (0..100) down to which, at every depth, the common rest of each family —
 * the parent's page views and visitors that reached it, minus those of the candidates (released
 * members with k visitors that reached it) — is empty or holds k visitors; -1 when depth 0's is not.
 * The segment's part is cut there, like `restScrollCut`; without families, 100.
 */
export function sumsScrollCut(families: readonly FamilyPart<Scroll>[], k: number): number {
  let cut = 100;
  try {
    for (const { parent, members } of families) {
      if (!parent) return -1;
      const reached = members.map(() => new Set<number>());
      const views = members.map(() => 0);
      const parentReached = new Set<number>();
      let parentViews = 0;
      for (let bin = 100; bin >= 0; bin--) {
        const into = (set: Set<number>, from: VisitorSets) => {
          for (const bit of from.get(bin) ?? []) set.add(bit);
        };
        into(parentReached, parent.scrollVisitors);
        parentViews += parent.scroll.values[bin] ?? 0;
        members.forEach((m, i) => {
          into(reached[i]!, m.scrollVisitors);
          views[i]! += m.scroll.values[bin] ?? 0;
        });
        const candidates = reached.flatMap((set, i) => (set.size >= k ? [i] : []));
        let rest = 0;
        for (const bit of parentReached) if (!candidates.some((i) => reached[i]!.has(bit))) rest++;
        const restViews = candidates.reduce((s, i) => s - views[i]!, parentViews);
        if ((restViews !== 0 || rest > 0) && rest < k) cut = Math.min(cut, bin - 1);
      }
    }
    return cut;
  } catch {
    return -1;
  }
}
