import { z } from 'zod';
import type { EnvelopeCipher } from '../crypto/EnvelopeCipher.js';

/** The secret part of a sink: never stored in clear, never returned by the API. */
export const sinkSecretSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('webhook'), url: z.string(), signingSecret: z.string() }),
  z.object({ type: z.literal('email'), password: z.string().nullable() }),
]);
export type SinkSecret = z.infer<typeof sinkSecretSchema>;

/**
 * Sink secrets at rest: sealed (AES-256-GCM) under a data key of their own, wrapped by the master
 * key and bound to the sink (`alert-sink:<id>`), so a database copy holds no usable webhook URL,
 * signing secret or SMTP password, and a box moved to another sink does not open.
 * Layout: `u16 length of the wrapped key | wrapped key | sealed JSON`.
 */
export function sealSinkSecret(cipher: EnvelopeCipher, sinkId: string, secret: SinkSecret): Buffer {
  const place = `alert-sink:${sinkId}`;
  const { wrappedKey } = cipher.newWrappedDataKey(place);
  const key = cipher.unwrapDataKey(place, wrappedKey);
  try {
    const sealed = cipher.sealTitle(key, place, JSON.stringify(secret));
    const length = Buffer.alloc(2);
    length.writeUInt16BE(wrappedKey.length);
    return Buffer.concat([length, wrappedKey, sealed]);
  } finally {
    key.fill(0);
  }
}

/** Throws when the box was tampered with, moved to another sink, or sealed under another master key. */
export function openSinkSecret(cipher: EnvelopeCipher, sinkId: string, box: Buffer): SinkSecret {
  const place = `alert-sink:${sinkId}`;
  const length = box.readUInt16BE(0);
  const key = cipher.unwrapDataKey(place, box.subarray(2, 2 + length));
  try {
    return sinkSecretSchema.parse(JSON.parse(cipher.openTitle(key, place, box.subarray(2 + length))));
  } finally {
    key.fill(0);
  }
}
