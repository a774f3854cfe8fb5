import { z } from 'zod';
import { alertDeliverySchema, alertSinkViewSchema } from '../alerts/alertSinkSchemas.js';
import { alertViewSchema } from '../alerts/alertView.js';

/**
 * The envelopes of the alert inbox and alert sink endpoints (docs/alerts.md): the server declares
 * its routes with them, the dashboard decodes with them.
 */

/** `GET /alerts`. */
export const alertListResponseSchema = z.object({ alerts: z.array(alertViewSchema) });
/** `GET /sites/{siteKey}/alert-sinks`. */
export const alertSinkListResponseSchema = z.object({ sinks: z.array(alertSinkViewSchema) });
/** `GET /sites/{siteKey}/alert-deliveries`. */
export const alertDeliveryListResponseSchema = z.object({ deliveries: z.array(alertDeliverySchema) });
