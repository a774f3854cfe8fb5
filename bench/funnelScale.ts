/**
 * A one-month funnel at scale, on SQLite: a site holds `VEIL_BENCH_FUNNEL_SESSIONS` sessions
 * (default 1 M) received over 30 days, each with 2–5 page views (`session_pages`) and, for a third
 * of them, a click on the pay button (`session_clicks`), written in bulk on a second connection.
 * Measured: the funnel route's work (`funnelSessions` over the month, `funnelReach`,
 * `kAnonymousFunnel`) for a four-step funnel with one click step, fastest of three rounds; the
 * baseline is reading the same page views and clicks once with a prepared statement (the least
 * any query over them must do).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import BetterSqlite3 from 'better-sqlite3';
import {
  DEFAULT_PRIVACY_POLICY,
  type FunnelStep,
  funnelReach,
  kAnonymousFunnel,
} from '../packages/core/src/index.js';
import { openSqliteStore } from '../packages/server/src/storage/sqlite/openSqliteStore.js';
import type { BenchRow } from './heatmapQueries.js';

const DAY_MS = 86_400_000;
const NOW = Date.UTC(2025, 6, 1);
const INSERT_BATCH = 50_000;
const ORIGIN = 'https://shop.example';
const PAY = 'main#main>button:nth-of-type(1)';
const STEPS: FunnelStep[] = [
  { page: '/' },
  { page: '/item/:id' },
  { page: '/cart', click: PAY },
  { page: '/checkout' },
];

export async function funnelScaleBench(progress: (msg: string) => void): Promise<BenchRow[]> {
  const total = Number(process.env.VEIL_BENCH_FUNNEL_SESSIONS ?? 1_000_000);
  const dir = mkdtempSync(join(tmpdir(), 'veil-bench-funnel-'));
  const file = join(dir, 'veil.sqlite');
  const store = await openSqliteStore(file);
  let db: BetterSqlite3.Database | undefined;
  try {
    const site = await store.sites.create({
      siteKey: 'site_bench_funnel',
      name: 'bench',
      origins: [ORIGIN],
      policy: DEFAULT_PRIVACY_POLICY,
      createdAt: NOW - 60 * DAY_MS,
    });
    progress(`funnel at scale: writing ${total} sessions with their page views and clicks`);
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
    const devices = ['desktop', 'mobile', 'tablet'];
    let pageRows = 0;
    let clickRows = 0;
    const writeRange = db.transaction((from: number, to: number) => {
      for (let i = from; i < to; i++) {
        const at = NOW - (i % 30) * DAY_MS - (i % 86_000) * 1000;
        const id = `s_${i.toString(36).padStart(8, '0')}`;
        // Home for all; an item for 70 %; the cart for 45 %; checkout for 20 %.
        const paths = ['/', `/item/${i % 500}`];
        if (i % 100 < 45) paths.push('/cart');
        if (i % 100 < 20) paths.push('/checkout');
        if (i % 100 >= 70) paths.splice(1, 1, '/about');
        session.run(
          id,
          site.id,
          `v_${i % 400_000}`,
          at,
          at + 40_000,
          at + 40_000,
          paths.length,
          devices[i % 3],
          at,
        );
        paths.forEach((p, idx) => {
          page.run(id, idx, at + idx * 10_000, `${ORIGIN}${p}`);
          pageRows++;
        });
        if (i % 100 < 33 && paths.includes('/cart')) {
          click.run(id, site.id, at + paths.indexOf('/cart') * 10_000 + 2_000, PAY);
          clickRows++;
        }
      }
    });
    for (let from = 0; from < total; from += INSERT_BATCH) {
      writeRange(from, Math.min(total, from + INSERT_BATCH));
      progress(`funnel at scale: ${Math.min(total, from + INSERT_BATCH)} / ${total} sessions`);
    }
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.exec('analyze');

    const from = NOW - 30 * DAY_MS;
    const to = NOW;
    const baselineTimes: number[] = [];
    const funnelTimes: number[] = [];
    let shown: ReturnType<typeof kAnonymousFunnel> | undefined;
    const readPages = db.prepare(
      `select p.session_id, p.ts, p.url from session_pages p join recording_sessions r on r.id = p.session_id
       where r.site_id = ? and r.created_at >= ? and r.created_at <= ?`,
    );
    const readClicks = db.prepare(
      `select c.session_id, c.ts, c.page, c.element from session_clicks c join recording_sessions r on r.id = c.session_id
       where r.site_id = ? and r.created_at >= ? and r.created_at <= ?`,
    );
    for (let round = 0; round < 3; round++) {
      progress(`funnel at scale: round ${round + 1}/3`);
      let t = performance.now();
      let n = 0;
      for (const _ of readPages.raw().iterate(site.id, from, to)) n++;
      for (const _ of readClicks.raw().iterate(site.id, from, to)) n++;
      baselineTimes.push(performance.now() - t);
      t = performance.now();
      const sessions = await store.recordings.funnelSessions(site.id, from, to);
      shown = kAnonymousFunnel(STEPS, funnelReach(sessions, STEPS), site.policy.heatmapMinSessions);
      funnelTimes.push(performance.now() - t);
      if (n !== pageRows + clickRows) progress(`funnel at scale: read ${n} rows of ${pageRows + clickRows}`);
    }
    const funnel = Math.min(...funnelTimes);
    const baseline = Math.min(...baselineTimes);
    const counts = shown?.steps.map((s) => s.sessions ?? '–').join(' → ') ?? '';
    return [
      {
        benchmark: `one-month funnel, 4 steps (one a click), ${(total / 1e6).toFixed(1)} M sessions, ${(pageRows / 1e6).toFixed(2)} M page views, SQLite (${counts})`,
        value: `${Math.round(funnel)} ms`,
        baseline: `reading its page views and clicks once ${Math.round(baseline)} ms`,
        ratio: `${(funnel / baseline).toFixed(1)} × the read`,
        target: '< 1000 ms',
        ok: funnel < 1000,
      },
    ];
  } finally {
    db?.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
