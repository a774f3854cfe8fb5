import { bucketId, bucketOfId, type DeviceClass, ELEMENT_GRID_CELLS, TILE_CELLS } from '@veil/core';
import { type Kysely, sql } from 'kysely';
import { addBlobToDense, type DenseCounts, denseCounts } from '../../heatmap/countsBlob.js';
import {
  ATTENTION_METRICS,
  CLICK_METRICS,
  ELEMENT_GRID_METRICS,
  ELEMENT_STATS_METRICS,
  SCROLL_METRICS,
} from '../../heatmap/heatmapDeltas.js';
import { decodeVisitorBitmap } from '../../heatmap/visitorBitmap.js';
import { decodeVisitorSets, StoredVisitorSets } from '../../heatmap/visitorSets.js';
import type { Database } from '../Database.js';
import type {
  AggregateSelection,
  DayCohort,
  ElementStats,
  HeatmapRepository,
  PageSummary,
  PageTotals,
  SegmentDayPart,
  SnapshotRecord,
  TileCounts,
} from './HeatmapRepository.js';

type ReadParts = Pick<
  HeatmapRepository,
  | 'pageId'
  | 'pages'
  | 'totals'
  | 'dayCohorts'
  | 'elements'
  | 'elementPaths'
  | 'elementsByDay'
  | 'tiles'
  | 'tilesByDay'
  | 'scrollByDay'
  | 'snapshotCapturedAt'
  | 'putSnapshot'
  | 'snapshot'
>;

/** Scroll depth bins: percent 0..100. */
const SCROLL_BINS = 101;

const emptyTotals = (): PageTotals => ({
  views: 0,
  sessions: 0,
  clicks: 0,
  rage: 0,
  dead: 0,
  attentionMs: 0,
  scrollViews: 0,
  foldPxSum: 0,
  scroll: denseCounts(SCROLL_BINS, SCROLL_METRICS.length),
  scrollVisitors: new Map(),
});

/** Level-0 buckets: one day each. */
const dayBuckets = (days: readonly number[]): number[] => days.map((day) => bucketId(0, day));
const partKey = (bucket: number | string, device: string, segment: string): string =>
  `${bucket}\u0000${device}\u0000${segment}`;
const partOf = (bucket: number | string, device: string, segment: string): SegmentDayPart => ({
  day: bucketOfId(Number(bucket)).startDay,
  device: device as DeviceClass,
  segment,
});
/** A selection's segment keys: one, or several read in one query. */
const keysOf = (segment: string | readonly string[]): readonly string[] =>
  typeof segment === 'string' ? [segment] : segment;

/**
 * Heatmap reads: each reads the rows of one page, one segment key, the selected device classes
 * and the few time buckets covering the date range, and sums them. Distinct-session counts add up
 * exactly: a session counts under one device class, one full segment and one day.
 */
