/**
 * Ingest throughput over HTTP (issues 16 and 17): the real server as a child process, on SQLite
 * and on PostgreSQL, fed by a separate load process (`test/support/ingestLoad.ts`) over 32
 * keep-alive connections with batches of recorded rrweb events. The baseline is gunzip +
 * JSON.parse of the same bodies on one core, measured in this run. The SQLite run doubles as the
 * sustained-load check: zero errors, zero gaps, zero duplicates.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { gunzipSync, gzipSync } from 'node:zlib';
import { BATCH_FLUSH_INTERVAL_MS } from '../packages/core/src/index.js';
import { createTestDatabase, postgresAvailable } from '../packages/server/test/support/postgres.js';
import { makeTempDir } from '../packages/server/test/support/tempDir.js';
import type { LoadReport } from '../test/support/ingestLoad.js';
import {
  addLoadSite,
  CLOSED_LOOP_ENV,
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
/**
 * Keep-alive connections of the sustained run: every visitor has a connection of its own in a
 * browser; the load process shares these among the visitors it plays.
 */
const SUSTAINED_CONNECTIONS = 256;
/** The issue's floor for the sustained rate on SQLite (issue 17, load test). */
const TARGET_BATCHES_PER_SECOND = 500;

/** Clock ticks per second of /proc/PID/stat's CPU times (USER_HZ, 100 on Linux). */
const USER_HZ = 100;

/** CPU seconds (user + system, every thread) the process `pid` used so far. */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / USER_HZ;
}

/**
 * gunzip + JSON.parse of bodies built like the load process builds them: MB/s of JSON, fastest
 * round by the clock, and CPU milliseconds per MB of JSON, fastest round by this process's CPU time
 * (other jobs on the machine stretch the clock far more than the CPU time).
 */
function baselineMbPerSecond(eventsFile: string): { mbps: number; cpuMsPerMb: number } {
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
  let bestCpu = Number.POSITIVE_INFINITY;
  let bytes = 0;
  for (let round = 0; round < 5; round++) {
    bytes = 0;
    const t = performance.now();
    const cpu = process.cpuUsage();
    for (const body of bodies) {
      const json = gunzipSync(body);
      bytes += json.length;
      JSON.parse(json.toString('utf8'));
    }
    const used = process.cpuUsage(cpu);
    best = Math.min(best, performance.now() - t);
    bestCpu = Math.min(bestCpu, (used.user + used.system) / 1000);
  }
  return { mbps: bytes / 1e6 / (best / 1000), cpuMsPerMb: bestCpu / (bytes / 1e6) };
}

/** One server setup of the benchmark: engine, ingest workers, cores it may use. */
interface Setup {
  engine: 'sqlite' | 'postgres';
  /** `VEIL_INGEST_WORKERS` of the server. */
  workers: number;
  /** Pin the server (all its threads) to one core with `taskset`; else every core. */
  oneCore?: boolean;
}

const describeSetup = (s: Setup) =>
  `${s.engine}, ${s.workers} worker${s.workers === 1 ? '' : 's'}, ${s.oneCore ? '1 core' : `${availableParallelism()} cores`}`;

/** An open-paced run: `rate` batches/s over `sessions` visitors sharing `connections`. */
interface Paced {
  rate: number;
  sessions: number;
  connections: number;
}

