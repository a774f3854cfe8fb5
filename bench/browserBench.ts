/**
 * The browser side of `npm run bench`, in Chromium with the built recorder (`npm run build`):
 * bundle sizes against `@rrweb/record` bundled the same way, the recorder's main-thread time on a
 * mutation-heavy page against no recorder and plain rrweb, and a recording of the demo site with
 * the real recorder. The recording gives stored bytes per recorded minute (against the raw rrweb
 * JSON and its gzip) and the recorded events that the ingest benchmark sends.
 */
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import { loadConfig } from '../packages/server/src/config/config.js';
import { type RunningServer, startServer } from '../packages/server/src/startServer.js';
import { makeTempDir } from '../packages/server/test/support/tempDir.js';
import { launchChromium } from '../test/support/browser.js';
import { type IngestTap, startIngestTap } from '../test/support/ingestCapture.js';
import type { BenchRow } from './heatmapQueries.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const RECORDER_DIST = path.join(ROOT, 'packages/recorder/dist');
const PAGES = fileURLToPath(new URL('./pages/', import.meta.url));
const KB = 1024;
/**
 * Runs of each recorder mode, interleaved (every round runs each mode once, every other round in
 * reverse order); the fastest counts (noise on a shared machine only adds time).
 */
const REPEATS = 4;
/** Rounds of the busy page's workload (20 rows added, texts, attributes and styles changed per round). */
export const WORKLOAD_ROUNDS = 200;
/** How long the recorded demo visitor reads and moves about on the last page. */
const DWELL_SECONDS = 40;
/** Batches of this much rrweb JSON are what the ingest benchmark sends (issue 16: ≈ 300 KB). */
const INGEST_BATCH_JSON_BYTES = 300 * KB;

const gz = (bytes: Buffer | Uint8Array) => gzipSync(bytes, { level: 9 }).length;

/**
 * `@rrweb/record` alone, bundled as the recorder is (esbuild, minified iife, same targets: the
 * settings of `BUNDLE_OPTIONS` in packages/recorder/build.mjs, whose budget computes the same ratio).
 */
export async function bundleRrwebRecord(): Promise<Buffer> {
  const result = await build({
    stdin: {
      contents: "import { record } from '@rrweb/record'; window.__rrwebRecord = record;",
      resolveDir: path.join(ROOT, 'packages/recorder'),
    },
    bundle: true,
    minify: true,
    format: 'iife',
    target: ['es2020', 'chrome80', 'firefox78', 'safari15'],
    platform: 'browser',
    legalComments: 'none',
    write: false,
  });
  return Buffer.from(result.outputFiles[0]!.contents);
}

/** The recorder's lazily loaded chunks (build.mjs's RECORDER_CHUNKS): redact.js on every page, layout.js on heatmap-only ones. */
const RECORDER_CHUNKS = ['redact.js', 'layout.js'];

function sizeRows(rrweb: Buffer): BenchRow[] {
  const loader = gz(readFileSync(path.join(RECORDER_DIST, 'loader.js')));
  const recorder = gz(readFileSync(path.join(RECORDER_DIST, 'recorder.js')));
  // recorder.js is the start chunk; what it loads lazily counts in the total (each gzipped alone).
  const total =
    recorder +
    RECORDER_CHUNKS.reduce((sum, file) => sum + gz(readFileSync(path.join(RECORDER_DIST, file))), 0);
  const base = gz(rrweb);
  return [
    {
      benchmark: 'loader.js, min+gzip',
      value: `${(loader / KB).toFixed(2)} KB`,
      baseline: `@rrweb/record ${(base / KB).toFixed(2)} KB`,
      ratio: `${((loader / base) * 100).toFixed(0)} % of @rrweb/record`,
      target: '≤ 3 KB',
      ok: loader <= 3 * KB,
    },
    {
      benchmark: 'recorder.js start chunk, min+gzip',
      value: `${(recorder / KB).toFixed(2)} KB`,
      baseline: `@rrweb/record ${(base / KB).toFixed(2)} KB`,
      ratio: `${(recorder / base).toFixed(2)} ×`,
      target: '≤ 1.25 × @rrweb/record',
      ok: recorder <= 1.25 * base,
    },
    {
      benchmark: `recorder.js + ${RECORDER_CHUNKS.join(' + ')}, min+gzip`,
      value: `${(total / KB).toFixed(2)} KB`,
      baseline: `@rrweb/record ${(base / KB).toFixed(2)} KB`,
      ratio: `${(total / base).toFixed(2)} ×`,
      target: '≤ 2.35 × @rrweb/record (build.mjs budget)',
      ok: total <= 2.35 * base,
    },
  ];
}

