import { deviceClassSchema, REFERRER_CLASSES } from '@veil/core';
import { z } from 'zod';

/** Longest date range one heatmap query may span, in days. */
export const MAX_HEATMAP_RANGE_DAYS = 400;
/** The range a query without `from` covers, in days. */
export const DEFAULT_HEATMAP_RANGE_DAYS = 30;

const ms = z.coerce.number().int().nonnegative();
const device = deviceClassSchema;

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

// The response schemas live in @veil/core (heatmapResponseSchemas.ts): the dashboard decodes with them.
export {
  attentionHeatmapSchema,
  clickHeatmapSchema,
  heatmapPagesSchema,
  heatmapSnapshotSchema,
  scrollHeatmapSchema,
} from '@veil/core';
