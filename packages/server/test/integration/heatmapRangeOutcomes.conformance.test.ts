import { DEFAULT_PRIVACY_POLICY, type DeviceClass, type SegmentFilter, utcDay } from '@veil/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clickHeatmap, type HeatmapQuery } from '../../src/heatmap/heatmapQueries.js';
import type { Store } from '../../src/storage/Store.js';
import type { SiteRecord } from '../../src/storage/sites/SiteRepository.js';
import { referenceClickHeatmap } from '../support/clickHeatmapReference.js';
import { answerOf, prng, queryGrid, sessionsOf } from '../support/heatmapOutcomeSessions.js';
import { type OpenedBackend, storeBackends } from '../support/storeBackends.js';

// Click heatmaps summed from stored range outcomes (`clickRanges.ts`, #17: sums over aligned
// buckets of 4 and 16 days) are the answers computed from the day rows as before (frozen in
// `support/clickHeatmapReference.ts`), over 20 days starting on a 16-day boundary: cold, warm, after
// a write to a day inside a range, with a write racing an answer that sums ranges again, and with
// stored range outcomes damaged.

const T = Date.UTC(2025, 4, 5, 10);
/** The first day: a multiple of 16, so the range holds a 16-day bucket and 4-day ones. */
const FIRST = Math.ceil(utcDay(T) / 16) * 16;
const DAYS = 20;

const FILTERS: SegmentFilter[] = [{}, { tag: ['plan', 'pro'] }, { visitor: 'new' }];
const DEVICE_SETS: DeviceClass[][] = [['desktop'], ['desktop', 'mobile']];
/** 16 + 4 days; 4-day buckets with days on both sides. */
const RANGES: Array<[number, number]> = [
  [FIRST, FIRST + DAYS - 1],
  [FIRST + 1, FIRST + 18],
];
/** Each test compares some hundred answers with the reference's, on each engine: minutes on a loaded machine. */
const TIMEOUT_MS = 180_000;

/** Every query of the grid, for the site. */
function queries(siteId: string): HeatmapQuery[] {
  return queryGrid(siteId, {
    filters: FILTERS,
    devices: DEVICE_SETS,
    ranges: RANGES,
    ks: [2, 5],
    minCohorts: [2, 4],
  });
}

const answer = answerOf;

