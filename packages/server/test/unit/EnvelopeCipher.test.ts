import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DecryptionError, EnvelopeCipher } from '../../src/crypto/EnvelopeCipher.js';

describe('EnvelopeCipher', () => {
  const cipher = new EnvelopeCipher(randomBytes(32));
  const plaintext = Buffer.from('gzip bytes would be here');

  it('round-trips a chunk through a wrapped per-session key', () => {
    const { wrappedKey, masterKeyId } = cipher.newWrappedDataKey('session-a');
    expect(masterKeyId).toBe(cipher.masterKeyId);
    expect(wrappedKey.length).toBe(1 + 12 + 32 + 16);
    const key = cipher.unwrapDataKey('session-a', wrappedKey);
    const sealed = cipher.sealChunk(key, 'session-a', 3, plaintext);
    expect(sealed.includes(plaintext)).toBe(false);
    expect(cipher.openChunk(key, 'session-a', 3, sealed)).toEqual(plaintext);
    expect(cipher.openTitle(key, 'session-a', cipher.sealTitle(key, 'session-a', 'Café'))).toBe('Café');
  });

  it('uses a fresh key per session and a fresh nonce per seal', () => {
    const a = cipher.unwrapDataKey('s1', cipher.newWrappedDataKey('s1').wrappedKey);
    const b = cipher.unwrapDataKey('s2', cipher.newWrappedDataKey('s2').wrappedKey);
    expect(a.equals(b)).toBe(false);
    expect(cipher.sealChunk(a, 's1', 0, plaintext).equals(cipher.sealChunk(a, 's1', 0, plaintext))).toBe(
      false,
    );
  });

  it('binds a chunk to its session and sequence number, and a key to its session', () => {
    const { wrappedKey } = cipher.newWrappedDataKey('session-a');
    const key = cipher.unwrapDataKey('session-a', wrappedKey);
    const sealed = cipher.sealChunk(key, 'session-a', 1, plaintext);
    expect(() => cipher.openChunk(key, 'session-a', 2, sealed)).toThrow(DecryptionError);
    expect(() => cipher.openChunk(key, 'session-b', 1, sealed)).toThrow(DecryptionError);
    expect(() => cipher.unwrapDataKey('session-b', wrappedKey)).toThrow(DecryptionError);
    const tampered = Buffer.from(sealed);
    tampered[20] = (tampered[20] ?? 0) ^ 1;
    expect(() => cipher.openChunk(key, 'session-a', 1, tampered)).toThrow(DecryptionError);
    expect(() => cipher.openChunk(key, 'session-a', 1, Buffer.from([9, 9, 9]))).toThrow(DecryptionError);
  });

  it('cannot unwrap with another master key, and its key check tells them apart', () => {
    const other = new EnvelopeCipher(randomBytes(32));
    const { wrappedKey } = cipher.newWrappedDataKey('s');
    expect(() => other.unwrapDataKey('s', wrappedKey)).toThrow(DecryptionError);
    expect(cipher.matchesKeyCheckValue(cipher.keyCheckValue())).toBe(true);
    expect(other.matchesKeyCheckValue(cipher.keyCheckValue())).toBe(false);
    expect(other.matchesKeyCheckValue('garbage')).toBe(false);
    expect(other.masterKeyId).not.toBe(cipher.masterKeyId);
  });

  it('refuses a master key of the wrong length', () => {
    expect(() => new EnvelopeCipher(Buffer.alloc(16))).toThrow();
  });
});
