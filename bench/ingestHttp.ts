/**
 * Ingest throughput over HTTP (issues 16 and 17): the real server as a child process, on SQLite
 * and on PostgreSQL, fed by a separate load process (`test/support/ingestLoad.ts`) over 32
 * keep-alive connections with batches of recorded rrweb events. The baseline is gunzip +
 * JSON.parse of the same bodies on one core, measured in this run. The SQLite run doubles as the
 * sustained-load check: zero errors, zero gaps, zero duplicates.
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { gunzipSync, gzipSync } from 'node:zlib';
import { createTestDatabase, postgresAvailable } from '../packages/server/test/support/postgres.js';
import { makeTempDir } from '../packages/server/test/support/tempDir.js';
import type { LoadReport } from '../test/support/ingestLoad.js';
import {
  addLoadSite,
  freePort,
  grantLoadConsent,
  LOAD_ORIGIN,
  LOAD_RECEIPT_ID,
  lossReport,
  startLoad,
  startVeil,
  storedSeqs,
  veilEnv,
} from '../test/support/veilProcess.js';
import type { BenchRow } from './heatmapQueries.js';

const CONNECTIONS = 32;
/** The floor for the sustained rate on SQLite (issue 17, load test). */
const TARGET_BATCHES_PER_SECOND = 500;

/** gunzip + JSON.parse of bodies built like the load process builds them: MB/s of JSON, fastest round. */
function baselineMbPerSecond(eventsFile: string): number {
  const pool = JSON.parse(readFileSync(eventsFile, 'utf8')) as unknown[][];
  const bodies = pool.map((events, i) =>
    Buffer.concat([
      gzipSync(
        `{"v":1,"siteKey":"bench_site_key_01","sessionId":"bench_session_${i}","seq":${i},"sentAt":1,`,
        {
          level: 1,
        },
      ),
      gzipSync(`"events":${JSON.stringify(events)}}`),
    ]),
  );
  let best = Number.POSITIVE_INFINITY;
  let bytes = 0;
  for (let round = 0; round < 5; round++) {
    bytes = 0;
    const t = performance.now();
    for (const body of bodies) {
      const json = gunzipSync(body);
      bytes += json.length;
      JSON.parse(json.toString('utf8'));
    }
    best = Math.min(best, performance.now() - t);
  }
  return bytes / 1e6 / (best / 1000);
}

async function runEngine(
  engine: 'sqlite' | 'postgres',
  eventsFile: string,
  seconds: number,
  progress: (m: string) => void,
): Promise<{ report: LoadReport; problems: string[]; rssMiB: [number, number] }> {
  const temp = makeTempDir(`veil-bench-${engine}-`);
  const database = engine === 'postgres' ? await createTestDatabase() : undefined;
  try {
    const env = veilEnv(temp.dir, await freePort(), database?.url);
    // `VEIL_BENCH_CPU_PROF=DIR`: the server writes a V8 CPU profile of the run into DIR.
    const profileDir = process.env.VEIL_BENCH_CPU_PROF;
    const nodeArgs = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
    const siteKey = await addLoadSite(env);
    const veil = await startVeil(env, 30_000, nodeArgs);
    await grantLoadConsent(veil.url, siteKey);
    const rss: number[] = [];
    const sampler = setInterval(() => rss.push(veil.rss()), 500);
    progress(`ingest on ${engine}: ${seconds} s from a load process over ${CONNECTIONS} connections`);
    const report = await startLoad(
      {
        url: veil.url,
        siteKey,
        consentReceiptId: LOAD_RECEIPT_ID,
        origin: LOAD_ORIGIN,
        sessions: CONNECTIONS,
        connections: CONNECTIONS,
        seconds,
        sessionPrefix: 'bench',
        events: { file: eventsFile },
      },
      (line) => progress(`ingest on ${engine}: ${line}`),
    ).report;
    clearInterval(sampler);
    veil.child.kill('SIGTERM');
    await veil.exited;
    const problems = engine === 'sqlite' ? lossReport(report.lastAck, storedSeqs(temp.dir, 'bench_')) : [];
    const third = Math.max(1, Math.floor(rss.length / 3));
    const mib = (xs: number[]) => Math.max(0, ...xs) / 2 ** 20;
    return { report, problems, rssMiB: [mib(rss.slice(third, 2 * third)), mib(rss.slice(2 * third))] };
  } finally {
    await database?.drop();
    temp.remove();
  }
}

export async function ingestHttpBench(
  eventsFile: string,
  progress: (m: string) => void,
  sqliteSeconds: number,
  postgresSeconds: number,
): Promise<BenchRow[]> {
  progress('ingest: baseline gunzip + JSON.parse of the same bodies');
  const baseline = baselineMbPerSecond(eventsFile);
  const rows: BenchRow[] = [];
  const engines: Array<['sqlite' | 'postgres', number]> = [['sqlite', sqliteSeconds]];
  if (await postgresAvailable()) engines.push(['postgres', postgresSeconds]);
  else progress('ingest: PostgreSQL does not answer; skipped');
  for (const [engine, seconds] of engines) {
    const { report, problems, rssMiB } = await runEngine(engine, eventsFile, seconds, progress);
    const mbps = report.jsonBytes / 1e6 / report.seconds;
    const bps = report.acknowledged / report.seconds;
    const errors = Object.values(report.statuses).reduce((a, b) => a + b, 0) + report.networkErrors;
    const ratio = mbps / baseline;
    rows.push({
      benchmark: `ingest over HTTP, ${engine} (${CONNECTIONS} conns, ${(report.jsonBytes / Math.max(1, report.acknowledged) / 1024).toFixed(0)} KB JSON / ${(report.wireBytes / Math.max(1, report.acknowledged) / 1024).toFixed(0)} KB gzip per batch, ${report.seconds.toFixed(0)} s)`,
      value: `${mbps.toFixed(1)} MB/s, ${bps.toFixed(1)} batches/s; p50 ${report.latencyMs.p50.toFixed(0)} ms, p99 ${report.latencyMs.p99.toFixed(0)} ms`,
      baseline: `gunzip + JSON.parse ${baseline.toFixed(1)} MB/s (1 core)`,
      ratio: `${(ratio * 100).toFixed(1)} % of baseline`,
      target: engine === 'sqlite' ? '≥ 50 % of baseline' : 'report',
      ok: engine === 'sqlite' ? ratio >= 0.5 : true,
    });
    if (engine === 'sqlite') {
      rows.push({
        benchmark: `sustained ingest on SQLite, ${report.seconds.toFixed(0)} s: errors, gaps/duplicates, server RSS`,
        value: `${bps.toFixed(1)} batches/s; ${errors} errors, ${problems.length} gaps/duplicates, ${report.duplicates} retried; RSS ${rssMiB[0].toFixed(0)} → ${rssMiB[1].toFixed(0)} MiB`,
        baseline: '—',
        ratio: `${((bps / TARGET_BATCHES_PER_SECOND) * 100).toFixed(1)} % of target rate`,
        target: `≥ ${TARGET_BATCHES_PER_SECOND} batches/s, 0 errors, 0 gaps, 0 duplicates`,
        ok: bps >= TARGET_BATCHES_PER_SECOND && errors === 0 && problems.length === 0,
      });
    }
  }
  return rows;
}
