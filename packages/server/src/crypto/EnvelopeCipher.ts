import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/** AES-256 key length. */
export const KEY_BYTES = 32;
/** GCM nonce length recommended by NIST SP 800-38D. */
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** First byte of every sealed value: the layout `version | iv | ciphertext | tag`. */
const FORMAT_VERSION = 1;
const CHECK_PLAINTEXT = Buffer.from('veil master key check', 'utf8');

export interface WrappedDataKey {
  wrappedKey: Buffer;
  /** Which master key wrapped it (a fingerprint, not the key), for later rotation. */
  masterKeyId: string;
}

export class DecryptionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DecryptionError';
  }
}

/**
 * Envelope encryption of recordings: every session has its own random AES-256-GCM data key, which
 * is stored only wrapped (AES-256-GCM) by the instance master key. Destroying the wrapped key
 * destroys the session's chunks (crypto-shredding). Associated data binds every sealed value to its
 * place: a data key to its session id, a chunk to its session id and sequence number.
 */
export class EnvelopeCipher {
  readonly masterKeyId: string;
  readonly #masterKey: Buffer;

  constructor(masterKey: Buffer) {
    if (masterKey.length !== KEY_BYTES) throw new Error(`the master key must be ${KEY_BYTES} bytes`);
    this.#masterKey = Buffer.from(masterKey);
    this.masterKeyId = createHash('sha256')
      .update('veil/master-key-id/v1')
      .update(masterKey)
      .digest('hex')
      .slice(0, 16);
  }

  /** A fresh random data key for `sessionId`, returned wrapped. */
  newWrappedDataKey(sessionId: string): WrappedDataKey {
    const dataKey = randomBytes(KEY_BYTES);
    const wrappedKey = seal(this.#masterKey, dataKey, dataKeyAad(sessionId));
    dataKey.fill(0);
    return { wrappedKey, masterKeyId: this.masterKeyId };
  }

  unwrapDataKey(sessionId: string, wrappedKey: Buffer): Buffer {
    const key = open(this.#masterKey, wrappedKey, dataKeyAad(sessionId));
    if (key.length !== KEY_BYTES) throw new DecryptionError('unwrapped data key has the wrong length');
    return key;
  }

  sealChunk(dataKey: Buffer, sessionId: string, seq: number, plaintext: Buffer): Buffer {
    return seal(dataKey, plaintext, chunkAad(sessionId, seq));
  }

  openChunk(dataKey: Buffer, sessionId: string, seq: number, sealed: Buffer): Buffer {
    return open(dataKey, sealed, chunkAad(sessionId, seq));
  }

  sealTitle(dataKey: Buffer, sessionId: string, title: string): Buffer {
    return seal(dataKey, Buffer.from(title, 'utf8'), titleAad(sessionId));
  }

  openTitle(dataKey: Buffer, sessionId: string, sealed: Buffer): string {
    return open(dataKey, sealed, titleAad(sessionId)).toString('utf8');
  }

  /** A value stored with the database that proves, at the next boot, that the same master key is in use. */
  keyCheckValue(): string {
    return seal(this.#masterKey, CHECK_PLAINTEXT, Buffer.from('veil/key-check/v1')).toString('base64');
  }

  matchesKeyCheckValue(value: string): boolean {
    try {
      return open(this.#masterKey, Buffer.from(value, 'base64'), Buffer.from('veil/key-check/v1')).equals(
        CHECK_PLAINTEXT,
      );
    } catch {
      return false;
    }
  }
}

function dataKeyAad(sessionId: string): Buffer {
  return Buffer.from(`veil/data-key/v1\0${sessionId}`, 'utf8');
}

function chunkAad(sessionId: string, seq: number): Buffer {
  return Buffer.from(`veil/chunk/v1\0${sessionId}\0${seq}`, 'utf8');
}

function titleAad(sessionId: string): Buffer {
  return Buffer.from(`veil/page-title/v1\0${sessionId}`, 'utf8');
}

function seal(key: Buffer, plaintext: Buffer, aad: Buffer): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad);
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([Buffer.of(FORMAT_VERSION), iv, body, cipher.getAuthTag()]);
}

function open(key: Buffer, sealed: Buffer, aad: Buffer): Buffer {
  if (sealed.length < 1 + IV_BYTES + TAG_BYTES || sealed[0] !== FORMAT_VERSION) {
    throw new DecryptionError('sealed value has an unknown format');
  }
  const iv = sealed.subarray(1, 1 + IV_BYTES);
  const tag = sealed.subarray(sealed.length - TAG_BYTES);
  const body = sealed.subarray(1 + IV_BYTES, sealed.length - TAG_BYTES);
  const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  decipher.setAAD(aad);
  decipher.setAuthTag(tag);
  try {
    return Buffer.concat([decipher.update(body), decipher.final()]);
  } catch {
    throw new DecryptionError('authentication failed: wrong key or tampered data');
  }
}
