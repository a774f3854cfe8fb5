import {
  DEVICE_CLASSES,
  MS_PER_DAY,
  pagePattern,
  type SegmentFilter,
  unsupportedSegmentFilter,
  utcDay,
} from '@veil/core';
import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';
import { VeilError } from '../errors/VeilError.js';
import {
  attentionHeatmapSchema,
  clickHeatmapSchema,
  DEFAULT_HEATMAP_RANGE_DAYS,
  type heatmapFilterQuery,
  heatmapPageQuery,
  heatmapPagesQuery,
  heatmapPagesSchema,
  heatmapSnapshotSchema,
  MAX_HEATMAP_RANGE_DAYS,
  scrollHeatmapSchema,
  snapshotQuery,
} from '../heatmap/heatmapApiSchemas.js';
import {
  attentionHeatmap,
  clickHeatmap,
  type HeatmapQuery,
  heatmapPages,
  scrollHeatmap,
} from '../heatmap/heatmapQueries.js';
import { openSnapshot } from '../heatmap/representativeSnapshots.js';
import { addRoute } from '../http/addRoute.js';
import { errorResponses } from '../http/errorResponses.js';
import type { SiteRecord } from '../storage/sites/SiteRepository.js';
import { siteKeyParams } from './siteRoutes.js';

const TAGS = ['heatmaps'];

/**
 * Heatmaps (`heatmaps:read`, which the analyst role has): pages, clicks (with rage and dead),
 * scroll depth, attention and the page's representative snapshot. Every figure comes from the
 * aggregates of the range's released days (`heatmapCohort.ts`); elements and cells fewer than k
 * sessions or k distinct visitors contributed to are withheld.
 */