/** Main-thread time of the workload, ms (CDP `Performance.getMetrics`). */
interface MainThreadMs {
  /**
   * CPU time of the page's main thread (`ThreadTime`): the work the page and its recorder cost.
   * The figure judged: on a shared machine it moves far less than task time.
   */
  cpu: number;
  /**
   * Wall time of the main thread's tasks (`TaskDuration`): includes the time a task waited for a
   * core. On this two-core machine shared with other jobs, five runs of plain rrweb took 10.2 to
   * 21.9 s of it while their CPU time stayed within 3.8 to 5.2 s.
   */
  tasks: number;
}

/** Main-thread time of the workload on a fresh page. */
export async function workloadMainThreadMs(
  browser: Browser,
  url: string,
  ready: (page: Page) => Promise<void>,
): Promise<MainThreadMs> {
  const context = await browser.newContext();
  const page = await context.newPage();
  try {
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable');
    await page.goto(url);
    await ready(page);
    const sample = async (): Promise<MainThreadMs> => {
      const { metrics } = await cdp.send('Performance.getMetrics');
      const ms = (name: string) => (metrics.find((m) => m.name === name)?.value ?? 0) * 1000;
      return { cpu: ms('ThreadTime'), tasks: ms('TaskDuration') };
    };
    const before = await sample();
    await page.evaluate(
      (rounds) => (window as unknown as { runWorkload(n: number): Promise<void> }).runWorkload(rounds),
      WORKLOAD_ROUNDS,
    );
    // Let observers, batching and compression scheduled by the last round run too.
    await page.waitForTimeout(300);
    const after = await sample();
    return { cpu: after.cpu - before.cpu, tasks: after.tasks - before.tasks };
  } finally {
    await context.close();
  }
}

/** The Veil page is ready once recorder.js arrived and had half a second to start. */
export async function waitForVeil(page: Page): Promise<void> {
  await page
    .waitForResponse((r) => r.url().includes('/r/v1/recorder.js'), { timeout: 15_000 })
    .catch(() => undefined);
  await page.waitForTimeout(500);
}

async function recorderCostRows(
  browser: Browser,
  server: RunningServer,
  progress: (m: string) => void,
): Promise<BenchRow[]> {
  const base = `${server.url}/demo/`;
  const modes: Array<[string, string, (page: Page) => Promise<void>]> = [
    ['none', `${base}busy-none.html`, async () => {}],
    ['rrweb', `${base}busy-rrweb.html`, async () => {}],
    ['veil', `${base}busy-veil.html`, waitForVeil],
  ];
  const best: Record<string, MainThreadMs> = {};
  for (let round = 1; round <= REPEATS; round++) {
    for (const [mode, url, ready] of round % 2 === 1 ? modes : [...modes].reverse()) {
      progress(`recorder main-thread time: ${mode}, round ${round}/${REPEATS}`);
      // The Veil page's loader starts waiting for the recorder before goto resolves.
      const ms = await workloadMainThreadMs(browser, url, ready);
      const was = best[mode];
      best[mode] = {
        cpu: Math.min(was?.cpu ?? ms.cpu, ms.cpu),
        tasks: Math.min(was?.tasks ?? ms.tasks, ms.tasks),
      };
    }
  }
  const zero: MainThreadMs = { cpu: 0, tasks: 0 };
  const none = best.none ?? zero;
  const rrweb = best.rrweb ?? zero;
  const veil = best.veil ?? zero;
  const ms = (t: MainThreadMs) => `${t.cpu.toFixed(0)} ms CPU (tasks ${t.tasks.toFixed(0)} ms)`;
  const alone = (key: keyof MainThreadMs) =>
    ((veil[key] - none[key]) / Math.max(1, rrweb[key] - none[key])).toFixed(2);
  return [
    {
      benchmark: `recorder main-thread time, mutation-heavy page (${WORKLOAD_ROUNDS} rounds, best of ${REPEATS}), Chromium`,
      value: `Veil ${ms(veil)}`,
      baseline: `plain rrweb ${ms(rrweb)}; no recorder ${ms(none)}`,
      ratio: `${(veil.cpu / rrweb.cpu).toFixed(2)} × plain rrweb in CPU time (recording alone: ${alone('cpu')} ×); in task time ${(veil.tasks / rrweb.tasks).toFixed(2)} × (${alone('tasks')} ×)`,
      target: '≤ 1.1 × plain rrweb',
      ok: veil.cpu <= 1.1 * rrweb.cpu,
    },
  ];
}

