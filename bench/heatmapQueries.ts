/**
 * Heatmap query latency at 1 M and 10 M recorded clicks on one page, on SQLite. Sessions of a
 * synthetic page (200 elements, three layouts) are generated with a fixed seed and counted through
 * the ingest step's own code (`collectDeltas`, segment keys, time buckets) into the real store
 * (`store.heatmaps.addAggregates`); then the click heatmap of the page is queried the way the API
 * answers it (`clickHeatmap` and its JSON).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  bucketOfId,
  bucketsContainingDay,
  DEFAULT_HEATMAP_MIN_COHORT,
  DEFAULT_PRIVACY_POLICY,
  type DeviceClass,
  ELEMENT_GRID_CELLS,
  elementCell,
  PAGE_CELL_PX,
  pageCell,
  REFERRER_CLASSES,
  type ReferrerClass,
  segmentKeysOf,
  tileOfCell,
  utcDay,
} from '../packages/core/src/index.js';
import { type Deltas, emptyPageDelta } from '../packages/server/src/heatmap/heatmapDeltas.js';
import { clickHeatmap, type HeatmapQuery } from '../packages/server/src/heatmap/heatmapQueries.js';
import type { Store } from '../packages/server/src/storage/Store.js';
import { openSqliteStore } from '../packages/server/src/storage/sqlite/openSqliteStore.js';

export interface BenchRow {
  benchmark: string;
  value: string;
  baseline: string;
  ratio: string;
  target: string;
  ok: boolean;
}

const DAYS = 30;
const ELEMENTS = 200;
const QUERY_ROUNDS = 100;
const END_DAY = utcDay(Date.UTC(2025, 5, 30));
const PAGE = '/products/:id';

/** mulberry32: a small seeded PRNG, so every run measures the same data. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

interface Box {
  path: string;
  x: number;
  y: number;
  w: number;
  h: number;
}

const WIDTHS: Record<DeviceClass, number> = { desktop: 1280, tablet: 800, mobile: 390 };

/** The page's elements laid out for one device class: a grid of boxes, fewer columns when narrower. */
function layout(device: DeviceClass): Box[] {
  const columns = device === 'desktop' ? 5 : device === 'tablet' ? 3 : 1;
  const colWidth = Math.floor((WIDTHS[device] - 40) / columns);
  return Array.from({ length: ELEMENTS }, (_, i) => ({
    path: `main#main>section:nth-of-type(${1 + Math.floor(i / 10)})>div:nth-of-type(${1 + (i % 10)})>button:nth-of-type(1)`,
    x: 20 + (i % columns) * colWidth + 10,
    y: 120 + Math.floor(i / columns) * 70,
    w: colWidth - 20,
    h: 44,
  }));
}

