import {
  bucketsContainingDay,
  bucketsCovering,
  DEFAULT_PRIVACY_POLICY,
  type ParsedHeatmapEvent,
  parseHeatmapEvent,
  segmentKey,
  segmentKeysOf,
  utcDay,
} from '@veil/core';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectDeltas, targetsOf } from '../../src/heatmap/heatmapDeltas.js';
import { SeenSet } from '../../src/heatmap/seenSet.js';
import { openPostgresStore } from '../../src/storage/postgres/openPostgresStore.js';
import type { Store } from '../../src/storage/Store.js';
import type { SiteRecord } from '../../src/storage/sites/SiteRepository.js';
import { clickEvent, viewEvent } from '../support/heatmapEvents.js';
import { createTestDatabase, postgresAvailable, type TestDatabase } from '../support/postgres.js';

// Regression: page and element ids resolved inside one aggregate transaction were shared with
// concurrent transactions before that transaction committed. A concurrent writer then used the
// id of a page row it could not see (foreign-key violation) or, after the first transaction
// rolled back and cleared the cache, no id at all (null page_id). Ids now reach the shared cache
// only after their transaction committed.

const T = Date.UTC(2025, 2, 3, 10);
const DAY = utcDay(T);
const PG_PAGE_LOCK_NAMESPACE = 0x766d;

function write(path: string, element: string) {
  const events = [
    viewEvent(T, { path }),
    clickEvent(T + 1, { path, el: element, x: 5, y: 5, rx: 0.5, ry: 0.5 }),
  ];
  const deltas = collectDeltas(
    events.map((e) => parseHeatmapEvent(e) as ParsedHeatmapEvent),
    { pagePatterns: [], seen: new SeenSet() },
  );
  const segment = segmentKeysOf({ visitor: 'new', referrer: 'direct', region: null, tags: [] });
  return { deltas, targets: targetsOf('desktop', segment, bucketsContainingDay(DAY)) };
}

describe.runIf(await postgresAvailable())('heatmap id cache on PostgreSQL', () => {
  let db: TestDatabase;
  let store: Store;
  let admin: pg.Client;
  let site: SiteRecord;

  beforeAll(async () => {
    db = await createTestDatabase();
    store = await openPostgresStore(db.url);
    admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
    site = await store.sites.create({
      siteKey: 'heatmap_id_cache',
      name: 'heatmap_id_cache',
      origins: ['https://h.example'],
      policy: DEFAULT_PRIVACY_POLICY,
      createdAt: T,
    });
  });
  afterAll(async () => {
    await admin?.end();
    await store?.close();
    await db?.drop();
  });

  // Only this test database's backends: other test files share the cluster, and their waits (or
  // their backends) must neither satisfy these conditions nor be cancelled here.
  const OURS = 'pid in (select pid from pg_stat_activity where datname = current_database())';
  const waiting = async () =>
    Number(
      (await admin.query<{ n: string }>(`select count(*) as n from pg_locks where not granted and ${OURS}`))
        .rows[0]?.n,
    );
  async function until(condition: () => Promise<boolean>) {
    // A condition, polled: up to 60 s on a machine busy with other test files.
    for (let i = 0; i < 6_000; i++) {
      if (await condition()) return;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error('timed out waiting for the lock queue');
  }

  it('a writer racing one that rolls back still counts, on the right page', async () => {
    // Hold every page lock a fresh database can hand out, so the first writer stops right after
    // resolving its new page's id, inside its open transaction.
    await admin.query(
      `select pg_advisory_lock(${PG_PAGE_LOCK_NAMESPACE}, i) from generate_series(1, 200) as i`,
    );
    const failing = store.heatmaps.addAggregates(site.id, [write('/race', 'main>button')], T);
    const failed = failing.then(
      () => 'committed',
      () => 'rolled back',
    );
    await until(async () => (await waiting()) >= 1);
    const first = (
      await admin.query<{ pid: number }>(
        `select pid from pg_locks where locktype = 'advisory' and classid = ${PG_PAGE_LOCK_NAMESPACE} and not granted and ${OURS}`,
      )
    ).rows[0]!.pid;
    const racing = store.heatmaps.addAggregates(site.id, [write('/race', 'main>button')], T);
    const raced = racing.then(
      () => 'committed',
      (error: Error) => `failed: ${error.message}`,
    );
    await until(async () => (await waiting()) >= 2);
    // The first writer fails (as a deadlock victim or a lost connection would) and rolls back.
    await admin.query('select pg_cancel_backend($1)', [first]);
    await failed;
    await admin.query('select pg_advisory_unlock_all()');

    expect(await failed).toBe('rolled back');
    expect(await raced).toBe('committed');
    const pageId = (await store.heatmaps.pageId(site.id, '/race'))!;
    const elements = await store.heatmaps.elements(pageId, {
      devices: ['desktop'],
      segment: segmentKey({}),
      buckets: bucketsCovering(DAY - 29, DAY),
    });
    expect(elements.map((e) => e.clicks)).toEqual([1]);
  });
});
