import { REFERRER_CLASSES } from '@veil/core';
import { z } from 'zod';

/** Longest date range one heatmap query may span, in days. */
export const MAX_HEATMAP_RANGE_DAYS = 400;
/** The range a query without `from` covers, in days. */
export const DEFAULT_HEATMAP_RANGE_DAYS = 30;

const ms = z.coerce.number().int().nonnegative();
const device = z.enum(['mobile', 'tablet', 'desktop']);

/** Segment and date filters every heatmap query takes. */
export const heatmapFilterQuery = z.object({
  from: ms
    .optional()
    .describe(`sessions started at or after (ms; default ${DEFAULT_HEATMAP_RANGE_DAYS} days before \`to\`)`),
  to: ms.optional().describe('sessions started at or before (ms; default now); days are UTC'),
  visitor: z.enum(['new', 'returning']).optional(),
  referrer: z.enum(REFERRER_CLASSES).optional(),
  region: z
    .string()
    .regex(/^[A-Z]{2}$/, 'is not an ISO 3166-1 alpha-2 region')
    .optional()
    .describe('the visitor country, when a region source is configured'),
  tagKey: z.string().min(1).max(100).optional().describe("a tag set by veil('tag', key, value)"),
  tagValue: z.string().max(100).optional(),
});

export const heatmapPagesQuery = heatmapFilterQuery.extend({ device: device.optional() });

export const heatmapPageQuery = heatmapFilterQuery.extend({
  page: z
    .string()
    .min(1)
    .max(2048)
    .startsWith('/', 'must be a path or page pattern')
    .describe('a page pattern (`/orders/:id`) or a path, which is grouped into its pattern'),
  device: device.default('desktop'),
});

export const snapshotQuery = z.object({
  page: heatmapPageQuery.shape.page,
  device: device.default('desktop'),
});

const range = {
  page: z.string(),
  device: device,
  from: z.number().int(),
  to: z.number().int(),
  k: z.number().int().describe('sessions an element or cell needs before it is shown'),
};

const totalsSchema = z.object({
  views: z.number().int(),
  sessions: z.number().int(),
  clicks: z.number().int(),
  rage: z.number().int(),
  dead: z.number().int(),
});

export const heatmapPagesSchema = z
  .object({
    pages: z.array(totalsSchema.extend({ pattern: z.string() })),
    suppressed: z.number().int(),
    k: z.number().int(),
  })
  .meta({ id: 'HeatmapPages' });

export const clickHeatmapSchema = z
  .object({
    ...range,
    totals: totalsSchema,
    cellPx: z.number().int(),
    elementGridCells: z.number().int(),
    elements: z.array(
      z.object({
        path: z.string().describe('CSS selector of tags, :nth-of-type() and stable ids'),
        clicks: z.number().int(),
        share: z.number(),
        sessions: z.number().int(),
        rage: z.number().int(),
        dead: z.number().int(),
        grid: z.array(z.tuple([z.number().int(), z.number().int(), z.number().int(), z.number().int()])),
      }),
    ),
    cells: z.array(
      z.tuple([z.number().int(), z.number().int(), z.number().int(), z.number().int(), z.number().int()]),
    ),
    suppressed: z.object({ elements: z.number().int(), cells: z.number().int() }),
  })
  .meta({ id: 'ClickHeatmap' });

export const scrollHeatmapSchema = z
  .object({
    ...range,
    views: z.number().int(),
    sessions: z.number().int(),
    averageFoldPx: z.number().int(),
    reach: z.array(z.number()).describe('reach[d]: share of page views that reached d % of the page'),
  })
  .meta({ id: 'ScrollHeatmap' });

export const attentionHeatmapSchema = z
  .object({
    ...range,
    totalMs: z.number().int(),
    cellPx: z.number().int(),
    cells: z.array(z.tuple([z.number().int(), z.number().int(), z.number().int()])),
    elements: z.array(
      z.object({ path: z.string(), ms: z.number().int(), share: z.number(), sessions: z.number().int() }),
    ),
    suppressed: z.object({ elements: z.number().int(), cells: z.number().int() }),
  })
  .meta({ id: 'AttentionHeatmap' });

export const heatmapSnapshotSchema = z
  .object({
    page: z.string(),
    device,
    capturedAt: z.number().int(),
    source: z.enum(['replay', 'heatmap']),
    width: z.number().int(),
    height: z.number().int(),
    node: z
      .unknown()
      .describe('rrweb serialised node tree, text-free: rebuild it only in a sandbox without scripts'),
  })
  .meta({ id: 'HeatmapSnapshot' });