interface Recording {
  /** Event arrays of about `INGEST_BATCH_JSON_BYTES` JSON each. */
  batches: unknown[][];
  /**
   * The demo visit's event arrays exactly as the recorder cut and sent them (the first holds the
   * full snapshot, the rest a few seconds of activity each): the sustained-load mix.
   */
  visitBatches: unknown[][];
  row: BenchRow;
}

/**
 * A visitor on the demo site with the real recorder: consent, the clinic form typed, the student
 * lookup, the supplier portal, then the busy page. Stored bytes are the encrypted chunks the server
 * kept for the demo-site part, per minute of recording.
 */
async function recordDemo(
  browser: Browser,
  server: RunningServer,
  tap: IngestTap,
  progress: (m: string) => void,
): Promise<Recording> {
  const context = await browser.newContext({ proxy: { server: tap.server } });
  const page = await context.newPage();
  const started = Date.now();
  progress('recording the demo site in Chromium');
  const recorderLoaded = page.waitForResponse((r) => r.url().includes('/r/v1/recorder.js'), {
    timeout: 15_000,
  });
  await page.goto(`${server.url}/demo/`);
  await page.getByRole('button', { name: 'Accept analytics' }).click();
  await recorderLoaded;
  for (let i = 0; i < 20; i++) await page.mouse.move(100 + i * 30, 200 + (i % 5) * 40);
  await page.click('#link-clinic');
  await page.waitForURL('**/clinic/intake.html');
  await page.locator('#full-name').pressSequentially('Alex Example');
  await page.locator('#email').pressSequentially('alex@example.org');
  await page.locator('#symptoms').pressSequentially('a cough since monday, worse at night');
  await page.mouse.wheel(0, 600);
  await page.waitForTimeout(1_000);
  await page.goto(`${server.url}/demo/students/portal.html`);
  await page.locator('#student-id').fill('LC-2291-0042');
  await page.click('#lookup-submit');
  await page.locator('#student-record').waitFor();
  await page.goto(`${server.url}/demo/suppliers/portal.html`);
  await page.locator('#company').fill('Northwind Freight');
  await page.locator('#supplier-notes').pressSequentially('deliveries at gate 4 after six');
  // A visitor reads and moves about for a while: a recorded minute is mostly this, not snapshots.
  for (let i = 0; i < DWELL_SECONDS * 4; i++) {
    await page.mouse.move(200 + ((i * 37) % 800), 150 + ((i * 53) % 500), { steps: 4 });
    if (i % 8 === 0) await page.mouse.wheel(0, i % 16 === 0 ? 300 : -300);
    await page.waitForTimeout(250);
  }
  await page.close({ runBeforeUnload: true });
  const demoBatches = () => tap.batches.filter((b) => b.status === 202);
  const deadline = Date.now() + 10_000;
  while (
    !demoBatches().some((b) => (JSON.parse(b.body.toString()) as { final?: boolean }).final) &&
    Date.now() < deadline
  ) {
    await new Promise((r) => setTimeout(r, 100));
  }
  const demo = demoBatches().map(
    (b) => JSON.parse(b.body.toString()) as { sessionId: string; events: Array<{ timestamp: number }> },
  );
  const rawJson = demoBatches().reduce((n, b) => n + b.body.length, 0);
  const rawGzip = gz(Buffer.concat(demoBatches().map((b) => b.body)));
  const timestamps = demo.flatMap((b) => b.events.map((e) => e.timestamp));
  const minutes = (Math.max(...timestamps) - Math.min(...timestamps)) / 60_000;
  let stored = 0;
  for (const sessionId of new Set(demo.map((b) => b.sessionId))) {
    for (const chunk of await server.store.recordings.chunks(sessionId)) stored += chunk.payload.length;
  }
  progress(
    `demo recording: ${demo.length} batches, ${(minutes * 60).toFixed(0)} s recorded in ${((Date.now() - started) / 1000).toFixed(0)} s`,
  );

  // The busy page, recorded too: its events fill the ingest benchmark's batches.
  progress('recording the busy page in Chromium');
  const busy = await context.newPage();
  const busyLoaded = busy.waitForResponse((r) => r.url().includes('/r/v1/recorder.js'), { timeout: 15_000 });
  await busy.goto(`${server.url}/demo/busy-veil.html`);
  await busyLoaded;
  await busy.waitForTimeout(500);
  await busy.evaluate(() =>
    (window as unknown as { runWorkload(n: number): Promise<void> }).runWorkload(400),
  );
  await busy.close({ runBeforeUnload: true });
  await new Promise((r) => setTimeout(r, 2_000));
  await context.close();

  const events = tap.batches
    .filter((b) => b.status === 202)
    .flatMap((b) => (JSON.parse(b.body.toString()) as { events: unknown[] }).events);
  const batches: unknown[][] = [];
  let current: unknown[] = [];
  let size = 0;
  for (const event of events) {
    current.push(event);
    size += JSON.stringify(event).length;
    if (size >= INGEST_BATCH_JSON_BYTES) {
      batches.push(current);
      current = [];
      size = 0;
    }
  }
  const perMinute = (bytes: number) => `${(bytes / KB / minutes).toFixed(1)} KB/min`;
  return {
    batches,
    visitBatches: demo.map((b) => b.events),
    row: {
      benchmark: `stored bytes per recorded minute, demo site (${(minutes * 60).toFixed(0)} s recorded)`,
      value: perMinute(stored),
      baseline: `raw rrweb JSON ${perMinute(rawJson)}; its gzip ${perMinute(rawGzip)}`,
      ratio: `${((stored / rawGzip) * 100).toFixed(0)} % of gzip`,
      target: '≤ 50 KB/min',
      ok: stored / KB / minutes <= 50,
    },
  };
}

