import { z } from 'zod';
import { deviceClassSchema } from '../wire/deviceClass.js';

/**
 * The answers of the heatmap API (`/api/v1/sites/{siteKey}/heatmaps/…`), in one place: the server
 * declares them on its routes (and in the OpenAPI document), the dashboard decodes with them.
 */

const device = deviceClassSchema;

const range = {
  page: z.string(),
  device,
  from: z.number().int(),
  to: z.number().int(),
  k: z.number().int().describe('sessions and distinct visitors an element or cell needs before it is shown'),
  minCohort: z
    .number()
    .int()
    .describe(
      'distinct visitors each day of the answer holds (VEIL_HEATMAP_MIN_COHORT), in its segment and in the rest of it',
    ),
  withheldDays: z
    .array(z.string())
    .describe('UTC days (YYYY-MM-DD) of the range left out of the answer: fewer than minCohort visitors'),
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
    minCohort: range.minCohort,
    withheldDays: range.withheldDays,
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
    suppressed: z.object({
      elements: z.number().int(),
      cells: z.number().int(),
      gridCells: z.number().int().describe("cells of shown elements' grids withheld"),
    }),
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

export type HeatmapPagesResponse = z.output<typeof heatmapPagesSchema>;
export type ClickHeatmapResponse = z.output<typeof clickHeatmapSchema>;
export type ScrollHeatmapResponse = z.output<typeof scrollHeatmapSchema>;
export type AttentionHeatmapResponse = z.output<typeof attentionHeatmapSchema>;
export type HeatmapSnapshotResponse = z.output<typeof heatmapSnapshotSchema>;
