import { type Kysely, sql } from 'kysely';
import { addCounts, type Counts, decodeCounts, encodeCounts } from '../../heatmap/countsBlob.js';
import { type DeltaVisitors, deltaVisitors } from '../../heatmap/deltaVisitors.js';
import {
  type AggregateWrite,
  ATTENTION_METRICS,
  addElementDelta,
  CLICK_METRICS,
  ELEMENT_GRID_METRICS,
  ELEMENT_STATS_METRICS,
  type ElementDelta,
  SCROLL_METRICS,
} from '../../heatmap/heatmapDeltas.js';
import {
  decodeVisitorBitmap,
  emptyVisitorBitmap,
  orVisitorBitmap,
  setVisitorBit,
} from '../../heatmap/visitorBitmap.js';
import {
  decodeVisitorSets,
  encodeVisitorSets,
  mergeVisitorSets,
  type VisitorSets,
} from '../../heatmap/visitorSets.js';
import type { Database } from '../Database.js';
import type { Dialect } from '../migrations/Migration.js';
import { TileKind } from './HeatmapRepository.js';
import { bumpDayVersions } from './heatmapDayOutcomes.js';

/** Namespace of PostgreSQL advisory locks that serialise aggregate writes per page. */
const PG_PAGE_LOCK_NAMESPACE = 0x766d; // 'vm'
/** Values per statement: well under SQLite's (32766) and PostgreSQL's (65535) parameter limits. */
const MAX_PARAMS_PER_STATEMENT = 24_000;
/** Keys per `in (…)` list when reading existing rows. */
const MAX_IN_LIST = 500;
/** Element ids kept in memory (ids never change once given). */
const MAX_CACHED_ELEMENT_IDS = 200_000;

interface Key {
  page_id: number;
  device: string;
  segment: string;
  bucket: number;
}

interface TotalsAcc {
  key: Key;
  n: number[]; // views, sessions, clicks, rage, dead, attention_ms, scroll_views, fold_px_sum
  scroll: Counts;
  visitors: Uint8Array;
  /** Scroll-depth bin → visitors (`visitorSets.ts`). */
  scrollVisitors: VisitorSets;
  /** Rage and dead clicks → visitors (`PAGE_SIGNAL_VISITOR_PARTS`). */
  signalVisitors: VisitorSets;
}
interface ElementAcc {
  key: Key & { element_id: number };
  d: ElementDelta;
  visitors: VisitorSets;
}
interface TileAcc {
  key: Key & { kind: number; tile: number };
  counts: Counts;
  visitors: VisitorSets;
}

const TOTAL_COLUMNS = [
  'views',
  'sessions',
  'clicks',
  'rage',
  'dead',
  'attention_ms',
  'scroll_views',
  'fold_px_sum',
] as const;

const keyString = (k: Key, ...rest: number[]) =>
  `${k.page_id}\u0000${k.device}\u0000${k.segment}\u0000${k.bucket}\u0000${rest.join(',')}`;

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

const distinct = <T>(values: Iterable<T>): T[] => [...new Set(values)];

/** Page and element ids one transaction resolved, handed to the shared cache after it commits. */
export interface ResolvedIds {
  pages: Map<string, number>;
  elements: Map<string, number>;
}

/**
 * Adds aggregate writes: resolves page and element ids, sums the writes per row in memory, reads
 * the rows that exist, and upserts the sums. Runs inside the caller's transaction; on PostgreSQL
 * it first takes a per-page advisory lock (in page order), so that processes sharing the
 * database never lose each other's counts.
 */
