import type { EnvelopeCipher } from '../crypto/EnvelopeCipher.js';

/**
 * TOTP secrets at rest: sealed under a data key of their own, wrapped by the master key and bound
 * to the user (`totp:<userId>`), so a database copy without the master key holds no usable secret
 * and a sealed secret moved to another user's row does not open.
 * Layout: `u16 length of the wrapped key | wrapped key | sealed base64 of the secret`.
 */
export function sealTotpSecret(cipher: EnvelopeCipher, userId: string, secret: Buffer): Buffer {
  const place = `totp:${userId}`;
  const { wrappedKey } = cipher.newWrappedDataKey(place);
  const key = cipher.unwrapDataKey(place, wrappedKey);
  try {
    const sealed = cipher.sealTitle(key, place, secret.toString('base64'));
    const length = Buffer.alloc(2);
    length.writeUInt16BE(wrappedKey.length);
    return Buffer.concat([length, wrappedKey, sealed]);
  } finally {
    key.fill(0);
  }
}

/** Throws `DecryptionError` when the box was tampered with, moved, or sealed under another master key. */
export function openTotpSecret(cipher: EnvelopeCipher, userId: string, box: Buffer): Buffer {
  const place = `totp:${userId}`;
  const length = box.readUInt16BE(0);
  const key = cipher.unwrapDataKey(place, box.subarray(2, 2 + length));
  try {
    return Buffer.from(cipher.openTitle(key, place, box.subarray(2 + length)), 'base64');
  } finally {
    key.fill(0);
  }
}
