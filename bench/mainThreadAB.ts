/**
 * Recorder main-thread time only, for before/after comparisons (issue 17):
 * `node --import tsx bench/mainThreadAB.ts [rounds] [--profile FILE]`.
 * Runs the busy page with no recorder, plain rrweb and Veil, interleaved, `rounds` times each
 * (default 5); prints each mode's median and range of main-thread CPU ms and Veil's ratio to plain
 * rrweb per round. `--profile FILE` also takes a CPU profile of one Veil run and prints self time
 * by source file and function (through the bundles' source maps).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { SourceMapConsumer } from 'source-map-js';
import { makeTempDir } from '../packages/server/test/support/tempDir.js';
import { launchChromium } from '../test/support/browser.js';
import {
  benchDemoDir,
  bundleRrwebRecord,
  startBenchServer,
  WORKLOAD_ROUNDS,
  waitForVeil,
  workloadMainThreadMs,
} from './browserBench.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const args = process.argv.slice(2);
const profileAt = args.indexOf('--profile');
const profileFile = profileAt >= 0 ? args[profileAt + 1] : undefined;
const rounds = Number(args.find((a, i) => /^\d+$/.test(a) && !(profileAt >= 0 && i === profileAt + 1)) ?? 5);

const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

interface ProfileNode {
  id: number;
  children?: number[];
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

async function profilePage(
  browser: Browser,
  url: string,
  ready: (page: Page) => Promise<void>,
  out: string,
): Promise<void> {
  const context = await browser.newContext();
  const page = await context.newPage();
  try {
    const cdp = await context.newCDPSession(page);
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
    await page.goto(url);
    await ready(page);
    await cdp.send('Profiler.start');
    await page.evaluate(
      (n) => (window as unknown as { runWorkload(n: number): Promise<void> }).runWorkload(n),
      WORKLOAD_ROUNDS,
    );
    await page.waitForTimeout(300);
    const { profile } = (await cdp.send('Profiler.stop')) as unknown as { profile: Profile };
    writeFileSync(out, JSON.stringify(profile));
    summarise(profile);
  } finally {
    await context.close();
  }
}

function summarise(profile: Profile): void {
  const maps = new Map<string, SourceMapConsumer | null>();
  const consumer = (url: string): SourceMapConsumer | null => {
    const file = /\/r\/v1\/(\w+\.js)/.exec(url)?.[1];
    if (!file) return null;
    if (!maps.has(file)) {
      try {
        const raw = readFileSync(path.join(ROOT, 'packages/recorder/dist', `${file}.map`), 'utf8');
        maps.set(file, new SourceMapConsumer(JSON.parse(raw)));
      } catch {
        maps.set(file, null);
      }
    }
    return maps.get(file) ?? null;
  };
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => {
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  /** The nearest frame with a script URL (a native function's JS caller). */
  const owner = (id: number): ProfileNode | undefined => {
    for (let n = byId.get(id); n; n = byId.get(parent.get(n.id) ?? -1)) if (n.callFrame.url) return n;
    return undefined;
  };
  const charged = new Map<string, number>();
  const byFile = new Map<string, number>();
  const byFn = new Map<string, number>();
  let total = 0;
  for (const [id, ms] of self) {
    const f = byId.get(id)?.callFrame;
    if (!f) continue;
    total += ms;
    let file = f.url ? f.url.replace(/^https?:\/\/[^/]+/, '') : `(${f.functionName || 'native'})`;
    let fn = f.functionName;
    const map = consumer(f.url);
    if (map) {
      const pos = map.originalPositionFor({ line: f.lineNumber + 1, column: f.columnNumber });
      if (pos.source) {
        file = pos.source.replace(/^.*?(node_modules|packages)\//, '$1/');
        fn = `${pos.name ?? fn}@${pos.line}`;
      }
    }
    byFile.set(file, (byFile.get(file) ?? 0) + ms);
    const o = owner(id);
    let ownerFile = o ? o.callFrame.url.replace(/^https?:\/\/[^/]+/, '') : file;
    const omap = o ? consumer(o.callFrame.url) : null;
    if (o && omap) {
      const pos = omap.originalPositionFor({
        line: o.callFrame.lineNumber + 1,
        column: o.callFrame.columnNumber,
      });
      if (pos.source) ownerFile = pos.source.replace(/^.*?(node_modules|packages)\//, '$1/');
    }
    charged.set(ownerFile, (charged.get(ownerFile) ?? 0) + ms);
    byFn.set(`${file} ${fn}`, (byFn.get(`${file} ${fn}`) ?? 0) + ms);
  }
  const top = (m: Map<string, number>, n: number) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([k, v]) => `  ${v.toFixed(0).padStart(6)} ms  ${k}`);
  console.log(`profile: ${total.toFixed(0)} ms sampled; self time by file:`);
  console.log(top(byFile, 30).join('\n'));
  console.log('self time with native calls charged to their script caller, by file:');
  console.log(top(charged, 30).join('\n'));
  console.log('self time by function:');
  console.log(top(byFn, 80).join('\n'));
}

