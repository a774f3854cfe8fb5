import { bucketId, bucketOfId, type DeviceClass, ELEMENT_GRID_CELLS, TILE_CELLS } from '@veil/core';
import type { Kysely } from 'kysely';
import { addBlobToDense, type DenseCounts, denseCounts } from '../../heatmap/countsBlob.js';
import {
  ATTENTION_METRICS,
  CLICK_METRICS,
  ELEMENT_GRID_METRICS,
  ELEMENT_STATS_METRICS,
  SCROLL_METRICS,
} from '../../heatmap/heatmapDeltas.js';
import { decodeVisitorBitmap } from '../../heatmap/visitorBitmap.js';
import { decodeVisitorSets, type VisitorSets } from '../../heatmap/visitorSets.js';
import type { Database } from '../Database.js';
import type {
  DayCohort,
  ElementStats,
  HeatmapRepository,
  PageSummary,
  PageTotals,
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
  | 'tiles'
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
        .select(['p.pattern', 't.device', 't.bucket', 't.sessions', 't.visitors'])
        .where('p.site_id', '=', siteId)
        .where('t.device', 'in', [...sel.devices])
        .where('t.segment', '=', sel.segment)
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
          device: r.device as DeviceClass,
          day: bucketOfId(Number(r.bucket)).startDay,
          sessions: Number(r.sessions),
          visitors: decodeVisitorBitmap(r.visitors),
        }),
      );
    },

    async elements(pageId, sel) {
      if (sel.buckets.length === 0 || sel.devices.length === 0) return [];
      const rows = await db
        .selectFrom('heatmap_element_stats')
        .select(['element_id', 'stats', 'grid', 'visitors'])
        .where('page_id', '=', pageId)
        .where('device', 'in', [...sel.devices])
        .where('segment', '=', sel.segment)
        .where('bucket', 'in', [...sel.buckets])
        .execute();
      if (rows.length === 0) return [];
      const byId = new Map<number, { stats: DenseCounts; grid: DenseCounts; visitors: VisitorSets }>();
      for (const r of rows) {
        const id = Number(r.element_id);
        let e = byId.get(id);
        if (!e) {
          e = {
            stats: denseCounts(1, ELEMENT_STATS_METRICS.length),
            grid: denseCounts(ELEMENT_GRID_CELLS ** 2, ELEMENT_GRID_METRICS.length),
            visitors: new Map(),
          };
          byId.set(id, e);
        }
        addBlobToDense(r.stats, e.stats);
        addBlobToDense(r.grid, e.grid);
        decodeVisitorSets(r.visitors, e.visitors);
      }
      const paths = await db
        .selectFrom('heatmap_elements')
        .select(['id', 'path'])
        .where('page_id', '=', pageId)
        .execute();
      const out: ElementStats[] = [];
      for (const p of paths) {
        const e = byId.get(Number(p.id));
        if (!e) continue;
        const [clicks, sessions, rage, rageSessions, dead, deadSessions, attentionMs, attentionSessions] =
          e.stats.values;
        out.push({
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
      return out;
    },

    async tiles(pageId, kind, sel) {
      const out = new Map<number, TileCounts>();
      const metrics = kind === 0 ? CLICK_METRICS.length : ATTENTION_METRICS.length;
      if (sel.buckets.length === 0 || sel.devices.length === 0) return out;
      const rows = await db
        .selectFrom('heatmap_tiles')
        .select(['tile', 'counts', 'visitors'])
        .where('page_id', '=', pageId)
        .where('device', 'in', [...sel.devices])
        .where('segment', '=', sel.segment)
        .where('kind', '=', kind)
        .where('bucket', 'in', [...sel.buckets])
        .execute();
      for (const r of rows) {
        const tile = Number(r.tile);
        let counts = out.get(tile);
        if (!counts) {
          counts = { ...denseCounts(TILE_CELLS * TILE_CELLS, metrics), visitors: new Map() };
          out.set(tile, counts);
        }
        addBlobToDense(r.counts, counts);
        decodeVisitorSets(r.visitors, counts.visitors);
      }
      return out;
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