async function runEngine(
  setup: Setup,
  eventsFile: string,
  seconds: number,
  progress: (m: string) => void,
  paced?: Paced,
): Promise<{ report: LoadReport; problems: string[]; rssMiB: [number, number]; cpuSeconds: number }> {
  const { engine } = setup;
  const temp = makeTempDir(`veil-bench-${engine}-`);
  const database = engine === 'postgres' ? await createTestDatabase() : undefined;
  try {
    const env = {
      ...veilEnv(temp.dir, await freePort(), database?.url),
      VEIL_INGEST_WORKERS: String(setup.workers),
      // Throughput runs are a closed loop (saturating by construction); the paced run keeps the default.
      ...(paced ? {} : CLOSED_LOOP_ENV),
    };
    // `VEIL_BENCH_CPU_PROF=DIR`: the server writes a V8 CPU profile of the run into DIR.
    const profileDir = process.env.VEIL_BENCH_CPU_PROF;
    const nodeArgs = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
    const siteKey = await addLoadSite(env);
    const veil = await startVeil(env, 30_000, nodeArgs);
    // Every thread of the process (the workers started before it listened) on core 0.
    if (setup.oneCore && veil.child.pid) execFileSync('taskset', ['-a', '-cp', '0', String(veil.child.pid)]);
    await grantLoadConsent(veil.url, siteKey);
    const rss: number[] = [];
    const sampler = setInterval(() => rss.push(veil.rss()), 500);
    const pid = veil.child.pid ?? 0;
    const cpuBefore = cpuSeconds(pid);
    progress(
      `ingest on ${describeSetup(setup)}: ${seconds} s from a load process over ${paced?.connections ?? CONNECTIONS} connections${paced ? ` at ${paced.rate.toFixed(0)} batches/s from ${paced.sessions} visitors` : ''}`,
    );
    const load = startLoad(
      {
        url: veil.url,
        siteKey,
        consentReceiptId: LOAD_RECEIPT_ID,
        origin: LOAD_ORIGIN,
        sessions: paced?.sessions ?? CONNECTIONS,
        connections: paced?.connections ?? CONNECTIONS,
        seconds,
        sessionPrefix: 'bench',
        events: { file: eventsFile },
        ...(paced ? { rate: paced.rate, honourRetryAfter: true } : {}),
      },
      (line) => progress(`ingest on ${describeSetup(setup)}: ${line}`),
    );
    // A server pinned to core 0 gets that core to itself: the load process runs on the others
    // (before, it could land on core 0 and take the server's one core for its own sending).
    if (setup.oneCore && load.child.pid && availableParallelism() > 1)
      execFileSync('taskset', ['-a', '-cp', `1-${availableParallelism() - 1}`, String(load.child.pid)]);
    const report = await load.report;
    clearInterval(sampler);
    const cpuUsed = cpuSeconds(pid) - cpuBefore;
    veil.child.kill('SIGTERM');
    await veil.exited;
    const problems = engine === 'sqlite' ? lossReport(report.lastAck, storedSeqs(temp.dir, 'bench_')) : [];
    const third = Math.max(1, Math.floor(rss.length / 3));
    const mib = (xs: number[]) => Math.max(0, ...xs) / 2 ** 20;
    return {
      report,
      problems,
      rssMiB: [mib(rss.slice(third, 2 * third)), mib(rss.slice(2 * third))],
      cpuSeconds: cpuUsed,
    };
  } finally {
    await database?.drop();
    temp.remove();
  }
}

const errorsOf = (report: LoadReport) =>
  Object.values(report.statuses).reduce((a, b) => a + b, 0) + report.networkErrors;

/** `N errors`, with the statuses and network errors they were when there are any. */
function describeErrors(report: LoadReport): string {
  const n = errorsOf(report);
  if (n === 0) return '0 errors';
  const parts = Object.entries(report.statuses).map(([status, count]) => `${count} × ${status}`);
  if (report.networkErrors > 0) parts.push(`${report.networkErrors} network`);
  return `${n} errors (${parts.join(', ')})`;
}

/** The recorded batches the ingest benchmark sends. */
export interface IngestBenchEvents {
  /** Event arrays of ≈ 300 KB JSON each from the busy page: the throughput runs. */
  eventsFile: string;
  /** The demo visit's event arrays as the recorder sent them: the sustained run. */
  visitEventsFile: string;
}

