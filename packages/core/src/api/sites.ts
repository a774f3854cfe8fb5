import { z } from 'zod';

/**
 * The answers of the site endpoints (`/api/v1/sites…`), in one place: the server declares them on
 * its routes (and in the OpenAPI document), the dashboard decodes with them.
 */

/** `Site` of docs/api.md. */
export const siteSchema = z
  .object({
    siteKey: z.string(),
    name: z.string(),
    origins: z.array(z.string()),
    lawfulBasis: z.enum(['consent', 'legitimate_interest']),
    samplingPercent: z.number(),
    createdAt: z.number().int(),
  })
  .meta({ id: 'Site' });
export type SiteResponse = z.output<typeof siteSchema>;

/** `GET /sites`. */
export const sitesResponseSchema = z.object({ sites: z.array(siteSchema) });
/** `GET /sites/{siteKey}`, `POST /sites`. */
export const siteEnvelopeSchema = z.object({ site: siteSchema });
