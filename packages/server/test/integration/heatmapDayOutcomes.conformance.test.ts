import {
  DEFAULT_PRIVACY_POLICY,
  type DeviceClass,
  REFERRER_CLASSES,
  type SegmentFilter,
  utcDay,
} from '@veil/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clickHeatmap, type HeatmapQuery } from '../../src/heatmap/heatmapQueries.js';
import type { Store } from '../../src/storage/Store.js';
import type { SiteRecord } from '../../src/storage/sites/SiteRepository.js';
import { referenceClickHeatmap } from '../support/clickHeatmapReference.js';
import { answerOf, prng, queryGrid, sessionsOf } from '../support/heatmapOutcomeSessions.js';
import { type OpenedBackend, storeBackends } from '../support/storeBackends.js';

// Click heatmaps answered from stored per-part outcomes (`clickOutcomes.ts`, #17) are the answers
// computed from the day rows as before (`clickHeatmap` at 7db093c, frozen in
// `support/clickHeatmapReference.ts`), on a generated page with segments, several days and device
// classes, visitors near k and the minimum cohort: cold (decided and stored), warm (read back),
// after a later write to a day (its outcomes no longer current) and with a stored outcome damaged.

const T = Date.UTC(2025, 4, 5, 10);
const FIRST = utcDay(T);
const DAYS = 4;
const FILTERS: SegmentFilter[] = [
  {},
  { visitor: 'new' },
  { tag: ['plan', 'pro'] },
  { referrer: REFERRER_CLASSES[0]! },
  { visitor: 'returning', tag: ['plan', 'free'] },
];
const DEVICE_SETS: DeviceClass[][] = [['desktop'], ['mobile'], ['desktop', 'mobile']];
const RANGES: Array<[number, number]> = [
  [FIRST, FIRST + DAYS - 1],
  [FIRST + 1, FIRST + 2],
];

/** Every query of the grid, for the site. */
function queries(siteId: string): HeatmapQuery[] {
  return queryGrid(siteId, {
    filters: FILTERS,
    devices: DEVICE_SETS,
    ranges: RANGES,
    ks: [2, 3, 5],
    minCohorts: [2, 4],
  });
}

const answer = answerOf;

// Each test compares some hundred answers with the reference's on each engine: once over 30 s on
// PostgreSQL on a loaded machine.
describe.each(await storeBackends())(
  'click heatmap from stored part outcomes: $name',
  { timeout: 180_000 },
  (backend) => {
    let opened: OpenedBackend;
    let store: Store;
    let site: SiteRecord;

    beforeAll(async () => {
      opened = await backend.open();
      store = opened.store;
      site = await store.sites.create({
        siteKey: 'heatmap_outcomes',
        name: 'outcomes',
        origins: ['https://o.example'],
        policy: DEFAULT_PRIVACY_POLICY,
        createdAt: T,
      });
      const random = prng(17);
      for (let d = 0; d < DAYS; d++) {
        await store.heatmaps.addAggregates(site.id, sessionsOf(random, FIRST, FIRST + d, 70, 0), T);
      }
    });
    afterAll(async () => {
      await store?.close();
      await opened?.cleanup();
    });

    /** Each query's answer from stored outcomes next to the reference's. */
    async function compare(label: string): Promise<{ shown: number; refused: number }> {
      let shown = 0;
      let refused = 0;
      for (const q of queries(site.id)) {
        const expected = await answer(referenceClickHeatmap(store, q));
        const got = await answer(clickHeatmap(store, q));
        expect(got, `${label}: ${JSON.stringify(q)}`).toBe(expected);
        if (expected.startsWith('refused')) refused++;
        else if (JSON.parse(expected).elements.length > 0) shown++;
      }
      return { shown, refused };
    }

    it('answers every query of segments, device classes, ranges, k and minimum cohorts as before: cold, then warm', async () => {
      const cold = await compare('cold');
      // The grid covers answers that show elements and queries refused by the cohort, not only one kind.
      expect(cold.shown).toBeGreaterThan(20);
      expect(cold.refused).toBeGreaterThan(0);
      const [[stored]] = (await opened.query('select count(*) as n from heatmap_day_outcomes')) as [
        [{ n: number | string }],
      ];
      expect(Number(stored.n)).toBeGreaterThan(0);
      await compare('warm');
    });

    it('answers as before after a later write to a day whose outcomes were stored', async () => {
      await compare('before the write');
      const before = await answer(clickHeatmap(store, queries(site.id)[0]!));
      // More sessions on the second day: its stored outcomes were decided from older rows.
      await store.heatmaps.addAggregates(site.id, sessionsOf(prng(99), FIRST, FIRST + 1, 40, 7), T);
      const after = await answer(clickHeatmap(store, queries(site.id)[0]!));
      expect(after).not.toBe(before);
      await compare('after the write');
    });

    it('decides a damaged stored outcome again from the rows (fails closed to the full check)', async () => {
      await compare('stored');
      await opened.exec(
        backend.name === 'postgres'
          ? `update heatmap_day_outcomes set outcome = '\\x00010203'::bytea`
          : `update heatmap_day_outcomes set outcome = x'00010203'`,
      );
      await compare('damaged');
    });
  },
);