/** Mean JSON and gzip size of one batch of the file's event arrays, as the load process sends it. */
function meanBatchKb(file: string): string {
  const pool = JSON.parse(readFileSync(file, 'utf8')) as unknown[][];
  let json = 0;
  let gz = 0;
  for (const events of pool) {
    const text = JSON.stringify(events);
    json += text.length;
    gz += gzipSync(text).length;
  }
  const n = Math.max(1, pool.length);
  return `${pool.length} recorded batches, mean ${(json / n / 1024).toFixed(1)} KB JSON / ${(gz / n / 1024).toFixed(1)} KB gzip`;
}

/**
 * `VEIL_BENCH_INGEST_SECONDS` (default 20) per throughput run: SQLite with 0, 1 and 2 ingest
 * workers (and 1 worker pinned to one core), PostgreSQL with 0, 1 and 2, each sending the busy
 * page's ≈ 300 KB batches as fast as they are answered. Then the sustained-load run
 * (`VEIL_LOAD_SECONDS`, default 60) on SQLite at `VEIL_LOAD_RATE` batches/s (default 500) of
 * realistic size: the demo visit's batches exactly as the recorder cut them, from as many visitors
 * as send that rate at the recorder's flush interval (one batch per visitor every 5 s).
 */
export async function ingestHttpBench(
  { eventsFile, visitEventsFile }: IngestBenchEvents,
  progress: (m: string) => void,
  sustainedSeconds: number,
  runSeconds: number,
): Promise<BenchRow[]> {
  progress('ingest: baseline gunzip + JSON.parse of the same bodies');
  const { mbps: baseline, cpuMsPerMb: baselineCpuMsPerMb } = baselineMbPerSecond(eventsFile);
  const rows: BenchRow[] = [];
  let setups: Setup[] = [
    { engine: 'sqlite', workers: 0 },
    { engine: 'sqlite', workers: 1, oneCore: true },
    { engine: 'sqlite', workers: 1 },
    { engine: 'sqlite', workers: 2 },
  ];
  if (await postgresAvailable())
    setups.push(...[0, 1, 2].map((workers): Setup => ({ engine: 'postgres', workers })));
  else progress('ingest: PostgreSQL does not answer; skipped');
  // `VEIL_BENCH_INGEST_SETUPS=sqlite:0,postgres:2,sqlite:1:1core`: only these throughput runs.
  const only = process.env.VEIL_BENCH_INGEST_SETUPS?.split(',').map((s) => s.trim());
  if (only)
    setups = setups.filter((s) => only.includes(`${s.engine}:${s.workers}${s.oneCore ? ':1core' : ''}`));
  let best = { bps: 0, workers: 1 };
  let batchKb = '';
  for (const setup of setups) {
    const { report, problems, cpuSeconds: cpu } = await runEngine(setup, eventsFile, runSeconds, progress);
    const mbps = report.jsonBytes / 1e6 / report.seconds;
    // The server's CPU time (all its threads) per MB of JSON ingested, against the baseline's:
    // what one core would ingest without other jobs, steadier than the clock on a shared machine.
    const cpuMsPerMb = (cpu * 1000) / Math.max(1e-9, report.jsonBytes / 1e6);
    const bps = report.acknowledged / report.seconds;
    // The load process's CPU per MB: on the cores the server runs on unless it is pinned to one.
    const loadCpuMsPerMb = (report.cpuSeconds * 1000) / Math.max(1e-9, report.jsonBytes / 1e6);
    const ratio = mbps / baseline;
    if (setup.engine === 'sqlite' && !setup.oneCore && bps > best.bps) best = { bps, workers: setup.workers };
    batchKb = `${(report.jsonBytes / Math.max(1, report.acknowledged) / 1024).toFixed(0)} KB JSON / ${(report.wireBytes / Math.max(1, report.acknowledged) / 1024).toFixed(0)} KB gzip per batch`;
    const target = setup.engine === 'sqlite' && setup.workers > 0 && !setup.oneCore;
    rows.push({
      benchmark: `ingest over HTTP, ${describeSetup(setup)} (${CONNECTIONS} conns, ${batchKb}, ${report.seconds.toFixed(0)} s)`,
      value: `${mbps.toFixed(1)} MB/s, ${bps.toFixed(1)} batches/s; p50 ${report.latencyMs.p50.toFixed(0)} ms, p99 ${report.latencyMs.p99.toFixed(0)} ms; ${describeErrors(report)}${setup.engine === 'sqlite' ? `, ${problems.length} gaps/duplicates` : ''}; server CPU ${cpuMsPerMb.toFixed(1)} ms/MB; load process CPU ${loadCpuMsPerMb.toFixed(1)} ms/MB${setup.oneCore ? '' : ' on the same cores'}`,
      baseline: `gunzip + JSON.parse ${baseline.toFixed(1)} MB/s (1 core), ${baselineCpuMsPerMb.toFixed(1)} ms CPU/MB`,
      ratio: `${(ratio * 100).toFixed(1)} % of baseline; by CPU time ${((baselineCpuMsPerMb / cpuMsPerMb) * 100).toFixed(1)} %`,
      target: target ? '≥ 50 % of baseline' : 'report',
      ok: target ? ratio >= 0.5 : problems.length === 0,
    });
  }

  // `VEIL_LOAD_SECONDS=0`: throughput runs only.
  if (sustainedSeconds <= 0) return rows;
  const rate = Number(process.env.VEIL_LOAD_RATE ?? TARGET_BATCHES_PER_SECOND);
  // One batch per visitor per flush interval, as recorders send on a page with steady activity.
  const sessions = Math.max(1, Math.round((rate * BATCH_FLUSH_INTERVAL_MS) / 1000));
  const setup: Setup = { engine: 'sqlite', workers: best.workers };
  const paced: Paced = { rate, sessions, connections: SUSTAINED_CONNECTIONS };
  const {
    report,
    problems,
    rssMiB,
    cpuSeconds: cpu,
  } = await runEngine(setup, visitEventsFile, sustainedSeconds, progress, paced);
  // Server CPU per acknowledged batch: what two quiet cores could sustain, whatever else runs.
  const cpuMsPerBatch = (cpu * 1000) / Math.max(1, report.acknowledged);
  const bps = report.acknowledged / report.seconds;
  const errors = errorsOf(report);
  rows.push({
    benchmark: `sustained ingest on ${describeSetup(setup)}, ${report.seconds.toFixed(0)} s offered at ${rate} batches/s by ${sessions} visitors over ${SUSTAINED_CONNECTIONS} connections (${meanBatchKb(visitEventsFile)}, the demo visit as the recorder sent it)`,
    value: `${bps.toFixed(1)} batches/s, ${(report.jsonBytes / 1e6 / report.seconds).toFixed(1)} MB/s; p50 ${report.latencyMs.p50.toFixed(0)} ms, p99 ${report.latencyMs.p99.toFixed(0)} ms; ${describeErrors(report)}, ${problems.length} gaps/duplicates, ${report.duplicates} retried; RSS ${rssMiB[0].toFixed(0)} → ${rssMiB[1].toFixed(0)} MiB; server CPU ${cpuMsPerBatch.toFixed(2)} ms/batch (${((availableParallelism() * 1000) / cpuMsPerBatch).toFixed(0)} batches/s on ${availableParallelism()} free cores)`,
    baseline: `${rate} batches/s offered (issue 17)`,
    ratio: `${((bps / rate) * 100).toFixed(1)} % of ${rate}/s`,
    target: `≥ ${TARGET_BATCHES_PER_SECOND} batches/s, 0 errors, 0 gaps, 0 duplicates, p99 < 250 ms, flat RSS`,
    ok:
      rate >= TARGET_BATCHES_PER_SECOND &&
      bps >= rate * 0.98 &&
      errors === 0 &&
      problems.length === 0 &&
      report.latencyMs.p99 < 250 &&
      rssMiB[1] <= rssMiB[0] * 1.1,
  });
  return rows;
}
