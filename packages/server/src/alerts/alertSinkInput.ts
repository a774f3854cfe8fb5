import { randomUUID } from 'node:crypto';
import { alertSinkNameSchema, INBOX_SINK } from '@veil/core';
import { z } from 'zod';
import type { EnvelopeCipher } from '../crypto/EnvelopeCipher.js';
import { VeilError } from '../errors/VeilError.js';
import type { AlertSinkRecord } from '../storage/alerts/AlertSinkRepository.js';
import { openSinkSecret, type SinkSecret, sealSinkSecret } from './sinkSecretBox.js';

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

export function sinkView(sink: AlertSinkRecord): AlertSinkView {
  const base = {
    id: sink.id,
    name: sink.name,
    type: sink.type,
    enabled: sink.enabled,
    hasSecret: true,
    createdAt: sink.createdAt,
    updatedAt: sink.updatedAt,
  };
  if (sink.type === 'webhook') {
    return {
      ...base,
      urlHost: sink.settings.urlHost,
      host: null,
      port: null,
      secure: null,
      from: null,
      to: [],
      username: null,
    };
  }
  const s = sink.settings;
  return {
    ...base,
    urlHost: null,
    host: s.host,
    port: s.port,
    secure: s.secure,
    from: s.from,
    to: s.to,
    username: s.username,
  };
}

/**
 * The record a body makes: a new sink (`previous` undefined) or the replacement of `previous`
 * (secrets not given are kept; a webhook must name its URL and signing secret when created or
 * when its type changes).
 */
export function sinkFromBody(
  cipher: EnvelopeCipher,
  siteId: string,
  body: AlertSinkBody,
  now: number,
  previous?: AlertSinkRecord,
): AlertSinkRecord {
  const id = previous?.id ?? randomUUID();
  const old: SinkSecret | undefined = previous
    ? openSinkSecret(cipher, previous.id, previous.secretBox)
    : undefined;
  const common = {
    id,
    siteId,
    name: body.name,
    enabled: body.enabled,
    createdAt: previous?.createdAt ?? now,
    updatedAt: now,
  };
  if (body.type === 'webhook') {
    const url = body.url ?? (old?.type === 'webhook' ? old.url : undefined);
    const signingSecret = body.signingSecret ?? (old?.type === 'webhook' ? old.signingSecret : undefined);
    if (!url) throw new VeilError('validation_failed', 'body.url: a webhook sink needs its URL');
    if (!signingSecret)
      throw new VeilError('validation_failed', 'body.signingSecret: a webhook sink needs a signing secret');
    return {
      ...common,
      type: 'webhook',
      settings: { urlHost: new URL(url).host },
      secretBox: sealSinkSecret(cipher, id, { type: 'webhook', url, signingSecret }),
    };
  }
  const password = body.password ?? (old?.type === 'email' ? old.password : null);
  return {
    ...common,
    type: 'email',
    settings: {
      host: body.host,
      port: body.port,
      secure: body.secure,
      from: body.from,
      to: body.to,
      username: body.username,
    },
    secretBox: sealSinkSecret(cipher, id, { type: 'email', password: password ?? null }),
  };
}
