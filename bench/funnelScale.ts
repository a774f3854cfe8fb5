/**
 * A one-month funnel at scale: a site holds `VEIL_BENCH_FUNNEL_SESSIONS` sessions (default 1 M)
 * received over 30 days, each with 2–5 page views and, for a third of them, a click on the pay
 * button, written in bulk on a second connection: on SQLite as ingest keeps them (`session_pages`,
 * `session_clicks` and the per-session sequences of `session_funnels`), on PostgreSQL only the
 * sequences (all a funnel reads). Measured: the funnel route's work (`signals.funnelReach` over the
 * month and `kAnonymousFunnel`) for a four-step funnel with one click step, fastest of three rounds.
 * Baselines in the same run: on SQLite the old path, which read every page view and click of the
 * month (`recordings.funnelSessions` + `funnelReach`, once; its counts must be the same); on
 * PostgreSQL reading the month's sequence rows once without counting them. Then the paths route's
 * work (`signals.pathReach` + `kAnonymousPaths`) for the top paths after an item page, on SQLite
 * checked against the same page views and clicks. Also on SQLite, in the same run: the month's
 * sequences read once grouped by sequence through the (site, sequence) index, the read both
 * routes start with (the floor of their work).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import {
  DEFAULT_PRIVACY_POLICY,
  encodeFunnelItems,
  type FunnelReach,
  type FunnelStep,
  funnelItems,
  funnelReach,
  kAnonymousFunnel,
  kAnonymousPaths,
  MIN_FUNNEL_COHORT,
  type PathReach,
  pathReach,
  utcDay,
} from '../packages/core/src/index.js';
import { openPostgresStore } from '../packages/server/src/storage/postgres/openPostgresStore.js';
import type { Store } from '../packages/server/src/storage/Store.js';
import { openSqliteStore } from '../packages/server/src/storage/sqlite/openSqliteStore.js';
import { createTestDatabase, postgresAvailable } from '../packages/server/test/support/postgres.js';
import type { BenchRow } from './heatmapQueries.js';

const DAY_MS = 86_400_000;
const NOW = Date.UTC(2025, 6, 1);
const INSERT_BATCH = 50_000;
const ROUNDS = 3;
const ORIGIN = 'https://shop.example';
const PAY = 'main#main>button:nth-of-type(1)';
const STEPS: FunnelStep[] = [
  { page: '/' },
  { page: '/item/:id' },
  { page: '/cart', click: PAY },
  { page: '/checkout' },
];
const DEVICES = ['desktop', 'mobile', 'tablet'];
/** Distinct visitors a figure needs, as the route asks (the minimum cohort, or k). */
const ENOUGH = (k: number) => Math.max(k, MIN_FUNNEL_COHORT);

/** Session i of the site: received over 30 days; home for all, an item for 70 %, the cart for 45 %, checkout for 20 %, the pay click for 33 %. */
function sessionAt(i: number) {
  const at = NOW - (i % 30) * DAY_MS - (i % 86_000) * 1000;
  const paths = ['/', `/item/${i % 500}`];
  if (i % 100 < 45) paths.push('/cart');
  if (i % 100 < 20) paths.push('/checkout');
  if (i % 100 >= 70) paths.splice(1, 1, '/about');
  const clickAt =
    i % 100 < 33 && paths.includes('/cart') ? at + paths.indexOf('/cart') * 10_000 + 2_000 : null;
  const items = encodeFunnelItems(
    funnelItems(
      paths.map((path, idx) => ({ ts: at + idx * 10_000, path })),
      clickAt === null ? [] : [{ ts: clickAt, page: '/cart', element: PAY }],
    ),
  );
  return {
    id: `s_${i.toString(36).padStart(8, '0')}`,
    at,
    visitor: `v_${i % 400_000}`,
    device: DEVICES[i % 3] as string,
    paths,
    clickAt,
    items,
  };
}

async function siteOf(store: Store) {
  return store.sites.create({
    siteKey: 'site_bench_funnel',
    name: 'bench',
    origins: [ORIGIN],
    policy: DEFAULT_PRIVACY_POLICY,
    createdAt: NOW - 60 * DAY_MS,
  });
}

/** The route's work, fastest of `ROUNDS`, and its answer. */
async function timeFunnel(
  store: Store,
  siteId: string,
  k: number,
  progress: (m: string) => void,
  engine: string,
) {
  const times: number[] = [];
  let reach: FunnelReach | undefined;
  for (let round = 0; round < ROUNDS; round++) {
    progress(`funnel at scale (${engine}): round ${round + 1}/${ROUNDS}`);
    const t = performance.now();
    reach = await store.signals.funnelReach(siteId, NOW - 30 * DAY_MS, NOW, STEPS, {}, ENOUGH(k));
    kAnonymousFunnel(STEPS, reach, k);
    times.push(performance.now() - t);
  }
  return { ms: Math.min(...times), reach: reach as FunnelReach };
}

const countsOf = (reach: FunnelReach) => reach.sessions.join(' → ');