describe.each(await storeBackends())('click heatmap from stored range outcomes: $name', (backend) => {
  let opened: OpenedBackend;
  let store: Store;
  let site: SiteRecord;

  beforeAll(async () => {
    opened = await backend.open();
    store = opened.store;
    site = await store.sites.create({
      siteKey: 'heatmap_ranges',
      name: 'ranges',
      origins: ['https://r.example'],
      policy: DEFAULT_PRIVACY_POLICY,
      createdAt: T,
    });
    const random = prng(23);
    for (let d = 0; d < DAYS; d++) {
      await store.heatmaps.addAggregates(site.id, sessionsOf(random, FIRST, FIRST + d, 45, 0), T);
    }
  }, TIMEOUT_MS);
  afterAll(async () => {
    await store?.close();
    await opened?.cleanup();
  });

  /** Each query's answer (through `via`, the store by default) next to the reference's. */
  async function compare(label: string, via: Store = store): Promise<{ shown: number; refused: number }> {
    let shown = 0;
    let refused = 0;
    for (const q of queries(site.id)) {
      const got = await answer(clickHeatmap(via, q));
      const expected = await answer(referenceClickHeatmap(store, q));
      expect(got, `${label}: ${JSON.stringify(q)}`).toBe(expected);
      if (expected.startsWith('refused')) refused++;
      else if (JSON.parse(expected).elements.length > 0) shown++;
    }
    return { shown, refused };
  }

  /** The stored range outcomes' rows (version -1) by bucket and device class. */
  async function ranges(): Promise<Map<string, string>> {
    const [rows] = (await opened.query(
      backend.name === 'postgres'
        ? `select bucket, device, segment, k, min_cohort, encode(outcome, 'hex') as hex from heatmap_day_outcomes where version = -1`
        : `select bucket, device, segment, k, min_cohort, hex(outcome) as hex from heatmap_day_outcomes where version = -1`,
    )) as [Array<Record<string, unknown>>];
    return new Map(
      rows.map((r) => [
        `${r.bucket}|${r.device}|${r.segment}|${r.k}|${r.min_cohort}`,
        String(r.hex).toLowerCase(),
      ]),
    );
  }

  /** More sessions on one day, as ingest would add them (its version is bumped). */
  const writeDay = (day: number, seed: number) =>
    store.heatmaps.addAggregates(site.id, sessionsOf(prng(seed), FIRST, day, 30, seed), T);

  it(
    'answers as before, cold then warm, and stores range outcomes of 4 and 16 days',
    async () => {
      const cold = await compare('cold');
      expect(cold.shown).toBeGreaterThan(10);
      const stored = await ranges();
      // A 16-day bucket (level 2) and 4-day buckets (level 1) of each key and device class.
      const levels = new Set([...stored.keys()].map((key) => Number(key.split('|')[0]) % 4));
      expect([...levels].sort()).toEqual([1, 2]);
      await compare('warm');
      // Warm answers store nothing new: every range was current.
      expect(await ranges()).toEqual(stored);
    },
    TIMEOUT_MS,
  );

  it(
    'answers as before after a write to a day inside stored ranges, and sums those ranges again',
    async () => {
      await compare('before the write');
      const before = await ranges();
      await writeDay(FIRST + 5, 41);
      await compare('after the write');
      const after = await ranges();
      // The 16-day bucket and the 4-day one holding the day were summed again; other 4-day ones not.
      const changed = (bucket: number) =>
        [...after].some(([key, hex]) => key.startsWith(`${bucket}|`) && before.get(key) !== hex);
      expect(changed((FIRST + 4) * 4 + 1)).toBe(true);
      expect(changed(FIRST * 4 + 2)).toBe(true);
      expect(changed((FIRST + 8) * 4 + 1)).toBe(false);
    },
    TIMEOUT_MS,
  );

  it(
    'leaves a range summed while a write lands in it stale, never wrong',
    async () => {
      await compare('before');
      // A write to one day makes its ranges stale; the next answers decide that day again and sum the
      // ranges again. While they do, after the rows were read and before the ranges are stored,
      // another write lands on a second day of the same ranges.
      await writeDay(FIRST + 2, 43);
      let raced = 0;
      const racing: Store = {
        ...store,
        heatmaps: {
          ...store.heatmaps,
          async putDayOutcomes(...args) {
            if (raced++ === 0) await writeDay(FIRST + 3, 47);
            return store.heatmaps.putDayOutcomes(...args);
          },
        },
      };
      const q = queries(site.id)[0]!;
      const during = await answer(clickHeatmap(racing, q));
      expect(raced).toBeGreaterThan(0);
      expect(during.startsWith('refused')).toBe(false);
      // Every later answer is the reference's of the rows after both writes.
      await compare('after the race');
    },
    TIMEOUT_MS,
  );

  it(
    'sums a range again from its days when its stored outcome is damaged (never trusted)',
    async () => {
      await compare('stored');
      await opened.exec(
        backend.name === 'postgres'
          ? `update heatmap_day_outcomes set outcome = substring(outcome from 1 for length(outcome) - 4) where version = -1`
          : `update heatmap_day_outcomes set outcome = substr(outcome, 1, length(outcome) - 4) where version = -1`,
      );
      await compare('truncated');
      await opened.exec(
        backend.name === 'postgres'
          ? `update heatmap_day_outcomes set outcome = '\\x00010203'::bytea where version = -1`
          : `update heatmap_day_outcomes set outcome = x'00010203' where version = -1`,
      );
      await compare('garbage');
      // Each range's outcome replaced by another bucket's (well-formed, of other days): not used.
      await opened.exec(
        `update heatmap_day_outcomes set outcome = (select o.outcome from heatmap_day_outcomes o
         where o.version = -1 and o.page_id = heatmap_day_outcomes.page_id and o.view = heatmap_day_outcomes.view
           and o.segment = heatmap_day_outcomes.segment and o.k = heatmap_day_outcomes.k
           and o.min_cohort = heatmap_day_outcomes.min_cohort and o.device = heatmap_day_outcomes.device
           and o.bucket <> heatmap_day_outcomes.bucket order by o.bucket limit 1)
       where version = -1 and exists (select 1 from heatmap_day_outcomes o
         where o.version = -1 and o.page_id = heatmap_day_outcomes.page_id and o.view = heatmap_day_outcomes.view
           and o.segment = heatmap_day_outcomes.segment and o.k = heatmap_day_outcomes.k
           and o.min_cohort = heatmap_day_outcomes.min_cohort and o.device = heatmap_day_outcomes.device
           and o.bucket <> heatmap_day_outcomes.bucket)`,
      );
      await compare('swapped');
    },
    TIMEOUT_MS,
  );
});
