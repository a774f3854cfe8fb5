import { z } from 'zod';
import { contentErasureReceiptSchema, contentScanSchema } from '../incidents/contentScans.js';
import { incidentSchema } from '../incidents/incidents.js';

/**
 * The envelopes of the exposure-incident and content-scan endpoints (docs/incidents.md): the server
 * declares its routes with them, the dashboard decodes with them. `incidentDetailSchema` is
 * `GET /incidents/{id}`.
 */

/** `GET /sites/{siteKey}/incidents`. */
export const incidentListResponseSchema = z.object({ incidents: z.array(incidentSchema) });
/** `POST /sites/{siteKey}/incidents`, `POST …/incidents/{id}/decision`. */
export const incidentEnvelopeSchema = z.object({ incident: incidentSchema });
/** `POST /sites/{siteKey}/content-scans`, `GET …/content-scans/{id}`. */
export const contentScanEnvelopeSchema = z.object({ scan: contentScanSchema });
/** `GET /sites/{siteKey}/content-scans`. */
export const contentScanListResponseSchema = z.object({ scans: z.array(contentScanSchema) });
/** `POST /sites/{siteKey}/content-scans/{id}/erase`. */
export const contentErasureResponseSchema = z.object({
  scan: contentScanSchema,
  receipt: contentErasureReceiptSchema,
});