/** Top paths after an item page (`/item/:id`), as the paths route reads them. */
const PATHS_PAGE = '/item/:id';

/** The paths route's work, fastest of `ROUNDS`, and its answer as shown. */
async function timePaths(
  store: Store,
  siteId: string,
  k: number,
  progress: (m: string) => void,
  engine: string,
) {
  const times: number[] = [];
  let shown: ReturnType<typeof kAnonymousPaths> | undefined;
  for (let round = 0; round < ROUNDS; round++) {
    progress(`paths at scale (${engine}): round ${round + 1}/${ROUNDS}`);
    const t = performance.now();
    const reach: PathReach = await store.signals.pathReach(
      siteId,
      NOW - 30 * DAY_MS,
      NOW,
      PATHS_PAGE,
      'after',
      [],
      k,
      ENOUGH(k),
    );
    shown = kAnonymousPaths(reach, k, MIN_FUNNEL_COHORT);
    times.push(performance.now() - t);
  }
  return { ms: Math.min(...times), shown: shown as ReturnType<typeof kAnonymousPaths> };
}

const pathsOf = (shown: ReturnType<typeof kAnonymousPaths>) =>
  shown.paths.map((p) => `${p.page} ${p.sessions}`).join(', ');

async function sqliteBench(total: number, progress: (msg: string) => void): Promise<BenchRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'veil-bench-funnel-'));
  const file = join(dir, 'veil.sqlite');
  const store = await openSqliteStore(file);
  let db: BetterSqlite3.Database | undefined;
  try {
    const site = await siteOf(store);
    progress(`funnel at scale: writing ${total} sessions with their page views, clicks and sequences`);
    db = new BetterSqlite3(file);
    db.pragma('journal_mode = WAL');
    const session = db.prepare(
      `insert into recording_sessions (id, site_id, visitor_id, started_at, ended_at, last_received_at,
         duration_ms, page_count, device_class, event_count, chunk_count, finalised, created_at)
       values (?, ?, ?, ?, ?, ?, 40000, ?, ?, 10, 1, 1, ?)`,
    );
    const page = db.prepare(
      'insert into session_pages (session_id, seq, idx, ts, url) values (?, 0, ?, ?, ?)',
    );
    const click = db.prepare(
      `insert into session_clicks (session_id, seq, idx, site_id, ts, page, element)
       values (?, 0, 0, ?, ?, '/cart', ?)`,
    );
    const sequence = db.prepare(
      `insert into session_funnels (site_id, day, session_id, received_at, device_class, visitor, items)
       values (?, ?, ?, ?, ?, ?, ?)`,
    );
    let pageRows = 0;
    const writeRange = db.transaction((from: number, to: number) => {
      for (let i = from; i < to; i++) {
        const s = sessionAt(i);
        session.run(
          s.id,
          site.id,
          s.visitor,
          s.at,
          s.at + 40_000,
          s.at + 40_000,
          s.paths.length,
          s.device,
          s.at,
        );
        s.paths.forEach((p, idx) => {
          page.run(s.id, idx, s.at + idx * 10_000, `${ORIGIN}${p}`);
          pageRows++;
        });
        if (s.clickAt !== null) click.run(s.id, site.id, s.clickAt, PAY);
        sequence.run(site.id, utcDay(s.at), s.id, s.at, s.device, s.visitor, s.items);
      }
    });
    for (let from = 0; from < total; from += INSERT_BATCH) {
      writeRange(from, Math.min(total, from + INSERT_BATCH));
      progress(`funnel at scale: ${Math.min(total, from + INSERT_BATCH)} / ${total} sessions`);
    }
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.exec('analyze');

    const k = site.policy.heatmapMinSessions;
    const kept = await timeFunnel(store, site.id, k, progress, 'SQLite');
    // The floor both routes share: the month's sequences read once, grouped by sequence.
    const grouped = db.prepare(
      `select items, count(*) as n from session_funnels where site_id = ? and day >= ? and day <= ?
         and received_at >= ? and received_at <= ? group by items`,
    );
    const groupedTimes: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const t = performance.now();
      grouped.all(site.id, utcDay(NOW - 30 * DAY_MS), utcDay(NOW), NOW - 30 * DAY_MS, NOW);
      groupedTimes.push(performance.now() - t);
    }
    const groupedMs = Math.min(...groupedTimes);
    progress('funnel at scale: the old path (every page view and click of the month), once');
    const t = performance.now();
    const month = await store.recordings.funnelSessions(site.id, NOW - 30 * DAY_MS, NOW);
    const old = funnelReach(month, STEPS);
    kAnonymousFunnel(STEPS, old, k);
    const oldMs = performance.now() - t;
    const paths = await timePaths(store, site.id, k, progress, 'SQLite');
    const oldPaths = kAnonymousPaths(pathReach(month, PATHS_PAGE, 'after'), k, MIN_FUNNEL_COHORT);
    const samePaths = JSON.stringify(oldPaths) === JSON.stringify(paths.shown);
    const capped = { sessions: old.sessions, visitors: old.visitors.map((v) => Math.min(v, ENOUGH(k))) };
    const same = JSON.stringify(capped) === JSON.stringify(kept.reach);
    if (!same)
      progress(
        `funnel at scale: the old path counted ${countsOf(old)}, the sequences ${countsOf(kept.reach)}`,
      );
    return [
      {
        benchmark: `one-month funnel, 4 steps (one a click), ${(total / 1e6).toFixed(1)} M sessions, ${(pageRows / 1e6).toFixed(2)} M page views, SQLite (${countsOf(kept.reach)}${same ? ', same as the old path' : ', DIFFERS from the old path'})`,
        value: `${Math.round(kept.ms)} ms`,
        baseline: `old path (every page view and click) ${Math.round(oldMs)} ms; its sequences read grouped ${Math.round(groupedMs)} ms`,
        ratio: `${(kept.ms / oldMs).toFixed(3)} × the old path, ${(kept.ms / groupedMs).toFixed(1)} × the grouped read`,
        target: '< 1000 ms',
        ok: kept.ms < 1000 && same,
      },
      {
        benchmark: `one-month top paths after ${PATHS_PAGE}, ${(total / 1e6).toFixed(1)} M sessions, SQLite (${pathsOf(paths.shown)}${samePaths ? ', same as every page view' : ', DIFFERS from every page view'})`,
        value: `${Math.round(paths.ms)} ms`,
        baseline: `old path (every page view and click, read above) ${Math.round(oldMs)} ms; its sequences read grouped ${Math.round(groupedMs)} ms`,
        ratio: `${(paths.ms / oldMs).toFixed(3)} × the old path, ${(paths.ms / groupedMs).toFixed(1)} × the grouped read`,
        target: '< 1000 ms',
        ok: paths.ms < 1000 && samePaths,
      },
    ];
  } finally {
    db?.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function postgresBench(total: number, progress: (msg: string) => void): Promise<BenchRow[]> {
  const database = await createTestDatabase();
  const store = await openPostgresStore(database.url);
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    const site = await siteOf(store);
    progress(`funnel at scale (PostgreSQL): writing ${total} session sequences`);
    for (let from = 0; from < total; from += INSERT_BATCH) {
      const cols: [number[], string[], number[], string[], string[], string[]] = [[], [], [], [], [], []];
      for (let i = from; i < Math.min(total, from + INSERT_BATCH); i++) {
        const s = sessionAt(i);
        cols[0].push(utcDay(s.at));
        cols[1].push(s.id);
        cols[2].push(s.at);
        cols[3].push(s.device);
        cols[4].push(s.visitor);
        cols[5].push(s.items);
      }
      await client.query(
        `insert into session_funnels (site_id, day, session_id, received_at, device_class, visitor, items)
         select $1, * from unnest($2::int[], $3::text[], $4::bigint[], $5::text[], $6::text[], $7::text[])`,
        [site.id, ...cols],
      );
      progress(`funnel at scale (PostgreSQL): ${Math.min(total, from + INSERT_BATCH)} / ${total}`);
    }
    await client.query('vacuum analyze session_funnels');
    const kept = await timeFunnel(store, site.id, site.policy.heatmapMinSessions, progress, 'PostgreSQL');
    const reads: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const t = performance.now();
      await client.query({
        text: `select visitor, items from session_funnels where site_id = $1 and day >= $2 and day <= $3
               and received_at >= $4 and received_at <= $5`,
        values: [site.id, utcDay(NOW - 30 * DAY_MS), utcDay(NOW), NOW - 30 * DAY_MS, NOW],
        rowMode: 'array',
      });
      reads.push(performance.now() - t);
    }
    const read = Math.min(...reads);
    const paths = await timePaths(store, site.id, site.policy.heatmapMinSessions, progress, 'PostgreSQL');
    return [
      {
        benchmark: `one-month funnel, 4 steps (one a click), ${(total / 1e6).toFixed(1)} M sessions, PostgreSQL (${countsOf(kept.reach)})`,
        value: `${Math.round(kept.ms)} ms`,
        baseline: `reading its sequence rows once ${Math.round(read)} ms`,
        ratio: `${(kept.ms / read).toFixed(1)} × the read`,
        target: 'reported',
        ok: true,
      },
      {
        benchmark: `one-month top paths after ${PATHS_PAGE}, ${(total / 1e6).toFixed(1)} M sessions, PostgreSQL (${pathsOf(paths.shown)})`,
        value: `${Math.round(paths.ms)} ms`,
        baseline: `reading its sequence rows once ${Math.round(read)} ms`,
        ratio: `${(paths.ms / read).toFixed(1)} × the read`,
        target: 'reported',
        ok: true,
      },
    ];
  } finally {
    await client.end();
    await store.close();
    await database.drop();
  }
}

export async function funnelScaleBench(progress: (msg: string) => void): Promise<BenchRow[]> {
  const total = Number(process.env.VEIL_BENCH_FUNNEL_SESSIONS ?? 1_000_000);
  const rows = await sqliteBench(total, progress);
  if (await postgresAvailable()) rows.push(...(await postgresBench(total, progress)));
  return rows;
}
