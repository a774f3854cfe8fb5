import {
  deviceClassSchema,
  type FunnelStep,
  funnelResponseSchema,
  funnelRest,
  kAnonymousFunnel,
  kAnonymousPaths,
  MAX_ELEMENT_PATH_CHARS,
  MAX_FUNNEL_STEPS,
  MS_PER_DAY,
  topPathsResponseSchema,
  utcDay,
} from '@veil/core';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { VeilError } from '../errors/VeilError.js';
import { DEFAULT_HEATMAP_RANGE_DAYS, MAX_HEATMAP_RANGE_DAYS } from '../heatmap/heatmapApiSchemas.js';
import { addRoute } from '../http/addRoute.js';
import { errorResponses } from '../http/errorResponses.js';
import { siteKeyParams } from './siteRoutes.js';

const TAGS = ['funnels'];
const ms = z.coerce.number().int().nonnegative();
export const pagePatternParam = z
  .string()
  .trim()
  .min(1)
  .max(300)
  .regex(/^\//, 'is not a page pattern (starts with /)');

const elementPath = z.string().trim().min(1).max(MAX_ELEMENT_PATH_CHARS);

export const clickParams = Object.fromEntries(
  Array.from({ length: MAX_FUNNEL_STEPS }, (_, i) => [
    `click.${i}`,
    elementPath
      .optional()
      .describe(`step ${i} (0-based) also needs a click on this element path on its page`),
  ]),
) as Record<`click.${number}`, z.ZodOptional<typeof elementPath>>;

const segment = {
  device: deviceClassSchema.optional().describe('only sessions of this device class'),
  tagKey: z
    .string()
    .min(1)
    .max(64)
    .optional()
    .describe('only sessions tagged with this key (and `tagValue`)'),
  tagValue: z.string().min(1).max(500).optional(),
};

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
      z.array(pagePatternParam).min(2).max(MAX_FUNNEL_STEPS),
    )
    .describe('the steps in order, one `step=` per step: page patterns (`/`, `/item/:id`, `/checkout/**`)'),
  ...clickParams,
  ...segment,
  ...range,
});

const pathsQuery = z.object({
  page: pagePatternParam.describe('the page pattern to look around'),
  direction: z.enum(['after', 'before']).default('after'),
  ...range,
});

// The response schemas live in @veil/core (api/funnels.ts): the dashboard decodes with them.

/**
 * A funnel's steps from its `step` patterns and `click.N` parameters (as the funnel route and the
 * session list read them); a click on a step that does not exist is `validation_failed`.
 */
export function funnelStepsOf(patterns: readonly string[], query: object): FunnelStep[] {
  const clicks = query as Record<string, unknown>;
  for (const key of Object.keys(clicks))
    if (key.startsWith('click.') && clicks[key] !== undefined && Number(key.slice(6)) >= patterns.length)
      throw new VeilError('validation_failed', `query.${key}: there is no such step`);
  return patterns.map((page, i) => {
    const click = clicks[`click.${i}`];
    return { page, click: typeof click === 'string' ? click : undefined };
  });
}

/**
 * Page funnels and top paths (`heatmaps:read`: aggregates, which the analyst role has), counted
 * from the per-session page sequences kept at ingest, with the heatmaps' k-anonymity (the
 * policy's `heatmapMinSessions`) and minimum cohort.
 */
export async function funnelRoutes(app: FastifyInstance): Promise<void> {
  const { store, clock, config } = app.veil;

  const siteRange = async (siteKey: string, q: { from?: number | undefined; to?: number | undefined }) => {
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
    return { site, from, to };
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
        200: { description: 'The funnel', schema: funnelResponseSchema },
        ...errorResponses(400, 401, 403, 404),
      },
    },
    handler: async ({ params, query }) => {
      const { site, from, to } = await siteRange(params.siteKey, query);
      if ((query.tagKey === undefined) !== (query.tagValue === undefined))
        throw new VeilError('validation_failed', 'query.tagKey: tagKey and tagValue go together');
      const steps = funnelStepsOf(query.step, query);
      const tag =
        query.tagKey !== undefined && query.tagValue !== undefined
          ? { key: query.tagKey, value: query.tagValue }
          : undefined;
      const k = site.policy.heatmapMinSessions;
      const need = Math.max(k, config.heatmapMinCohort);
      const segment = { device: query.device, tag };
      // The coarser segments (each non-empty set of the segment's filters left out): each one's
      // funnel minus this one is a rest, which must not be a few visitors (`funnelRest`).
      const coarser = [
        ...(segment.device !== undefined && segment.tag !== undefined
          ? [{ device: segment.device }, { tag: segment.tag }]
          : []),
        ...(segment.device !== undefined || segment.tag !== undefined ? [{}] : []),
      ];
      // Distinct visitors are counted up to the most any figure needs (the cohort, or k); a
      // segment with rests is counted exactly, its coarser segments up to its most plus that.
      const reach = await store.signals.funnelReach(
        site.id,
        from,
        to,
        steps,
        segment,
        coarser.length > 0 ? 2 ** 31 - 1 : need,
      );
      const enough = Math.max(0, ...reach.visitors) + need;
      const rests = await Promise.all(
        coarser.map(async (c) =>
          funnelRest(reach, await store.signals.funnelReach(site.id, from, to, steps, c, enough)),
        ),
      );
      const funnel = kAnonymousFunnel(steps, reach, k, config.heatmapMinCohort, rests);
      return { from, to, segment: { device: query.device ?? null, tag: tag ?? null }, ...funnel };
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
        200: { description: 'Top paths', schema: topPathsResponseSchema },
        ...errorResponses(400, 401, 403, 404),
      },
    },
    handler: async ({ params, query }) => {
      const { site, from, to } = await siteRange(params.siteKey, query);
      const k = site.policy.heatmapMinSessions;
      const reach = await store.signals.pathReach(
        site.id,
        from,
        to,
        query.page,
        query.direction,
        site.policy.heatmapPagePatterns,
        k,
        Math.max(k, config.heatmapMinCohort),
      );
      const result = kAnonymousPaths(reach, k, config.heatmapMinCohort);
      return { page: query.page, direction: query.direction, from, to, ...result };
    },
  });
}