export function heatmapAggregateWriter(dialect: Dialect) {
  /**
   * Ids of rows known to be committed. A transaction resolves ids into its own maps and hands
   * them to this cache only once it has committed (`learn`): an id read inside a transaction may
   * name a row that transaction inserted, which another transaction cannot see until the commit
   * and which a rollback removes.
   */
  const pageIds = new Map<string, number>();
  const elementIds = new Map<string, number>();

  async function resolvePages(
    trx: Kysely<Database>,
    siteId: string,
    patterns: string[],
    now: number,
    resolved: Map<string, number>,
  ) {
    const missing: string[] = [];
    for (const p of patterns) {
      const id = pageIds.get(`${siteId}\u0000${p}`);
      if (id === undefined) missing.push(p);
      else resolved.set(`${siteId}\u0000${p}`, id);
    }
    if (missing.length > 0) {
      await trx
        .insertInto('heatmap_pages')
        .values(missing.map((pattern) => ({ site_id: siteId, pattern, created_at: now })))
        .onConflict((oc) => oc.columns(['site_id', 'pattern']).doNothing())
        .execute();
      const rows = await trx
        .selectFrom('heatmap_pages')
        .select(['id', 'pattern'])
        .where('site_id', '=', siteId)
        .where('pattern', 'in', missing)
        .execute();
      for (const r of rows) resolved.set(`${siteId}\u0000${r.pattern}`, Number(r.id));
    }
    return (pattern: string) => {
      const id = resolved.get(`${siteId}\u0000${pattern}`);
      if (id === undefined) throw new Error(`heatmap page id not resolved: ${pattern}`);
      return id;
    };
  }

  async function resolveElements(
    trx: Kysely<Database>,
    wanted: Array<[number, string]>,
    resolved: Map<string, number>,
  ) {
    const missing: Array<[number, string]> = [];
    for (const [page, path] of wanted) {
      const key = `${page}\u0000${path}`;
      const id = elementIds.get(key);
      if (id === undefined) missing.push([page, path]);
      else resolved.set(key, id);
    }
    for (const group of chunks(missing, MAX_IN_LIST)) {
      await trx
        .insertInto('heatmap_elements')
        .values(group.map(([page_id, path]) => ({ page_id, path })))
        .onConflict((oc) => oc.columns(['page_id', 'path']).doNothing())
        .execute();
      const rows = await trx
        .selectFrom('heatmap_elements')
        .select(['id', 'page_id', 'path'])
        .where('page_id', 'in', distinct(group.map(([p]) => p)))
        .where('path', 'in', distinct(group.map(([, p]) => p)))
        .execute();
      for (const r of rows) resolved.set(`${Number(r.page_id)}\u0000${r.path}`, Number(r.id));
    }
    return (page: number, path: string) => {
      const id = resolved.get(`${page}\u0000${path}`);
      if (id === undefined) throw new Error(`heatmap element id not resolved: ${path}`);
      return id;
    };
  }

  /** After the caller's transaction committed: the ids it resolved name committed rows. */
  function learn(resolved: ResolvedIds): void {
    for (const [k, id] of resolved.pages) pageIds.set(k, id);
    if (elementIds.size + resolved.elements.size > MAX_CACHED_ELEMENT_IDS) elementIds.clear();
    for (const [k, id] of resolved.elements) elementIds.set(k, id);
  }

  /** Forgets cached ids (kept for callers that want a cold cache, e.g. after a failure). */
  function forget(): void {
    pageIds.clear();
    elementIds.clear();
  }

  async function addAggregates(
    trx: Kysely<Database>,
    siteId: string,
    writes: readonly AggregateWrite[],
    now: number,
  ): Promise<ResolvedIds> {
    const resolved: ResolvedIds = { pages: new Map(), elements: new Map() };
    if (writes.length === 0) return resolved;
    const patterns = distinct(writes.flatMap((w) => [...w.deltas.keys()]));
    const pageOf = await resolvePages(trx, siteId, patterns, now, resolved.pages);
    if (dialect === 'postgres') {
      for (const id of distinct(patterns.map(pageOf)).sort((a, b) => a - b)) {
        await sql`select pg_advisory_xact_lock(${PG_PAGE_LOCK_NAMESPACE}, ${id % 2_147_483_647})`.execute(
          trx,
        );
      }
    }
    const elementOf = await resolveElements(
      trx,
      writes.flatMap((w) =>
        [...w.deltas].flatMap(([p, d]) =>
          [...d.elements.keys()].map((path): [number, string] => [pageOf(p), path]),
        ),
      ),
      resolved.elements,
    );

    const totals = new Map<string, TotalsAcc>();
    const elements = new Map<string, ElementAcc>();
    const tiles = new Map<string, TileAcc>();
    for (const { deltas, targets, visitorBit } of writes) {
      for (const [pattern, d] of deltas) {
        const page_id = pageOf(pattern);
        const n = [d.views, d.sessions, d.clicks, d.rage, d.dead, d.attentionMs, d.scrollViews, d.foldPxSum];
        // The visitor's parts of this page's rows, worked out once for all its targets.
        const who: DeltaVisitors | null =
          visitorBit === undefined || visitorBit === null ? null : deltaVisitors(d, visitorBit);
        for (const t of targets) {
          const key: Key = { page_id, device: t.device, segment: t.segment, bucket: t.bucket };
          const ks = keyString(key);
          let acc = totals.get(ks);
          if (acc) {
            for (let i = 0; i < n.length; i++) acc.n[i]! += n[i]!;
            addCounts(acc.scroll, d.scroll);
          } else {
            acc = {
              key,
              n: [...n],
              scroll: addCounts(new Map(), d.scroll),
              visitors: emptyVisitorBitmap(),
              scrollVisitors: new Map(),
              signalVisitors: new Map(),
            };
            totals.set(ks, acc);
          }
          if (visitorBit !== undefined && visitorBit !== null) setVisitorBit(acc.visitors, visitorBit);
          if (who) {
            mergeVisitorSets(acc.scrollVisitors, who.scroll);
            mergeVisitorSets(acc.signalVisitors, who.signals);
          }
          for (const [path, e] of d.elements) {
            const element_id = elementOf(page_id, path);
            const eks = keyString(key, element_id);
            let eacc = elements.get(eks);
            if (eacc) addElementDelta(eacc.d, e);
            else {
              const fresh: ElementDelta = { click: [0, 0, 0, 0, 0, 0], attention: [0, 0], grid: new Map() };
              addElementDelta(fresh, e);
              eacc = { key: { ...key, element_id }, d: fresh, visitors: new Map() };
              elements.set(eks, eacc);
            }
            const ev = who?.elements.get(path);
            if (ev) mergeVisitorSets(eacc.visitors, ev);
          }
          for (const [kind, source, sourceVisitors] of [
            [TileKind.Clicks, d.clickTiles, who?.clickTiles],
            [TileKind.Attention, d.attentionTiles, who?.attentionTiles],
          ] as const) {
            for (const [tile, counts] of source) {
              const tks = keyString(key, kind, tile);
              let tacc = tiles.get(tks);
              if (tacc) addCounts(tacc.counts, counts);
              else {
                tacc = {
                  key: { ...key, kind, tile },
                  counts: addCounts(new Map(), counts),
                  visitors: new Map(),
                };
                tiles.set(tks, tacc);
              }
              const tv = sourceVisitors?.get(tile);
              if (tv) mergeVisitorSets(tacc.visitors, tv);
            }
          }
        }
      }
    }
    await writeTotals(trx, [...totals.values()]);
    await writeElements(trx, [...elements.values()]);
    await writeTiles(trx, [...tiles.values()]);
    // Every target has a totals row: its page days' stored outcomes are no longer current.
    await bumpDayVersions(
      trx,
      [...totals.values()].map((t) => t.key),
    );
    return resolved;
  }

  return { addAggregates, learn, forget };
}