const summariseAt = args.indexOf('--summarise');
if (summariseAt >= 0) {
  summarise(JSON.parse(readFileSync(args[summariseAt + 1]!, 'utf8')) as Profile);
  process.exit(0);
}
const temp = makeTempDir('veil-bench-mainthread-');
const demoDir = benchDemoDir(temp.dir, await bundleRrwebRecord());
const server = await startBenchServer(temp.dir, demoDir);
// `--baseline DIR`: a second server serving the recorder bundles in DIR (another build), run as a fourth mode.
const baselineAt = args.indexOf('--baseline');
const baselineDir = baselineAt >= 0 ? args[baselineAt + 1] : undefined;
const baseServer = baselineDir
  ? await startBenchServer(temp.dir, demoDir, 'data-base', baselineDir)
  : undefined;
const browser = await launchChromium();
try {
  const base = `${server.url}/demo/`;
  const modes: Array<[string, string, (page: Page) => Promise<void>]> = [
    ['none', `${base}busy-none.html`, async () => {}],
    ['rrweb', `${base}busy-rrweb.html`, async () => {}],
    ['veil', `${base}busy-veil.html`, waitForVeil],
  ];
  const cpu: Record<string, number[]> = { none: [], rrweb: [], veil: [] };
  if (baseServer) {
    modes.push(['veil-base', `${baseServer.url}/demo/busy-veil.html`, waitForVeil]);
    cpu['veil-base'] = [];
  }
  for (let round = 1; round <= rounds; round++) {
    for (const [mode, url, ready] of round % 2 === 1 ? modes : [...modes].reverse()) {
      const ms = await workloadMainThreadMs(browser, url, ready);
      cpu[mode]!.push(ms.cpu);
    }
    const last = (m: string) => cpu[m]!.at(-1)!;
    console.error(
      `round ${round}: ${Object.keys(cpu)
        .map((m) => `${m} ${last(m).toFixed(0)}`)
        .join(
          ' ',
        )} → veil ${(last('veil') / last('rrweb')).toFixed(2)} ×${baseServer ? `, veil-base ${(last('veil-base') / last('rrweb')).toFixed(2)} ×` : ''}`,
    );
  }
  const ratios = cpu.veil!.map((v, i) => v / cpu.rrweb![i]!);
  if (rounds > 0)
    for (const mode of Object.keys(cpu)) {
      const xs = cpu[mode]!;
      console.log(
        `${mode.padEnd(6)} median ${median(xs).toFixed(0)} ms CPU (${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)})`,
      );
    }
  if (baseServer && rounds > 0) {
    const b = cpu['veil-base']!.map((v, i) => v / cpu.rrweb![i]!);
    console.log(
      `veil-base / rrweb per round: median ${median(b).toFixed(2)} × (${Math.min(...b).toFixed(2)}–${Math.max(...b).toFixed(2)})`,
    );
  }
  if (rounds > 0)
    console.log(
      `veil / rrweb per round: median ${median(ratios).toFixed(2)} × (${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}); ratio of medians ${(median(cpu.veil!) / median(cpu.rrweb!)).toFixed(2)} ×; Veil's extra over rrweb ${(median(cpu.veil!) - median(cpu.rrweb!)).toFixed(0)} ms`,
    );
  if (profileFile) {
    console.log('--- plain rrweb');
    await profilePage(
      browser,
      `${base}busy-rrweb.html`,
      async () => {},
      profileFile.replace(/(\.cpuprofile)?$/, '.rrweb$1'),
    );
    console.log('--- Veil');
    await profilePage(browser, `${base}busy-veil.html`, waitForVeil, profileFile);
  }
} finally {
  await browser.close();
  await server.close();
  await baseServer?.close();
  temp.remove();
}
