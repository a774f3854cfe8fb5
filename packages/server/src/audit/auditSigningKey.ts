import {
  createHash,
  createPrivateKey,
  createPublicKey,
  type KeyObject,
  randomBytes,
  sign,
  verify,
} from 'node:crypto';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { type AuditCheckpoint, type AuditSignatureCheck, auditCheckpointPayload } from '@veil/core';

export const AUDIT_KEY_FILE_NAME = 'audit-signing.key';
/** An Ed25519 private key is a 32-byte seed. */
const SEED_BYTES = 32;
/** PKCS#8 DER of an Ed25519 private key is this prefix and the seed (RFC 8410). */
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
/** SPKI DER of an Ed25519 public key is this prefix and the 32 raw bytes. */
const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** The key that signs audit checkpoints, and the public keys trusted to have signed older ones. */
export interface AuditSigningKey {
  readonly keyId: string;
  /** 32 raw bytes, base64: what an auditor pins (`veil audit key`). */
  readonly publicKeyBase64: string;
  readonly publicKeyPem: string;
  /** `env`: VEIL_AUDIT_SIGNING_KEY; `key-file`: VEIL_AUDIT_SIGNING_KEY_FILE; `file`: the data directory's. */
  readonly origin: 'env' | 'key-file' | 'file';
  readonly created: boolean;
  readonly warnings: readonly string[];
  /** Ed25519 signature (base64) of the checkpoint's payload. */
  signCheckpoint(unsigned: Omit<AuditCheckpoint, 'signature'>): AuditCheckpoint;
  /** Accepts signatures of this key and of `trustedPublicKeys` (retired keys). */
  readonly checkSignature: AuditSignatureCheck;
}

/** Where the signing key comes from: a seed (VEIL_AUDIT_SIGNING_KEY) or a file (VEIL_AUDIT_SIGNING_KEY_FILE). */
export type AuditKeySource = Buffer | { file: string } | undefined;

/**
 * Loads the checkpoint signing key: `configured` as a seed (VEIL_AUDIT_SIGNING_KEY, base64 of a
 * 32-byte Ed25519 seed), or as a key file outside the data directory (VEIL_AUDIT_SIGNING_KEY_FILE,
 * which must exist: a missing file refuses to start rather than sign with a new key); when neither
 * is given, `audit-signing.key` in the data directory, created mode 0600 on first use and never
 * overwritten, with a warning that it lies beside the database it protects. `trustedPublicKeys`
 * (base64 of raw 32-byte public keys) are accepted for verification only, so checkpoints signed
 * before a key rotation still verify.
 */
export async function loadAuditSigningKey(
  configured: AuditKeySource,
  dataDir: string,
  trustedPublicKeys: readonly Buffer[] = [],
): Promise<AuditSigningKey> {
  if (Buffer.isBuffer(configured))
    return auditSigningKeyFromSeed(configured, 'env', false, [], trustedPublicKeys);
  if (configured) return loadExternalKeyFile(configured.file, dataDir, trustedPublicKeys);
  const file = path.join(dataDir, AUDIT_KEY_FILE_NAME);
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const beside = `${file} lies in the data directory beside the database it protects: whoever administers both can re-sign a rewritten audit log; keep the key elsewhere (VEIL_AUDIT_SIGNING_KEY_FILE, see docs/audit.md)`;
  try {
    const seed = randomBytes(SEED_BYTES);
    await writeFile(file, `${seed.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
    return auditSigningKeyFromSeed(seed, 'file', true, [beside], trustedPublicKeys);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const { seed, warnings } = await readSeedFile(file);
  return auditSigningKeyFromSeed(seed, 'file', false, [...warnings, beside], trustedPublicKeys);
}

async function loadExternalKeyFile(
  file: string,
  dataDir: string,
  trustedPublicKeys: readonly Buffer[],
): Promise<AuditSigningKey> {
  let loaded: { seed: Buffer; warnings: string[] };
  try {
    loaded = await readSeedFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    throw new Error(
      `VEIL_AUDIT_SIGNING_KEY_FILE: ${file} does not exist; create it with \`umask 077; openssl rand -base64 32 > ${file}\` (refusing to sign with a new key)`,
    );
  }
  const relative = path.relative(path.resolve(dataDir), path.resolve(file));
  if (!relative.startsWith('..') && !path.isAbsolute(relative)) {
    loaded.warnings.push(
      `VEIL_AUDIT_SIGNING_KEY_FILE ${file} lies inside the data directory: keep it on other storage than the database`,
    );
  }
  return auditSigningKeyFromSeed(loaded.seed, 'key-file', false, loaded.warnings, trustedPublicKeys);
}