export function heatmapReads(db: Kysely<Database>): ReadParts {
  const pageIdOf = async (siteId: string, pattern: string) => {
    const row = await db
      .selectFrom('heatmap_pages')
      .select('id')
      .where('site_id', '=', siteId)
      .where('pattern', '=', pattern)
      .executeTakeFirst();
    return row === undefined ? undefined : Number(row.id);
  };

  /** Element rows of the buckets, summed per part (`key` of the row's bucket, device class and segment). */
  const readElements = async (
    pageId: number,
    devices: readonly DeviceClass[],
    segments: readonly string[],
    buckets: readonly number[],
    key: (bucket: number | string, device: string, segment: string) => string,
  ): Promise<Map<string, { part: SegmentDayPart; elements: ElementStats[] }>> => {
    const out = new Map<string, { part: SegmentDayPart; elements: ElementStats[] }>();
    if (buckets.length === 0 || devices.length === 0 || segments.length === 0) return out;
    const rows = await db
      .selectFrom('heatmap_element_stats')
      .select(['element_id', 'bucket', 'device', 'segment', 'stats', 'grid', 'visitors'])
      .where('page_id', '=', pageId)
      .where('device', 'in', [...devices])
      .where('segment', 'in', [...segments])
      .where('bucket', 'in', [...buckets])
      .execute();
    if (rows.length === 0) return out;
    type Sum = { stats: DenseCounts; grid: DenseCounts; visitors: StoredVisitorSets };
    const byPart = new Map<string, { part: SegmentDayPart; byId: Map<number, Sum> }>();
    for (const r of rows) {
      const k = key(r.bucket, r.device, r.segment);
      let p = byPart.get(k);
      if (!p) {
        p = { part: partOf(r.bucket, r.device, r.segment), byId: new Map() };
        byPart.set(k, p);
      }
      const id = Number(r.element_id);
      let e = p.byId.get(id);
      if (!e) {
        e = {
          stats: denseCounts(1, ELEMENT_STATS_METRICS.length),
          grid: denseCounts(ELEMENT_GRID_CELLS ** 2, ELEMENT_GRID_METRICS.length),
          visitors: new StoredVisitorSets(),
        };
        p.byId.set(id, e);
      }
      addBlobToDense(r.stats, e.stats);
      addBlobToDense(r.grid, e.grid);
      e.visitors.add(r.visitors);
    }
    const paths = await db
      .selectFrom('heatmap_elements')
      .select(['id', 'path'])
      .where('page_id', '=', pageId)
      .execute();
    for (const [k, { part, byId }] of byPart) {
      const elements: ElementStats[] = [];
      for (const p of paths) {
        const e = byId.get(Number(p.id));
        if (!e) continue;
        const [clicks, sessions, rage, rageSessions, dead, deadSessions, attentionMs, attentionSessions] =
          e.stats.values;
        elements.push({
          id: Number(p.id),
          path: p.path,
          clicks: clicks!,
          sessions: sessions!,
          rage: rage!,
          rageSessions: rageSessions!,
          dead: dead!,
          deadSessions: deadSessions!,
          attentionMs: attentionMs!,
          attentionSessions: attentionSessions!,
          grid: e.grid,
          visitors: e.visitors,
        });
      }
      out.set(k, { part, elements });
    }
    return out;
  };

  /** Tile rows of the buckets, summed per part (`key` of the row's bucket, device class and segment). */
  const readTiles = async (
    pageId: number,
    kind: number,
    sel: Pick<AggregateSelection, 'devices'> & { segment: string | readonly string[] },
    buckets: readonly number[],
    key: (bucket: number | string, device: string, segment: string) => string,
  ): Promise<Map<string, { part: SegmentDayPart; tiles: Map<number, TileCounts> }>> => {
    type Stored = TileCounts & { visitors: StoredVisitorSets };
    const out = new Map<string, { part: SegmentDayPart; tiles: Map<number, Stored> }>();
    const metrics = kind === 0 ? CLICK_METRICS.length : ATTENTION_METRICS.length;
    const segments = keysOf(sel.segment);
    if (buckets.length === 0 || sel.devices.length === 0 || segments.length === 0) return out;
    const rows = await db
      .selectFrom('heatmap_tiles')
      .select(['tile', 'bucket', 'device', 'segment', 'counts', 'visitors'])
      .where('page_id', '=', pageId)
      .where('device', 'in', [...sel.devices])
      .where('segment', 'in', [...segments])
      .where('kind', '=', kind)
      .where('bucket', 'in', [...buckets])
      .execute();
    for (const r of rows) {
      const k = key(r.bucket, r.device, r.segment);
      let p = out.get(k);
      if (!p) {
        p = { part: partOf(r.bucket, r.device, r.segment), tiles: new Map() };
        out.set(k, p);
      }
      const tile = Number(r.tile);
      let counts = p.tiles.get(tile);
      if (!counts) {
        counts = { ...denseCounts(TILE_CELLS * TILE_CELLS, metrics), visitors: new StoredVisitorSets() };
        p.tiles.set(tile, counts);
      }
      addBlobToDense(r.counts, counts);
      counts.visitors.add(r.visitors);
    }
    return out;
  };

  return {
    pageId: pageIdOf,

    async pages(siteId, sel) {
      if (sel.buckets.length === 0 || sel.devices.length === 0) return [];
      const rows = await db
        .selectFrom('heatmap_totals as t')
        .innerJoin('heatmap_pages as p', 'p.id', 't.page_id')
        .select((eb) => [
          'p.pattern',
          eb.fn.sum<number>('t.views').as('views'),
          eb.fn.sum<number>('t.sessions').as('sessions'),
          eb.fn.sum<number>('t.clicks').as('clicks'),
          eb.fn.sum<number>('t.rage').as('rage'),
          eb.fn.sum<number>('t.dead').as('dead'),
          eb.fn.sum<number>('t.attention_ms').as('attentionMs'),
          eb.fn.sum<number>('t.scroll_views').as('scrollViews'),
          eb.fn.sum<number>('t.fold_px_sum').as('foldPxSum'),
        ])
        .where('p.site_id', '=', siteId)
        .where('t.device', 'in', [...sel.devices])
        .where('t.segment', '=', sel.segment)
        .where('t.bucket', 'in', [...sel.buckets])
        .groupBy('p.pattern')
        .execute();
      return rows.map(
        (r): PageSummary => ({
          pattern: r.pattern,
          views: Number(r.views),
          sessions: Number(r.sessions),
          clicks: Number(r.clicks),
          rage: Number(r.rage),
          dead: Number(r.dead),
          attentionMs: Number(r.attentionMs),
          scrollViews: Number(r.scrollViews),
          foldPxSum: Number(r.foldPxSum),
        }),
      );
    },

    async totals(pageId, sel) {
      const out = emptyTotals();
      if (sel.buckets.length === 0 || sel.devices.length === 0) return out;
      const rows = await db
        .selectFrom('heatmap_totals')
        .selectAll()
        .where('page_id', '=', pageId)
        .where('device', 'in', [...sel.devices])
        .where('segment', '=', sel.segment)
        .where('bucket', 'in', [...sel.buckets])
        .execute();
      for (const r of rows) {
        out.views += Number(r.views);
        out.sessions += Number(r.sessions);
        out.clicks += Number(r.clicks);
        out.rage += Number(r.rage);
        out.dead += Number(r.dead);
        out.attentionMs += Number(r.attention_ms);
        out.scrollViews += Number(r.scroll_views);
        out.foldPxSum += Number(r.fold_px_sum);
        addBlobToDense(r.scroll, out.scroll);
        decodeVisitorSets(r.scroll_visitors, out.scrollVisitors);
      }
      return out;
    },

    async dayCohorts(siteId, pattern, sel) {
      if (sel.days.length === 0 || sel.devices.length === 0) return [];
      let query = db
        .selectFrom('heatmap_totals as t')
        .innerJoin('heatmap_pages as p', 'p.id', 't.page_id')
        .select([
          'p.pattern',
          't.segment',
          't.device',
          't.bucket',
          't.sessions',
          't.visitors',
          't.rage',
          't.dead',
          't.signal_visitors',
        ])
        .where('p.site_id', '=', siteId)
        .where('t.device', 'in', [...sel.devices])
        .where(
          typeof sel.segment === 'string'
            ? sql<boolean>`t.segment = ${sel.segment}`
            : sql<boolean>`substr(t.segment, 1, ${sql.lit(sel.segment.prefix.length)}) = ${sel.segment.prefix}`,
        )
        // Level-0 buckets: one day each.
        .where(
          't.bucket',
          'in',
          sel.days.map((day) => bucketId(0, day)),
        );
      if (pattern !== null) query = query.where('p.pattern', '=', pattern);
      const rows = await query.execute();
      return rows.map(
        (r): DayCohort => ({
          pattern: r.pattern,
          segment: r.segment,
          device: r.device as DeviceClass,
          day: bucketOfId(Number(r.bucket)).startDay,
          sessions: Number(r.sessions),
          visitors: decodeVisitorBitmap(r.visitors),
          rage: Number(r.rage),
          dead: Number(r.dead),
          signalVisitors: decodeVisitorSets(r.signal_visitors),
        }),
      );
    },

    async elements(pageId, sel) {
      const parts = await readElements(pageId, sel.devices, [sel.segment], sel.buckets, () => '');
      return parts.get('')?.elements ?? [];
    },

    async elementPaths(pageId) {
      const rows = await db
        .selectFrom('heatmap_elements')
        .select(['id', 'path'])
        .where('page_id', '=', pageId)
        .execute();
      return new Map(rows.map((r) => [Number(r.id), r.path]));
    },

    async elementsByDay(pageId, sel) {
      const parts = await readElements(
        pageId,
        sel.devices,
        keysOf(sel.segment),
        dayBuckets(sel.days),
        partKey,
      );
      return [...parts.values()].map(({ part, elements }) => ({ ...part, elements }));
    },

    async tiles(pageId, kind, sel) {
      const parts = await readTiles(pageId, kind, sel, sel.buckets, () => '');
      return parts.get('')?.tiles ?? new Map();
    },

    async tilesByDay(pageId, kind, sel) {
      const parts = await readTiles(pageId, kind, sel, dayBuckets(sel.days), partKey);
      return [...parts.values()].map(({ part, tiles }) => ({ ...part, tiles }));
    },

    async scrollByDay(pageId, sel) {
      const segments = keysOf(sel.segment);
      if (sel.days.length === 0 || sel.devices.length === 0 || segments.length === 0) return [];
      const rows = await db
        .selectFrom('heatmap_totals')
        .select(['bucket', 'device', 'segment', 'scroll', 'scroll_visitors'])
        .where('page_id', '=', pageId)
        .where('device', 'in', [...sel.devices])
        .where('segment', 'in', [...segments])
        .where('bucket', 'in', dayBuckets(sel.days))
        .execute();
      const out = new Map<string, SegmentDayPart & Pick<PageTotals, 'scroll' | 'scrollVisitors'>>();
      for (const r of rows) {
        const key = partKey(r.bucket, r.device, r.segment);
        let part = out.get(key);
        if (!part) {
          part = {
            ...partOf(r.bucket, r.device, r.segment),
            scroll: denseCounts(SCROLL_BINS, SCROLL_METRICS.length),
            scrollVisitors: new Map(),
          };
          out.set(key, part);
        }
        addBlobToDense(r.scroll, part.scroll);
        decodeVisitorSets(r.scroll_visitors, part.scrollVisitors);
      }
      return [...out.values()];
    },

    async snapshotCapturedAt(siteId, pattern, device) {
      const row = await db
        .selectFrom('heatmap_snapshots as s')
        .innerJoin('heatmap_pages as p', 'p.id', 's.page_id')
        .select('s.captured_at')
        .where('p.site_id', '=', siteId)
        .where('p.pattern', '=', pattern)
        .where('s.device', '=', device)
        .executeTakeFirst();
      return row === undefined ? undefined : Number(row.captured_at);
    },

    async putSnapshot(siteId, pattern, device, snap, now) {
      await db.transaction().execute(async (trx) => {
        await trx
          .insertInto('heatmap_pages')
          .values({ site_id: siteId, pattern, created_at: now })
          .onConflict((oc) => oc.columns(['site_id', 'pattern']).doNothing())
          .execute();
        const page = await trx
          .selectFrom('heatmap_pages')
          .select('id')
          .where('site_id', '=', siteId)
          .where('pattern', '=', pattern)
          .executeTakeFirstOrThrow();
        const values = {
          page_id: Number(page.id),
          device,
          captured_at: snap.capturedAt,
          source: snap.source,
          width: Math.round(snap.width),
          height: Math.round(snap.height),
          snapshot_id: snap.snapshotId,
          wrapped_key: snap.wrappedKey,
          master_key_id: snap.masterKeyId,
          payload: snap.payload,
        };
        const { page_id: _p, device: _d, ...changes } = values;
        await trx
          .insertInto('heatmap_snapshots')
          .values(values)
          .onConflict((oc) => oc.columns(['page_id', 'device']).doUpdateSet(changes))
          .execute();
      });
    },

    async snapshot(pageId, device) {
      const r = await db
        .selectFrom('heatmap_snapshots')
        .selectAll()
        .where('page_id', '=', pageId)
        .where('device', '=', device)
        .executeTakeFirst();
      if (!r) return undefined;
      return {
        capturedAt: Number(r.captured_at),
        source: r.source === 'heatmap' ? 'heatmap' : 'replay',
        width: Number(r.width),
        height: Number(r.height),
        snapshotId: r.snapshot_id,
        wrappedKey: r.wrapped_key,
        masterKeyId: r.master_key_id,
        payload: r.payload,
      } satisfies SnapshotRecord;
    },
  };
}
