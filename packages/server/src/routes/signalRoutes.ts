import { kAnonymousOverview, MS_PER_DAY, signalOverviewSchema, utcDay } from '@veil/core';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { VeilError } from '../errors/VeilError.js';
import { DEFAULT_HEATMAP_RANGE_DAYS, MAX_HEATMAP_RANGE_DAYS } from '../heatmap/heatmapApiSchemas.js';
import { addRoute } from '../http/addRoute.js';
import { errorResponses } from '../http/errorResponses.js';
import { siteKeyParams } from './siteRoutes.js';

const ms = z.coerce.number().int().nonnegative();

const overviewQuery = z.object({
  from: ms
    .optional()
    .describe('sessions whose first batch arrived at or after (ms); default 30 days before `to`'),
  to: ms.optional().describe('… at or before (ms); default now'),
});

/**
 * The site overview of frustration (`heatmaps:read`: an aggregate, which the analyst role has):
 * each signal's trend per day and the pages with most frustrated sessions, from the counts and
 * page views kept at ingest, with the heatmaps' k-anonymity (the policy's `heatmapMinSessions`).
 */
export async function signalRoutes(app: FastifyInstance): Promise<void> {
  const { store, clock } = app.veil;

  addRoute(app, {
    method: 'GET',
    url: '/api/v1/sites/:siteKey/signals/overview',
    permission: 'heatmaps:read',
    site: 'siteKey',
    params: siteKeyParams,
    querystring: overviewQuery,
    doc: {
      summary: 'Frustration signals per day and the pages with most frustration (k-anonymous)',
      tags: ['signals'],
      responses: {
        200: { description: 'The overview', schema: signalOverviewSchema },
        ...errorResponses(400, 401, 403, 404),
      },
    },
    handler: async ({ params, query }) => {
      const site = await store.sites.findByKey(params.siteKey);
      if (!site) throw new VeilError('not_found', 'no site has this key');
      const to = query.to ?? clock.now();
      const from = query.from ?? to - DEFAULT_HEATMAP_RANGE_DAYS * MS_PER_DAY;
      if (from > to) throw new VeilError('validation_failed', 'query.from: is after to');
      if (utcDay(to) - utcDay(from) + 1 > MAX_HEATMAP_RANGE_DAYS)
        throw new VeilError(
          'validation_failed',
          `query.from: the range spans more than ${MAX_HEATMAP_RANGE_DAYS} days`,
        );
      const { days, pages } = await store.signals.overview(site.id, from, to);
      return {
        from,
        to,
        ...kAnonymousOverview({
          from,
          to,
          days,
          pages,
          k: site.policy.heatmapMinSessions,
          sitePatterns: site.policy.heatmapPagePatterns,
        }),
      };
    },
  });
}
