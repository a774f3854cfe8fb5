import { randomUUID } from 'node:crypto';
import type { AlertSinkBody, AlertSinkView } from '@veil/core';
import type { EnvelopeCipher } from '../crypto/EnvelopeCipher.js';
import { VeilError } from '../errors/VeilError.js';
import type { AlertSinkRecord } from '../storage/alerts/AlertSinkRepository.js';
import { openSinkSecret, type SinkSecret, sealSinkSecret } from './sinkSecretBox.js';

export {
  type AlertSinkBody,
  type AlertSinkView,
  alertSinkBodySchema,
  alertSinkViewSchema,
  MIN_SIGNING_SECRET_CHARS,
} from '@veil/core';

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
