import { funnelReach, kAnonymousFunnel, MAX_FUNNEL_STEPS, MS_PER_DAY, topPaths, utcDay } from '@veil/core';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { VeilError } from '../errors/VeilError.js';
import { DEFAULT_HEATMAP_RANGE_DAYS, MAX_HEATMAP_RANGE_DAYS } from '../heatmap/heatmapApiSchemas.js';
import { addRoute } from '../http/addRoute.js';
import { errorResponses } from '../http/errorResponses.js';
import { siteKeyParams } from './siteRoutes.js';

const TAGS = ['funnels'];
const ms = z.coerce.number().int().nonnegative();
const pattern = z.string().trim().min(1).max(300).regex(/^\//, 'is not a page pattern (starts with /)');

const range = {
  from: ms
    .optional()
    .describe('sessions whose first batch arrived at or after (ms); default 30 days before `to`'),
  to: ms.optional().describe('… at or before (ms); default now'),
};

const funnelQuery = z.object({
  step: z
    .preprocess(
      (v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]),
      z.array(pattern).min(2).max(MAX_FUNNEL_STEPS),
    )
    .describe('the steps in order, one `step=` per step: page patterns (`/`, `/item/:id`, `/checkout/**`)'),
  ...range,
});

const pathsQuery = z.object({
  page: pattern.describe('the page pattern to look around'),
  direction: z.enum(['after', 'before']).default('after'),
  ...range,
});

const funnelSchema = z
  .object({
    from: z.number().int(),
    to: z.number().int(),
    k: z.number().int(),
    cohortShown: z.boolean(),
    suppressed: z.number().int(),
    steps: z.array(
      z.object({
        pattern: z.string(),
        sessions: z.number().int().nullable(),
        conversion: z.number().nullable(),
        dropOff: z.number().int().nullable(),
      }),
    ),
  })
  .meta({ id: 'Funnel' });

const pathsSchema = z
  .object({
    page: z.string(),
    direction: z.enum(['after', 'before']),
    from: z.number().int(),
    to: z.number().int(),
    k: z.number().int(),
    sessions: z.number().int(),
    suppressed: z.number().int(),
    paths: z.array(z.object({ page: z.string(), sessions: z.number().int() })),
  })
  .meta({ id: 'TopPaths' });

/**
 * Page funnels and top paths (`heatmaps:read`: aggregates, which the analyst role has), counted
 * from the per-session page sequences kept at ingest, with the heatmaps' k-anonymity (the
 * policy's `heatmapMinSessions`) and minimum cohort.
 */
export async function funnelRoutes(app: FastifyInstance): Promise<void> {
  const { store, clock } = app.veil;

  const context = async (siteKey: string, q: { from?: number | undefined; to?: number | undefined }) => {
    const site = await store.sites.findByKey(siteKey);
    if (!site) throw new VeilError('not_found', 'no site has this key');
    const to = q.to ?? clock.now();
    const from = q.from ?? to - DEFAULT_HEATMAP_RANGE_DAYS * MS_PER_DAY;
    if (from > to) throw new VeilError('validation_failed', 'query.from: is after to');
    if (utcDay(to) - utcDay(from) + 1 > MAX_HEATMAP_RANGE_DAYS)
      throw new VeilError(
        'validation_failed',
        `query.from: the range spans more than ${MAX_HEATMAP_RANGE_DAYS} days`,
      );
    const sequences = await store.recordings.pageSequences(site.id, from, to);
    return { site, from, to, sequences, k: site.policy.heatmapMinSessions };
  };

  addRoute(app, {
    method: 'GET',
    url: '/api/v1/sites/:siteKey/funnel',
    permission: 'heatmaps:read',
    site: 'siteKey',
    params: siteKeyParams,
    querystring: funnelQuery,
    doc: {
      summary: 'Conversion and drop-off per step of a page funnel (k-anonymous)',
      tags: TAGS,
      responses: {
        200: { description: 'The funnel', schema: funnelSchema },
        ...errorResponses(400, 401, 403, 404),
      },
    },
    handler: async ({ params, query }) => {
      const { from, to, sequences, k } = await context(params.siteKey, query);
      const funnel = kAnonymousFunnel(query.step, funnelReach(sequences, query.step), k);
      return { from, to, ...funnel };
    },
  });

  addRoute(app, {
    method: 'GET',
    url: '/api/v1/sites/:siteKey/paths',
    permission: 'heatmaps:read',
    site: 'siteKey',
    params: siteKeyParams,
    querystring: pathsQuery,
    doc: {
      summary: 'The pages visited right after (or before) a page, by page pattern (k-anonymous)',
      tags: TAGS,
      responses: {
        200: { description: 'Top paths', schema: pathsSchema },
        ...errorResponses(400, 401, 403, 404),
      },
    },
    handler: async ({ params, query }) => {
      const { site, from, to, sequences, k } = await context(params.siteKey, query);
      const result = topPaths(sequences, query.page, query.direction, k, site.policy.heatmapPagePatterns);
      return { page: query.page, direction: query.direction, from, to, k, ...result };
    },
  });
}
