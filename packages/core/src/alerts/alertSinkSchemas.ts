import { z } from 'zod';
import { alertSinkNameSchema, INBOX_SINK } from './alertKinds.js';

/**
 * The alert sinks API's request and response schemas (docs/alerts.md), shared by the server's
 * routes and the dashboard. Secrets (a webhook's URL and signing secret, an SMTP password) are
 * write-only: bodies may carry them, views never do.
 */

/** Shortest webhook signing secret: shorter ones can be guessed. */
export const MIN_SIGNING_SECRET_CHARS = 16;

const sinkName = alertSinkNameSchema.refine(
  (n) => n !== INBOX_SINK,
  `"${INBOX_SINK}" is the dashboard's own`,
);
const webhookUrl = z
  .url({ protocol: /^https?$/ })
  .max(2000)
  .describe('the receiver (a Slack incoming webhook works); stored sealed, never returned');
const email = z.email().max(254);

/** A new sink, or its full replacement (`PUT`): secrets omitted on a replacement keep their value. */
export const alertSinkBodySchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('webhook'),
    name: sinkName,
    enabled: z.boolean().default(true),
    url: webhookUrl.optional(),
    signingSecret: z
      .string()
      .min(MIN_SIGNING_SECRET_CHARS)
      .max(200)
      .optional()
      .describe('HMAC-SHA256 key of the X-Veil-Signature header; stored sealed, never returned'),
  }),
  z.object({
    type: z.literal('email'),
    name: sinkName,
    enabled: z.boolean().default(true),
    host: z.string().min(1).max(253),
    port: z.number().int().min(1).max(65535),
    secure: z.boolean().default(false),
    from: email,
    to: z.array(email).min(1).max(20),
    username: z.string().min(1).max(200).nullable().default(null),
    password: z.string().max(500).optional().describe('SMTP password; stored sealed, never returned'),
  }),
]);
export type AlertSinkBody = z.infer<typeof alertSinkBodySchema>;
export type AlertSinkBodyInput = z.input<typeof alertSinkBodySchema>;

/** What the API shows of a sink: never its URL, signing secret or password. */
export const alertSinkViewSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    type: z.enum(['webhook', 'email']),
    enabled: z.boolean(),
    urlHost: z.string().nullable(),
    host: z.string().nullable(),
    port: z.number().nullable(),
    secure: z.boolean().nullable(),
    from: z.string().nullable(),
    to: z.array(z.string()),
    username: z.string().nullable(),
    hasSecret: z.boolean(),
    createdAt: z.number(),
    updatedAt: z.number(),
  })
  .meta({ id: 'AlertSink' });
export type AlertSinkView = z.infer<typeof alertSinkViewSchema>;

/** One notification to a sink: its attempts and the receiver's last answer (the delivery log). */
export const alertDeliverySchema = z
  .object({
    id: z.string(),
    sinkId: z.string(),
    sinkName: z.string().nullable(),
    kind: z.enum(['alert', 'digest']),
    alertId: z.string().nullable(),
    digestAlertIds: z.array(z.string()),
    status: z.enum(['pending', 'held', 'digested', 'delivered', 'failed']),
    attempts: z.number(),
    nextAttemptAt: z.number(),
    lastError: z.string().nullable(),
    lastResponse: z.string().nullable(),
    createdAt: z.number(),
    deliveredAt: z.number().nullable(),
  })
  .meta({ id: 'AlertDelivery' });
export type AlertDelivery = z.infer<typeof alertDeliverySchema>;