/** Reads a base64 seed file, refusing anything but 32 bytes; warns when others may read it. */
async function readSeedFile(file: string): Promise<{ seed: Buffer; warnings: string[] }> {
  const seed = Buffer.from((await readFile(file, 'utf8')).trim(), 'base64');
  if (seed.length !== SEED_BYTES) {
    throw new Error(
      `${file} does not hold the base64 of a ${SEED_BYTES}-byte Ed25519 seed; refusing to start`,
    );
  }
  const warnings: string[] = [];
  const mode = (await stat(file)).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    warnings.push(`${file} is readable by other users (mode ${mode.toString(8)}); run chmod 600 on it`);
  }
  return { seed, warnings };
}

export function auditSigningKeyFromSeed(
  seed: Buffer,
  origin: AuditSigningKey['origin'],
  created: boolean,
  warnings: string[],
  trustedPublicKeys: readonly Buffer[] = [],
): AuditSigningKey {
  const privateKey = createPrivateKey({
    key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]),
    format: 'der',
    type: 'pkcs8',
  });
  const publicKey = createPublicKey(privateKey);
  const raw = rawPublicKey(publicKey);
  const keyId = auditKeyId(raw);
  const trusted = new Map<string, KeyObject>([[keyId, publicKey]]);
  for (const other of trustedPublicKeys) trusted.set(auditKeyId(other), publicKeyFromRaw(other));
  return {
    keyId,
    publicKeyBase64: raw.toString('base64'),
    publicKeyPem: publicKey.export({ format: 'pem', type: 'spki' }).toString(),
    origin,
    created,
    warnings,
    signCheckpoint(unsigned) {
      if (unsigned.keyId !== keyId) throw new Error('checkpoint names another key');
      const signature = sign(null, Buffer.from(auditCheckpointPayload(unsigned), 'utf8'), privateKey);
      return { ...unsigned, signature: signature.toString('base64') };
    },
    checkSignature: checkerFor(trusted),
  };
}

/** A signature check against public keys only (offline verification of an export). */
export function auditSignatureCheckFor(publicKeys: readonly Buffer[]): AuditSignatureCheck {
  return checkerFor(new Map(publicKeys.map((raw) => [auditKeyId(raw), publicKeyFromRaw(raw)])));
}

function checkerFor(trusted: ReadonlyMap<string, KeyObject>): AuditSignatureCheck {
  return (checkpoint, payload) => {
    const key = trusted.get(checkpoint.keyId);
    if (!key || typeof checkpoint.signature !== 'string') return false;
    try {
      return verify(null, Buffer.from(payload, 'utf8'), key, Buffer.from(checkpoint.signature, 'base64'));
    } catch {
      return false;
    }
  };
}

/** First 16 hex digits of SHA-256 over the 32 raw public-key bytes. */
export function auditKeyId(rawPublic: Buffer): string {
  return createHash('sha256').update(rawPublic).digest('hex').slice(0, 16);
}

export function publicKeyFromRaw(raw: Buffer): KeyObject {
  if (raw.length !== 32) throw new Error('an Ed25519 public key has 32 bytes');
  return createPublicKey({ key: Buffer.concat([SPKI_ED25519_PREFIX, raw]), format: 'der', type: 'spki' });
}

function rawPublicKey(key: KeyObject): Buffer {
  return key.export({ format: 'der', type: 'spki' }).subarray(SPKI_ED25519_PREFIX.length);
}