/** The rows among `accs` that exist, by key string: one query per `MAX_IN_LIST` of the last key column. */
async function existing<R extends Key>(
  accs: ReadonlyArray<{ key: Key }>,
  lastColumn: string | null,
  lastOf: (key: Key) => number,
  read: (where: {
    pages: number[];
    devices: string[];
    segments: string[];
    buckets: number[];
    last: number[] | null;
  }) => Promise<R[]>,
): Promise<R[]> {
  if (accs.length === 0) return [];
  const keys = accs.map((a) => a.key);
  const base = {
    pages: distinct(keys.map((k) => k.page_id)),
    devices: distinct(keys.map((k) => k.device)),
    segments: distinct(keys.map((k) => k.segment)),
    buckets: distinct(keys.map((k) => k.bucket)),
  };
  if (lastColumn === null) return read({ ...base, last: null });
  const out: R[] = [];
  for (const last of chunks(distinct(keys.map(lastOf)), MAX_IN_LIST))
    out.push(...(await read({ ...base, last })));
  return out;
}

async function writeTotals(trx: Kysely<Database>, accs: TotalsAcc[]): Promise<void> {
  const rows = await existing(
    accs,
    null,
    () => 0,
    (w) =>
      trx
        .selectFrom('heatmap_totals')
        .selectAll()
        .where('page_id', 'in', w.pages)
        .where('device', 'in', w.devices)
        .where('segment', 'in', w.segments)
        .where('bucket', 'in', w.buckets)
        .execute(),
  );
  const byKey = new Map(rows.map((r) => [keyString(norm(r)), r]));
  const values = accs.map((a) => {
    const old = byKey.get(keyString(a.key));
    const scroll = decodeCounts(old?.scroll, addCounts(new Map(), a.scroll));
    const sum = (i: number) => Number(old?.[TOTAL_COLUMNS[i]!] ?? 0) + a.n[i]!;
    return {
      ...a.key,
      views: sum(0),
      sessions: sum(1),
      clicks: sum(2),
      rage: sum(3),
      dead: sum(4),
      attention_ms: sum(5),
      scroll_views: sum(6),
      fold_px_sum: sum(7),
      scroll: encodeCounts(scroll, SCROLL_METRICS.length),
      visitors: Buffer.from(orVisitorBitmap(decodeVisitorBitmap(old?.visitors), a.visitors)),
      scroll_visitors: encodeVisitorSets(
        decodeVisitorSets(old?.scroll_visitors, mergeVisitorSets(new Map(), a.scrollVisitors)),
      ),
      signal_visitors: encodeVisitorSets(
        decodeVisitorSets(old?.signal_visitors, mergeVisitorSets(new Map(), a.signalVisitors)),
      ),
    } satisfies Database['heatmap_totals'];
  });
  for (const group of chunks(values, Math.floor(MAX_PARAMS_PER_STATEMENT / 16))) {
    await trx
      .insertInto('heatmap_totals')
      .values(group)
      .onConflict((oc) =>
        oc.columns(['page_id', 'device', 'segment', 'bucket']).doUpdateSet((eb) => ({
          views: eb.ref('excluded.views'),
          sessions: eb.ref('excluded.sessions'),
          clicks: eb.ref('excluded.clicks'),
          rage: eb.ref('excluded.rage'),
          dead: eb.ref('excluded.dead'),
          attention_ms: eb.ref('excluded.attention_ms'),
          scroll_views: eb.ref('excluded.scroll_views'),
          fold_px_sum: eb.ref('excluded.fold_px_sum'),
          scroll: eb.ref('excluded.scroll'),
          visitors: eb.ref('excluded.visitors'),
          scroll_visitors: eb.ref('excluded.scroll_visitors'),
          signal_visitors: eb.ref('excluded.signal_visitors'),
        })),
      )
      .execute();
  }
}