export interface BrowserBenchResult {
  rows: BenchRow[];
  /** A JSON file of recorded event arrays (≈ 300 KB each) for the ingest benchmark. */
  eventsFile: string;
  /** A JSON file of the demo visit's event arrays as the recorder sent them (sustained load). */
  visitEventsFile: string;
  cleanup(): void;
}

/** The demo site with the benchmark pages and `@rrweb/record` bundled alone beside them. */
export function benchDemoDir(tempDir: string, rrweb: Buffer): string {
  const demoDir = path.join(tempDir, 'demo');
  cpSync(path.join(ROOT, 'examples/demo-site/public'), demoDir, { recursive: true });
  cpSync(PAGES, demoDir, { recursive: true });
  writeFileSync(path.join(demoDir, 'rrweb-record.js'), rrweb);
  return demoDir;
}

/**
 * A Veil server in process serving `demoDir` (and the recorder bundles of `recorderDir`, another
 * build, when given), its data in `tempDir/<name>`. Its log goes to stderr with the progress:
 * stdout carries only the table (or `--json`'s rows).
 */
export async function startBenchServer(
  tempDir: string,
  demoDir: string,
  name = 'data',
  recorderDir?: string,
): Promise<Awaited<ReturnType<typeof startServer>>> {
  mkdirSync(path.join(tempDir, name));
  const config = loadConfig(
    {
      VEIL_DATA_DIR: path.join(tempDir, name),
      PORT: '0',
      VEIL_LOG_LEVEL: 'warn',
      VEIL_DEMO_DIR: demoDir,
      VEIL_ADMIN_PASSWORD: 'bench-owner-password',
      ...(recorderDir === undefined ? {} : { VEIL_RECORDER_DIR: recorderDir }),
    },
    ROOT,
  );
  return startServer(config, { print: () => {}, logStream: process.stderr });
}

export async function browserBench(progress: (m: string) => void): Promise<BrowserBenchResult> {
  const temp = makeTempDir('veil-bench-browser-');
  progress('bundling @rrweb/record alone with esbuild');
  const rrweb = await bundleRrwebRecord();
  benchDemoDir(temp.dir, rrweb);
  const rows = sizeRows(rrweb);

  const server = await startBenchServer(temp.dir, path.join(temp.dir, 'demo'));
  const tap = await startIngestTap();
  const browser = await launchChromium();
  try {
    rows.push(...(await recorderCostRows(browser, server, progress)));
    const recording = await recordDemo(browser, server, tap, progress);
    rows.push(recording.row);
    const eventsFile = path.join(temp.dir, 'recorded-batches.json');
    writeFileSync(eventsFile, JSON.stringify(recording.batches));
    const visitEventsFile = path.join(temp.dir, 'recorded-visit-batches.json');
    writeFileSync(visitEventsFile, JSON.stringify(recording.visitBatches));
    progress(
      `recorded ${recording.batches.length} batches of ≈ ${INGEST_BATCH_JSON_BYTES / KB} KB for the ingest benchmark`,
    );
    return { rows, eventsFile, visitEventsFile, cleanup: temp.remove };
  } finally {
    await browser.close();
    await tap.close();
    await server.close();
  }
}
