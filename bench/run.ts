/**
 * `npm run bench`: every benchmark, one table. Figures are ratios to a baseline measured in the
 * same run (these machines are noisy); absolute numbers are printed beside them for context.
 * `npm run bench -- [names…] [--json]`: only the named benchmarks (redaction, heatmaps, browser,
 * ingest, retention, funnels); `--json` prints the rows as JSON (for comparing commits) instead of the table.
 * The browser and ingest benchmarks need the build (`npm run build`), Chromium and, for the
 * PostgreSQL rows, the local PostgreSQL. `VEIL_BENCH_INGEST_SECONDS` (default 20) sets each ingest
 * throughput run (SQLite and PostgreSQL, 0/1/2 ingest workers), `VEIL_LOAD_SECONDS` (default 60) the
 * sustained-load run at `VEIL_LOAD_RATE` batches/s (default 500); `VEIL_BENCH_EVENTS=FILE` keeps and
 * reuses the recorded ingest batches. `VEIL_BENCH_SESSIONS` (default 1 000 000) sizes the retention
 * benchmark's site, `VEIL_BENCH_SCAN_SESSIONS` (default 20 000) its content scan,
 * `VEIL_BENCH_FUNNEL_SESSIONS` (default 1 000 000) the funnel benchmark's, `VEIL_BENCH_HEATMAP_CLICKS`
 * (default `1000000,10000000`) the heatmap benchmark's two sizes.
 * The recorder main-thread row alone, for before/after comparisons of the recorder:
 * `node --import tsx bench/mainThreadAB.ts [rounds] [--baseline DIST_DIR] [--profile FILE]`
 * (medians over interleaved rounds, another build's bundles as a fourth mode, CPU profiles).
 */
import { copyFileSync, existsSync } from 'node:fs';
import { RedactionContext, redactEvents } from '../packages/core/src/index.js';
import { type BrowserBenchResult, browserBench } from './browserBench.js';
import { syntheticStream } from './fixtures.js';
import { funnelScaleBench } from './funnelScale.js';
import { heatmapQueryBench, type BenchRow as Row } from './heatmapQueries.js';
import { ingestHttpBench } from './ingestHttp.js';
import { ingestInventoryBench } from './ingestInventory.js';
import { retentionScaleBench } from './retentionScale.js';

const rows: Row[] = [];
const progress = (msg: string): void => {
  process.stderr.write(`bench: ${msg}\n`);
};

/** The middle value (mean of the two middle ones for an even count). */
function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/**
 * This process's CPU time in ms (user + system, GC helper threads included): on a shared machine
 * the time the process waits for a core would otherwise count as work.
 */
function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/**
 * The server pass against JSON.parse of the same stream, measured alike in the same rounds: each
 * round parses the stream afresh (nothing carried over from the round before) and redacts what it
 * parsed, as ingest does. Warm-up rounds first (the optimiser), then the median of the rounds, in
 * CPU time; the fastest round is printed beside it.
 */
function redactionThroughput(): void {
  progress('redaction throughput: generating a 16 MB rrweb stream');
  const json = JSON.stringify(syntheticStream(16 * 1024 * 1024));
  const mb = json.length / (1024 * 1024);
  const parseTimes: number[] = [];
  const redactTimes: number[] = [];
  const warmup = 3;
  const rounds = 11;
  for (let i = 0; i < warmup + rounds; i++) {
    progress(`redaction throughput: ${i < warmup ? 'warm-up ' : ''}round ${i + 1}/${warmup + rounds}`);
    let t = cpuMs();
    const events = JSON.parse(json);
    const parse = cpuMs() - t;
    t = cpuMs();
    // As ingest runs it: in place, with the session's context (element paths of findings).
    redactEvents(events, { inPlace: true, context: new RedactionContext() });
    const redact = cpuMs() - t;
    if (i < warmup) continue;
    parseTimes.push(parse);
    redactTimes.push(redact);
  }
  const parse = median(parseTimes);
  const redact = median(redactTimes);
  const ratio = redact / parse;
  const mbs = (ms: number): string => (mb / (ms / 1000)).toFixed(1);
  rows.push({
    benchmark: `redaction of rrweb events (server layer; CPU time, median of ${rounds} rounds)`,
    value: `${mbs(redact)} MB/s (fastest ${mbs(Math.min(...redactTimes))})`,
    baseline: `JSON.parse ${mbs(parse)} MB/s (fastest ${mbs(Math.min(...parseTimes))})`,
    ratio: `${(ratio * 100).toFixed(0)} % of parse`,
    target: '≤ 50 % of parse',
    ok: ratio <= 0.5,
  });
}

