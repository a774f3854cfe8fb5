import type { DeviceClass } from '@veil/core';
import type { DayCohort } from '../storage/heatmaps/HeatmapRepository.js';
import type { SegmentFamily } from './heatmapCohort.js';
import { restOk } from './heatmapRests.js';
import { type Figure, familyPartsOf, familyReleases, sumsOk } from './heatmapSums.js';
import { PAGE_SIGNAL_VISITOR_PARTS } from './visitorSets.js';

/** The day rows a cohort check read (`cohortRows`): the segment's, each coarser segment's, each family's. */
export interface SignalRows {
  segment: readonly DayCohort[];
  coarser: ReadonlyArray<readonly DayCohort[]>;
  families: readonly SegmentFamily[];
}

/** A page's rage and dead clicks as an answer may show them. */
export interface PageSignals {
  rage: number;
  dead: number;
}

/**
 * A page's rage and dead clicks (the page list's and a click heatmap's totals) over the released
 * days, k-anonymous on their own like an element's, part by part (one day of one device class):
 * a part's rage (dead) clicks are added only when at least k distinct visitors rage- (dead-)
 * clicked on the page that part, when for every coarser segment the rest (its figure minus the
 * segment's) is empty or holds k visitors (`heatmapRests.ts`), and when for every family of the
 * segment the common rest (the parent's figure minus its candidates', `heatmapSums.ts`) is empty
 * or holds k visitors. Visitors are the page's keyed-hash bits (`PAGE_SIGNAL_VISITOR_PARTS`, a
 * lower bound); k visitors are k sessions too (a session has one visitor, so distinct bits come
 * from distinct sessions, of the rest too: a bit the segment lacks came from a session not in
 * it). Rows written before migration 022 have no visitor: their rage and dead count as withheld.
 * Pure, and a function of the parts' own rows only: whatever the query, the same figures pass.
 */
export function pageSignals(
  rows: SignalRows,
  pattern: string,
  released: readonly number[],
  devices: readonly DeviceClass[],
  k: number,
  min: number,
): PageSignals {
  const days = new Set(released);
  const onPage = (list: readonly DayCohort[]) => list.filter((r) => r.pattern === pattern && days.has(r.day));
  const partKey = (day: number, device: string, segment: string) => `${day}\u0000${device}\u0000${segment}`;
  const mine = onPage(rows.segment);
  const coarser = rows.coarser.map(onPage);
  const families = rows.families.map((f) => ({ ...f, parent: onPage(f.parent), members: onPage(f.members) }));
  const at = new Map<string, DayCohort>();
  for (const r of [...coarser.flat(), ...families.flatMap((f) => [...f.parent, ...f.members]), ...mine])
    at.set(partKey(r.day, r.device, r.segment), r);
  const coarserAt = coarser.map((list) => new Map(list.map((r) => [`${r.day}\u0000${r.device}`, r])));
  const releases = familyReleases(families, devices, released, min);

  const out: PageSignals = { rage: 0, dead: 0 };
  for (const r of mine) {
    const kin = familyPartsOf(releases, r.day, r.device, (segment) =>
      at.get(partKey(r.day, r.device, segment)),
    );
    for (const metric of ['rage', 'dead'] as const) {
      if (r[metric] <= 0) continue;
      const part = PAGE_SIGNAL_VISITOR_PARTS[metric];
      const figure = (x: DayCohort): Figure => ({
        counters: [x[metric]],
        visitors: x.signalVisitors.get(part),
      });
      const shown =
        (r.signalVisitors.get(part)?.size ?? 0) >= k &&
        coarserAt.every((byPart) => {
          const w = byPart.get(`${r.day}\u0000${r.device}`);
          return restOk(k, w?.signalVisitors.get(part), r.signalVisitors.get(part), [
            [w?.[metric] ?? 0, r[metric]],
          ]);
        }) &&
        sumsOk(k, kin, figure(r), figure);
      if (shown) out[metric] += r[metric];
    }
  }
  return out;
}