/** Click popularity: Zipf-like over elements (a few get most clicks). */
function popularity(random: () => number): () => number {
  const weights = Array.from({ length: ELEMENTS }, (_, i) => 1 / (i + 1) ** 0.9);
  const total = weights.reduce((s, w) => s + w, 0);
  const cumulative: number[] = [];
  let acc = 0;
  for (const w of weights) {
    acc += w / total;
    cumulative.push(acc);
  }
  return () => {
    const r = random();
    let lo = 0;
    let hi = ELEMENTS - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! < r) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

function pick<T>(random: () => number, items: readonly T[], weights: readonly number[]): T {
  let r = random() * weights.reduce((s, w) => s + w, 0);
  for (let i = 0; i < items.length; i++) {
    r -= weights[i]!;
    if (r <= 0) return items[i]!;
  }
  return items[items.length - 1]!;
}

const DEVICES: DeviceClass[] = ['desktop', 'mobile', 'tablet'];
const REFERRER_WEIGHTS = [30, 10, 35, 10, 5, 8, 2];

/**
 * One aggregate row group being built: a page's counters for one device class, segment key and
 * time bucket, dense (element metrics, element grids, page cells) so that millions of clicks add
 * up fast. `toDeltas` turns it into the ingest step's own `Deltas`.
 */
class Accumulator {
  readonly totals = new Float64Array(5); // views, sessions, clicks, rage, dead
  readonly elements = new Float64Array(ELEMENTS * 6);
  readonly grid = new Float64Array(ELEMENTS * GRID * 3);
  readonly cells: Float64Array;
  constructor(
    readonly columns: number,
    rows: number,
  ) {
    this.cells = new Float64Array(columns * rows * 6);
  }
  add(other: Accumulator): void {
    for (const k of ['totals', 'elements', 'grid', 'cells'] as const) {
      const a = this[k];
      const b = other[k];
      for (let i = 0; i < a.length; i++) a[i]! += b[i]!;
    }
  }
  toDeltas(boxes: readonly Box[]): Deltas {
    const d = emptyPageDelta();
    const t = this.totals;
    [d.views, d.sessions, d.clicks, d.rage, d.dead] = [t[0]!, t[1]!, t[2]!, t[3]!, t[4]!];
    for (let e = 0; e < ELEMENTS; e++) {
      if (this.elements[e * 6] === 0) continue;
      const grid = new Map<number, number[]>();
      for (let c = 0; c < GRID; c++) {
        const at = (e * GRID + c) * 3;
        if (this.grid[at]! > 0) grid.set(c, [this.grid[at]!, this.grid[at + 1]!, this.grid[at + 2]!]);
      }
      d.elements.set(boxes[e]!.path, {
        click: [...this.elements.subarray(e * 6, e * 6 + 6)],
        attention: [0, 0],
        grid,
      });
    }
    for (let i = 0; i < this.cells.length; i += 6) {
      if (this.cells[i] === 0) continue;
      const n = i / 6;
      const { tile, index } = tileOfCell({ cx: n % this.columns, cy: Math.floor(n / this.columns) });
      let t = d.clickTiles.get(tile);
      if (!t) {
        t = new Map();
        d.clickTiles.set(tile, t);
      }
      t.set(index, [...this.cells.subarray(i, i + 6)]);
    }
    return new Map([[PAGE, d]]);
  }
}

const GRID = ELEMENT_GRID_CELLS * ELEMENT_GRID_CELLS;
/** Distinct visitors each generated aggregate row counts: enough for the default minimum cohort. */
const VISITORS_PER_ROW = DEFAULT_HEATMAP_MIN_COHORT + 4;

/**
 * Generates `clicks` clicks in sessions over `DAYS` days and counts them into `store`: each session
 * adds to the rows of its own segment keys (`segmentKeysOf`) for its day; multi-day buckets are sums
 * of their days; every row goes through `store.heatmaps.addAggregates` once.
 */
async function generate(
  store: Store,
  siteId: string,
  clicks: number,
  progress: (m: string) => void,
): Promise<void> {
  const random = prng(42);
  const element = popularity(random);
  const layouts = Object.fromEntries(DEVICES.map((d) => [d, layout(d)])) as Record<DeviceClass, Box[]>;
  const columns = (device: DeviceClass) => Math.ceil(WIDTHS[device] / PAGE_CELL_PX);
  const cellRows = (device: DeviceClass) =>
    Math.ceil(Math.max(...layouts[device].map((b) => b.y + b.h)) / PAGE_CELL_PX) + 1;
  const perDay = Math.ceil(clicks / DAYS);
  const firstDay = END_DAY - DAYS + 1;
  /** Open buckets: bucket id → `device|segment` → accumulator. */
  const open = new Map<number, Map<string, Accumulator>>();
  const accFor = (bucket: number, device: DeviceClass, segment: string) => {
    let rows = open.get(bucket);
    if (!rows) {
      rows = new Map();
      open.set(bucket, rows);
    }
    const key = `${device}|${segment}`;
    let acc = rows.get(key);
    if (!acc) {
      acc = new Accumulator(columns(device), cellRows(device));
      rows.set(key, acc);
    }
    return acc;
  };
  const flush = async (bucket: number) => {
    const rows = open.get(bucket);
    open.delete(bucket);
    if (!rows) return;
    const writes = [...rows].flatMap(([key, acc]) => {
      const [device, segment] = key.split('|') as [DeviceClass, string];
      const targets = [{ device, segment, bucket }];
      // The row's distinct visitors (the minimum cohort): bits set by writes that add nothing else.
      const visitors = Array.from({ length: VISITORS_PER_ROW }, (_, v) => ({
        deltas: new Map([[PAGE, emptyPageDelta()]]),
        targets,
        visitorBit: v,
      }));
      return [{ deltas: acc.toDeltas(layouts[device]), targets }, ...visitors];
    });
    await store.heatmaps.addAggregates(siteId, writes, Date.now());
  };

  let made = 0;
  const started = performance.now();
  for (let day = firstDay; day <= END_DAY; day++) {
    const level0 = bucketsContainingDay(day)[0]!;
    let today = 0;
    while (today < perDay && made < clicks) {
      const device = pick(random, DEVICES, [60, 30, 10]);
      const boxes = layouts[device];
      const cols = columns(device);
      const tag = random() < 0.2 ? (random() < 0.5 ? 'pro' : 'free') : null;
      const segment = {
        visitor: random() < 0.4 ? ('new' as const) : ('returning' as const),
        referrer: pick<ReferrerClass>(random, REFERRER_CLASSES, REFERRER_WEIGHTS),
        region: null,
        tags: tag ? ([['plan', tag]] as Array<[string, string]>) : [],
      };
      const n = Math.min(perDay - today, clicks - made, 1 + Math.floor(-Math.log(1 - random()) * 9));
      // The session's clicks with its first contributions marked, added under each of its segment keys.
      const seen = new Set<number>();
      const first = (key: number): number => {
        if (seen.has(key)) return 0;
        seen.add(key);
        return 1;
      };
      const own: number[][] = [];
      for (let c = 0; c < n; c++) {
        const e = element();
        const box = boxes[e]!;
        const rx = random();
        const ry = random();
        const rage = random() < 0.02 ? 1 : 0;
        const dead = random() < 0.03 ? 1 : 0;
        const g = (e * GRID + elementCell(rx, ry)) * 3;
        const { cx, cy } = pageCell(box.x + rx * box.w, box.y + ry * box.h);
        const at = (cy * cols + cx) * 6;
        own.push([
          e * 6,
          g,
          at,
          rage,
          dead,
          // Distinct keys per kind: element e, its rage and dead; page cell at, its rage and dead.
          first(e),
          rage ? first(1e6 + e) : 0,
          dead ? first(2e6 + e) : 0,
          first(3e6 + at),
          rage ? first(13e6 + at) : 0,
          dead ? first(23e6 + at) : 0,
        ]);
      }
      for (const key of segmentKeysOf(segment)) {
        const acc = accFor(level0, device, key);
        acc.totals[0]! += 1;
        acc.totals[1]! += 1;
        for (const [ei, g, at, rage, dead, eS, erS, edS, cS, crS, cdS] of own as Array<
          [number, number, number, number, number, number, number, number, number, number, number]
        >) {
          acc.totals[2]! += 1;
          acc.totals[3]! += rage;
          acc.totals[4]! += dead;
          const el = acc.elements;
          el[ei]! += 1;
          el[ei + 1]! += eS;
          el[ei + 2]! += rage;
          el[ei + 3]! += erS;
          el[ei + 4]! += dead;
          el[ei + 5]! += edS;
          acc.grid[g]! += 1;
          acc.grid[g + 1]! += rage;
          acc.grid[g + 2]! += dead;
          const cells = acc.cells;
          cells[at]! += 1;
          cells[at + 1]! += cS;
          cells[at + 2]! += rage;
          cells[at + 3]! += crS;
          cells[at + 4]! += dead;
          cells[at + 5]! += cdS;
        }
      }
      today += n;
      made += n;
    }
    // The day is complete: its rows are written and added into the next longer bucket, which is
    // written (and added into the next) once it is complete too.
    const chain = bucketsContainingDay(day);
    for (let level = 0; level < chain.length; level++) {
      const bucket = chain[level]!;
      const { startDay, days } = bucketOfId(bucket);
      if (level > 0 && startDay + days - 1 > day && day !== END_DAY) break;
      const parent = chain[level + 1];
      if (parent !== undefined) {
        for (const [key, acc] of open.get(bucket) ?? []) {
          const [device, segment] = key.split('|') as [DeviceClass, string];
          accFor(parent, device, segment).add(acc);
        }
      }
      await flush(bucket);
    }
    const secs = (performance.now() - started) / 1000;
    progress(
      `heatmaps: ${(made / 1e6).toFixed(2)} M of ${(clicks / 1e6).toFixed(0)} M clicks counted (${secs.toFixed(0)} s)`,
    );
  }
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

interface Dataset {
  clicks: number;
  store: Store;
  query: HeatmapQuery;
  dir: string;
}

/** A temporary SQLite database with `clicks` clicks on one page. */
async function dataset(clicks: number, progress: (m: string) => void): Promise<Dataset> {
  const dir = mkdtempSync(join(tmpdir(), 'veil-bench-heatmap-'));
  const store = await openSqliteStore(join(dir, 'veil.sqlite'));
  const site = await store.sites.create({
    siteKey: 'bench_heatmap_site',
    name: 'Bench',
    origins: ['https://bench.example'],
    policy: DEFAULT_PRIVACY_POLICY,
    createdAt: Date.now(),
  });
  await generate(store, site.id, clicks, progress);
  const query: HeatmapQuery = {
    siteId: site.id,
    pattern: PAGE,
    devices: ['desktop'],
    fromDay: END_DAY - DAYS + 1,
    toDay: END_DAY,
    filter: {},
    k: DEFAULT_PRIVACY_POLICY.heatmapMinSessions,
    minCohort: DEFAULT_HEATMAP_MIN_COHORT,
  };
  const check = await clickHeatmap(store, query);
  if (!check || check.elements.length === 0) throw new Error('the generated heatmap is empty');
  progress(
    `heatmaps: ${clicks / 1e6} M clicks: the desktop heatmap has ${check.totals.clicks} clicks, ${check.elements.length} elements, ${check.cells.length} cells`,
  );
  return { clicks, store, query, dir };
}

type Latency = { p50: number; p95: number };

/**
 * Query latencies of the datasets, measured in alternation (the machine's noise falls on all
 * alike) after a warm-up: what the API does for `GET …/heatmaps/clicks`, up to its JSON.
 */
async function latencies(sets: readonly Dataset[]): Promise<Latency[]> {
  (globalThis as { gc?: () => void }).gc?.();
  const times: number[][] = sets.map(() => []);
  for (let round = 0; round < QUERY_ROUNDS + 5; round++) {
    for (let i = 0; i < sets.length; i++) {
      const at = (round + i) % sets.length;
      const set = sets[at]!;
      const t = performance.now();
      JSON.stringify(await clickHeatmap(set.store, set.query));
      if (round >= 5) times[at]!.push(performance.now() - t);
    }
  }
  return times.map((ts) => {
    const sorted = [...ts].sort((a, b) => a - b);
    return { p50: percentile(sorted, 50), p95: percentile(sorted, 95) };
  });
}

/** The benchmark's rows: latency at 1 M and 10 M clicks, and their ratio. */
export async function heatmapQueryBench(progress: (m: string) => void): Promise<BenchRow[]> {
  const sets: Dataset[] = [];
  try {
    progress('heatmaps: generating 1 M clicks');
    sets.push(await dataset(1_000_000, progress));
    progress('heatmaps: generating 10 M clicks');
    sets.push(await dataset(10_000_000, progress));
    progress(`heatmaps: querying both, ${QUERY_ROUNDS} rounds each`);
    const [small, large] = (await latencies(sets)) as [Latency, Latency];
    return rowsOf(small, large);
  } finally {
    for (const set of sets) {
      await set.store.close();
      rmSync(set.dir, { recursive: true, force: true });
    }
  }
}

function rowsOf(small: Latency, large: Latency): BenchRow[] {
  const ratio = large.p95 / small.p95;
  const ms = (v: number) => `${v.toFixed(1)} ms`;
  return [
    {
      benchmark: 'heatmap query, one page, 1 M clicks (SQLite)',
      value: `p50 ${ms(small.p50)}, p95 ${ms(small.p95)}`,
      baseline: '—',
      ratio: '—',
      target: 'p95 < 100 ms',
      ok: small.p95 < 100,
    },
    {
      benchmark: 'heatmap query, one page, 10 M clicks (SQLite)',
      value: `p50 ${ms(large.p50)}, p95 ${ms(large.p95)}`,
      baseline: `1 M clicks: p95 ${ms(small.p95)}`,
      ratio: `${ratio.toFixed(2)}× (p95)`,
      target: 'p95 < 100 ms; 10 M / 1 M < 1.5',
      ok: large.p95 < 100 && ratio < 1.5,
    },
  ];
}