export async function heatmapRoutes(app: FastifyInstance): Promise<void> {
  const { store, clock, cipher, config } = app.veil;
  const minCohort = config.heatmapMinCohort;

  const site = async (siteKey: string): Promise<SiteRecord> => {
    const found = await store.sites.findByKey(siteKey);
    if (!found) throw new VeilError('not_found', 'no site has this key');
    return found;
  };

  /** Date range and segment of a query, checked. */
  const rangeAndFilter = (q: z.output<typeof heatmapFilterQuery>) => {
    const to = q.to ?? clock.now();
    const from = q.from ?? to - (DEFAULT_HEATMAP_RANGE_DAYS - 1) * MS_PER_DAY;
    if (from > to) throw new VeilError('validation_failed', 'query.from: is after to');
    if (utcDay(to) - utcDay(from) + 1 > MAX_HEATMAP_RANGE_DAYS) {
      throw new VeilError(
        'validation_failed',
        `query.from: the range spans more than ${MAX_HEATMAP_RANGE_DAYS} days`,
      );
    }
    if ((q.tagKey === undefined) !== (q.tagValue === undefined)) {
      throw new VeilError('validation_failed', 'query.tagKey: tagKey and tagValue come together');
    }
    const filter: SegmentFilter = {
      visitor: q.visitor,
      referrer: q.referrer,
      region: q.region,
      tag: q.tagKey !== undefined && q.tagValue !== undefined ? [q.tagKey, q.tagValue] : undefined,
    };
    const unsupported = unsupportedSegmentFilter(filter);
    if (unsupported) throw new VeilError('validation_failed', `query.tagKey: ${unsupported}`);
    return { from, to, fromDay: utcDay(from), toDay: utcDay(to), filter };
  };

  const pageQuery = async (siteKey: string, q: z.output<typeof heatmapPageQuery>) => {
    const s = await site(siteKey);
    const r = rangeAndFilter(q);
    const pattern = pagePattern(q.page, s.policy.heatmapPagePatterns);
    // A pattern as listed (`/orders/:id`) is itself; a path (`/orders/123`) is grouped into its own.
    const known = (await store.heatmaps.pageId(s.id, q.page)) !== undefined ? q.page : pattern;
    const query: HeatmapQuery = {
      siteId: s.id,
      pattern: known,
      devices: [q.device],
      fromDay: r.fromDay,
      toDay: r.toDay,
      filter: r.filter,
      k: s.policy.heatmapMinSessions,
      minCohort,
    };
    return {
      query,
      head: { page: known, device: q.device, from: r.from, to: r.to, k: query.k, minCohort },
    };
  };

  const pageDoc = (summary: string, description: string, schema: z.ZodType) => ({
    summary,
    description,
    tags: TAGS,
    responses: { 200: { description: summary, schema }, ...errorResponses(400, 401, 403, 404, 422) },
  });

  addRoute(app, {
    method: 'GET',
    url: '/api/v1/sites/:siteKey/heatmaps/pages',
    permission: 'heatmaps:read',
    site: 'siteKey',
    params: siteKeyParams,
    querystring: heatmapPagesQuery,
    doc: pageDoc(
      'Pages with heatmap data',
      'Page patterns by page views over the released days of the range; pages fewer than k sessions visited, or below the minimum cohort on one of those days, are left out. Days below VEIL_HEATMAP_MIN_COHORT distinct visitors in a device class of the segment (or in the rest of it) are left out and named in withheldDays; refused (422 cohort_too_small) when no day is left.',
      heatmapPagesSchema,
    ),
    handler: async ({ params, query }) => {
      const s = await site(params.siteKey);
      const r = rangeAndFilter(query);
      const k = s.policy.heatmapMinSessions;
      const devices = query.device ? [query.device] : DEVICE_CLASSES;
      const result = await heatmapPages(store, {
        siteId: s.id,
        devices,
        fromDay: r.fromDay,
        toDay: r.toDay,
        filter: r.filter,
        k,
        minCohort,
      });
      return { ...result, k, minCohort };
    },
  });

  addRoute(app, {
    method: 'GET',
    url: '/api/v1/sites/:siteKey/heatmaps/clicks',
    permission: 'heatmaps:read',
    site: 'siteKey',
    params: siteKeyParams,
    querystring: heatmapPageQuery,
    doc: pageDoc(
      'Click heatmap of a page (with rage and dead clicks)',
      'Elements ranked by clicks with their relative click grids, and page cells; from the aggregates.',
      clickHeatmapSchema,
    ),
    handler: async ({ params, query }) => {
      const { query: q, head } = await pageQuery(params.siteKey, query);
      const result = await clickHeatmap(store, q);
      if (!result) throw new VeilError('not_found', 'no heatmap data for this page');
      return { ...head, ...result };
    },
  });

  addRoute(app, {
    method: 'GET',
    url: '/api/v1/sites/:siteKey/heatmaps/scroll',
    permission: 'heatmaps:read',
    site: 'siteKey',
    params: siteKeyParams,
    querystring: heatmapPageQuery,
    doc: pageDoc(
      'Scroll depth of a page',
      'The share of page views that reached each depth, and the average fold.',
      scrollHeatmapSchema,
    ),
    handler: async ({ params, query }) => {
      const { query: q, head } = await pageQuery(params.siteKey, query);
      const result = await scrollHeatmap(store, q);
      if (!result) throw new VeilError('not_found', 'no heatmap data for this page');
      return { ...head, ...result };
    },
  });

  addRoute(app, {
    method: 'GET',
    url: '/api/v1/sites/:siteKey/heatmaps/attention',
    permission: 'heatmaps:read',
    site: 'siteKey',
    params: siteKeyParams,
    querystring: heatmapPageQuery,
    doc: pageDoc('Attention on a page', 'Pointer dwell by page cell and by element.', attentionHeatmapSchema),
    handler: async ({ params, query }) => {
      const { query: q, head } = await pageQuery(params.siteKey, query);
      const result = await attentionHeatmap(store, q);
      if (!result) throw new VeilError('not_found', 'no heatmap data for this page');
      return { ...head, ...result };
    },
  });

  addRoute(app, {
    method: 'GET',
    url: '/api/v1/sites/:siteKey/heatmaps/snapshot',
    permission: 'heatmaps:read',
    site: 'siteKey',
    params: siteKeyParams,
    querystring: snapshotQuery,
    doc: pageDoc(
      "A page's representative snapshot",
      'The newest text-free layout of the page for the device class (every text masked, attribute values dropped). Untrusted replay data: rebuild it only in a sandboxed iframe without allow-scripts.',
      heatmapSnapshotSchema,
    ),
    handler: async ({ params, query }) => {
      const s = await site(params.siteKey);
      const pattern =
        (await store.heatmaps.pageId(s.id, query.page)) !== undefined
          ? query.page
          : pagePattern(query.page, s.policy.heatmapPagePatterns);
      const pageId = await store.heatmaps.pageId(s.id, pattern);
      const record = pageId === undefined ? undefined : await store.heatmaps.snapshot(pageId, query.device);
      if (!record) throw new VeilError('not_found', 'no layout of this page for this device class yet');
      const node = await openSnapshot(cipher, record);
      return {
        page: pattern,
        device: query.device,
        capturedAt: record.capturedAt,
        source: record.source,
        width: record.width,
        height: record.height,
        node,
      };
    },
  });
}