/** Heatmap query latency (p50, p95) for one page at 1 M and 10 M recorded clicks, on SQLite. */
async function heatmapQueries(): Promise<void> {
  rows.push(...(await heatmapQueryBench(progress)));
}

let browser: BrowserBenchResult | undefined;
/** Bundle sizes, recorder main-thread time, stored bytes per minute; records the ingest batches. */
async function browserBenches(): Promise<void> {
  browser = await browserBench(progress);
  rows.push(...browser.rows);
}

/**
 * Ingest over HTTP on SQLite and PostgreSQL, with the batches the browser benchmark recorded.
 * `VEIL_BENCH_EVENTS=FILE` keeps the recorded batches in FILE (and the demo visit's batches, as
 * the recorder sent them, in FILE with `.visits.json` for `.json`) and reuses them when both
 * exist (the browser benchmark is then skipped for ingest), so runs before and after a change
 * measure the same batches.
 */
async function ingest(): Promise<void> {
  const kept = process.env.VEIL_BENCH_EVENTS;
  const keptVisits = kept ? `${kept.replace(/\.json$/, '')}.visits.json` : undefined;
  let eventsFile: string;
  let visitEventsFile: string;
  if (kept && keptVisits && existsSync(kept) && existsSync(keptVisits)) {
    progress(`ingest: reusing the recorded batches in ${kept} and ${keptVisits}`);
    eventsFile = kept;
    visitEventsFile = keptVisits;
  } else {
    if (!browser) await browserBenches();
    if (!browser) throw new Error('the browser benchmark recorded no batches');
    eventsFile = browser.eventsFile;
    visitEventsFile = browser.visitEventsFile;
    if (kept && keptVisits) {
      copyFileSync(eventsFile, kept);
      copyFileSync(visitEventsFile, keptVisits);
    }
  }
  const sustainedSeconds = Number(process.env.VEIL_LOAD_SECONDS ?? 60);
  const runSeconds = Number(process.env.VEIL_BENCH_INGEST_SECONDS ?? 20);
  rows.push(
    ...(await ingestHttpBench({ eventsFile, visitEventsFile }, progress, sustainedSeconds, runSeconds)),
  );
  // `VEIL_BENCH_INVENTORY=0`: the HTTP rows only.
  if (process.env.VEIL_BENCH_INVENTORY !== '0')
    rows.push(...(await ingestInventoryBench(eventsFile, progress)));
}

/** Retention purge and erasure by content at 1 M sessions (`VEIL_BENCH_SESSIONS`), on SQLite. */
async function retention(): Promise<void> {
  rows.push(...(await retentionScaleBench(progress)));
}

/** A one-month funnel over 1 M sessions (`VEIL_BENCH_FUNNEL_SESSIONS`), on SQLite. */
async function funnels(): Promise<void> {
  rows.push(...(await funnelScaleBench(progress)));
}

const args = process.argv.slice(2);
const json = args.includes('--json');
const selected = args.filter((a) => !a.startsWith('--'));
const benches: Record<string, () => void | Promise<void>> = {
  redaction: redactionThroughput,
  heatmaps: heatmapQueries,
  browser: browserBenches,
  ingest,
  retention,
  funnels,
};
const unknown = selected.filter((name) => !(name in benches));
if (unknown.length > 0) {
  process.stderr.write(
    `bench: unknown benchmark ${unknown.join(', ')} (known: ${Object.keys(benches).join(', ')})\n`,
  );
  process.exit(2);
}
/** A section that throws is reported as a failed row; the others still run and print. */
const failed: string[] = [];
try {
  for (const [name, fn] of Object.entries(benches)) {
    if (selected.length > 0 && !selected.includes(name)) continue;
    try {
      await fn();
    } catch (error) {
      failed.push(name);
      const message = error instanceof Error ? error.message : String(error);
      progress(`${name}: FAILED: ${error instanceof Error && error.stack ? error.stack : message}`);
      rows.push({
        benchmark: `${name} (failed)`,
        value: message.replaceAll('|', '/').slice(0, 120),
        baseline: '-',
        ratio: '-',
        target: '-',
        ok: false,
      });
    }
  }
} finally {
  browser?.cleanup();
}
if (failed.length > 0) process.exitCode = 1;

if (json) {
  process.stdout.write(`${JSON.stringify({ date: new Date().toISOString(), rows }, null, 2)}\n`);
} else {
  const header: Array<keyof Row> = ['benchmark', 'value', 'baseline', 'ratio', 'target', 'ok'];
  const table = [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${header.map((h) => (h === 'ok' ? (r.ok ? 'yes' : 'NO') : r[h])).join(' | ')} |`),
  ];
  process.stdout.write(`${table.join('\n')}\n`);
}
