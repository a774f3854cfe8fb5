import { z } from 'zod';
import { deviceClassSchema } from '../wire/deviceClass.js';

/**
 * The answers of the funnel and top-paths endpoints (`/api/v1/sites/{siteKey}/funnel`, `/paths`),
 * in one place: the server declares them on its routes, the dashboard decodes with them.
 */

/** `Funnel` of docs/signals.md. */
export const funnelResponseSchema = z
  .object({
    from: z.number().int(),
    to: z.number().int(),
    k: z.number().int(),
    minCohort: z.number().int().describe('distinct visitors the first step needs before anything is shown'),
    segment: z.object({
      device: deviceClassSchema.nullable(),
      tag: z.object({ key: z.string(), value: z.string() }).nullable(),
    }),
    cohortShown: z.boolean(),
    suppressed: z.number().int(),
    steps: z.array(
      z.object({
        pattern: z.string(),
        click: z.string().nullable(),
        sessions: z.number().int().nullable(),
        conversion: z.number().nullable(),
        dropOff: z.number().int().nullable(),
      }),
    ),
  })
  .meta({ id: 'Funnel' });
export type FunnelResponse = z.output<typeof funnelResponseSchema>;

/** `TopPaths` of docs/signals.md. */
export const topPathsResponseSchema = z
  .object({
    page: z.string(),
    direction: z.enum(['after', 'before']),
    from: z.number().int(),
    to: z.number().int(),
    k: z.number().int(),
    minCohort: z.number().int().describe('distinct visitors the page needs before anything is shown'),
    cohortShown: z.boolean(),
    sessions: z.number().int().describe('sessions that visited the page (0 when the cohort is withheld)'),
    suppressed: z.number().int(),
    paths: z.array(z.object({ page: z.string(), sessions: z.number().int() })),
  })
  .meta({ id: 'TopPaths' });
export type TopPathsResponse = z.output<typeof topPathsResponseSchema>;