async function writeElements(trx: Kysely<Database>, accs: ElementAcc[]): Promise<void> {
  const rows = await existing(
    accs,
    'element_id',
    (k) => (k as ElementAcc['key']).element_id,
    (w) =>
      trx
        .selectFrom('heatmap_element_stats')
        .selectAll()
        .where('page_id', 'in', w.pages)
        .where('device', 'in', w.devices)
        .where('segment', 'in', w.segments)
        .where('bucket', 'in', w.buckets)
        .where('element_id', 'in', w.last ?? [])
        .execute(),
  );
  const byKey = new Map(rows.map((r) => [keyString(norm(r), Number(r.element_id)), r]));
  const values = accs.map((a) => {
    const old = byKey.get(keyString(a.key, a.key.element_id));
    const stats = decodeCounts(old?.stats, new Map([[0, [...a.d.click, ...a.d.attention]]]));
    return {
      ...a.key,
      stats: encodeCounts(stats, ELEMENT_STATS_METRICS.length),
      grid: encodeCounts(
        decodeCounts(old?.grid, addCounts(new Map(), a.d.grid)),
        ELEMENT_GRID_METRICS.length,
      ),
      visitors: encodeVisitorSets(decodeVisitorSets(old?.visitors, mergeVisitorSets(new Map(), a.visitors))),
    } satisfies Database['heatmap_element_stats'];
  });
  for (const group of chunks(values, Math.floor(MAX_PARAMS_PER_STATEMENT / 8))) {
    await trx
      .insertInto('heatmap_element_stats')
      .values(group)
      .onConflict((oc) =>
        oc.columns(['page_id', 'device', 'segment', 'bucket', 'element_id']).doUpdateSet((eb) => ({
          stats: eb.ref('excluded.stats'),
          grid: eb.ref('excluded.grid'),
          visitors: eb.ref('excluded.visitors'),
        })),
      )
      .execute();
  }
}

async function writeTiles(trx: Kysely<Database>, accs: TileAcc[]): Promise<void> {
  for (const kind of [TileKind.Clicks, TileKind.Attention]) {
    const mine = accs.filter((a) => a.key.kind === kind);
    const metrics = kind === TileKind.Clicks ? CLICK_METRICS.length : ATTENTION_METRICS.length;
    const rows = await existing(
      mine,
      'tile',
      (k) => (k as TileAcc['key']).tile,
      (w) =>
        trx
          .selectFrom('heatmap_tiles')
          .selectAll()
          .where('page_id', 'in', w.pages)
          .where('device', 'in', w.devices)
          .where('segment', 'in', w.segments)
          .where('kind', '=', kind)
          .where('bucket', 'in', w.buckets)
          .where('tile', 'in', w.last ?? [])
          .execute(),
    );
    const byKey = new Map(rows.map((r) => [keyString(norm(r), kind, Number(r.tile)), r]));
    const values = mine.map((a) => {
      const old = byKey.get(keyString(a.key, kind, a.key.tile));
      return {
        ...a.key,
        counts: encodeCounts(decodeCounts(old?.counts, addCounts(new Map(), a.counts)), metrics),
        visitors: encodeVisitorSets(
          decodeVisitorSets(old?.visitors, mergeVisitorSets(new Map(), a.visitors)),
        ),
      };
    });
    for (const group of chunks(values, Math.floor(MAX_PARAMS_PER_STATEMENT / 8))) {
      await trx
        .insertInto('heatmap_tiles')
        .values(group)
        .onConflict((oc) =>
          oc.columns(['page_id', 'device', 'segment', 'kind', 'bucket', 'tile']).doUpdateSet((eb) => ({
            counts: eb.ref('excluded.counts'),
            visitors: eb.ref('excluded.visitors'),
          })),
        )
        .execute();
    }
  }
}

function norm(r: Key): Key {
  return { page_id: Number(r.page_id), device: r.device, segment: r.segment, bucket: Number(r.bucket) };
}
