import {
  bucketsContainingDay,
  type DeviceClass,
  type ParsedHeatmapEvent,
  parseHeatmapEvent,
  REFERRER_CLASSES,
  type ReferrerClass,
  type SegmentFilter,
  segmentKeysOf,
} from '@veil/core';
import type { AggregateWrite } from '../../src/heatmap/heatmapDeltas.js';
import { collectDeltas, targetsOf } from '../../src/heatmap/heatmapDeltas.js';
import type { HeatmapQuery } from '../../src/heatmap/heatmapQueries.js';
import { SeenSet } from '../../src/heatmap/seenSet.js';
import { clickEvent, viewEvent } from './heatmapEvents.js';

// Generated click heatmap sessions for the stored-outcome conformance tests (#17).

const PATHS = Array.from(
  { length: 9 },
  (_, i) => `main#main>section:nth-of-type(${1 + (i % 3)})>button:nth-of-type(${1 + i})`,
);

/** The same sessions every run. */
export { seededRandom as prng } from '../../src/demo/seededRandom.js';

/**
 * Sessions of one day: visitors drawn from a small pool per day and device class (so element,
 * grid and page-cell figures land on both sides of k), segments over visitor type, referrer and a
 * plan tag, clicks on a few elements with rage and dead ones.
 */
export function sessionsOf(
  random: () => number,
  first: number,
  day: number,
  count: number,
  seed: number,
): AggregateWrite[] {
  const writes: AggregateWrite[] = [];
  for (let s = 0; s < count; s++) {
    const device: DeviceClass = random() < 0.7 ? 'desktop' : 'mobile';
    const pool = device === 'desktop' ? 14 : 8;
    const bit =
      ((day - first) * 100 + (device === 'desktop' ? 0 : 50) + Math.floor(random() * pool) + seed) % 4096;
    const t = day * 86_400_000 + 3_600_000 + s * 1_000;
    const clicks = 1 + Math.floor(random() * 4);
    const events = [viewEvent(t, { path: '/' })];
    for (let c = 0; c < clicks; c++) {
      const e = Math.min(PATHS.length - 1, Math.floor(random() ** 1.6 * PATHS.length));
      const rx = Math.floor(random() * 4) / 4 + 0.1;
      const ry = Math.floor(random() * 2) / 2 + 0.1;
      events.push(
        clickEvent(t + 100 + c * 700, {
          el: PATHS[e]!,
          x: 40 + (e % 3) * 300 + Math.floor(rx * 200),
          y: 60 + Math.floor(e / 3) * 120 + Math.floor(ry * 60),
          rx,
          ry,
          rage: random() < 0.25,
          dead: random() < 0.25,
        }),
      );
    }
    const deltas = collectDeltas(
      events.map((e) => parseHeatmapEvent(e) as ParsedHeatmapEvent),
      { pagePatterns: [], seen: new SeenSet() },
    );
    const plan = random();
    const segments = segmentKeysOf({
      visitor: random() < 0.5 ? 'new' : 'returning',
      referrer: REFERRER_CLASSES[Math.floor(random() * 3)] as ReferrerClass,
      region: null,
      tags: plan < 0.4 ? [['plan', 'pro']] : plan < 0.8 ? [['plan', 'free']] : [],
    });
    writes.push({ deltas, targets: targetsOf(device, segments, bucketsContainingDay(day)), visitorBit: bit });
  }
  return writes;
}

/** Every query of a grid of segments, device sets, day ranges, k and minimum cohorts, on page `/`. */
export function queryGrid(
  siteId: string,
  grid: {
    filters: readonly SegmentFilter[];
    devices: readonly DeviceClass[][];
    ranges: ReadonlyArray<[number, number]>;
    ks: readonly number[];
    minCohorts: readonly number[];
  },
): HeatmapQuery[] {
  const out: HeatmapQuery[] = [];
  for (const filter of grid.filters)
    for (const devices of grid.devices)
      for (const [fromDay, toDay] of grid.ranges)
        for (const k of grid.ks)
          for (const minCohort of grid.minCohorts) {
            out.push({ siteId, pattern: '/', devices, fromDay, toDay, filter, k, minCohort });
          }
  return out;
}

/** An answer as JSON, or the error code it was refused with: compared as strings. */
export const answerOf = (p: Promise<unknown>): Promise<string> =>
  p.then(
    (a) => JSON.stringify(a),
    (e: { code?: string; message?: string }) => `refused ${e.code ?? e.message}`,
  );
