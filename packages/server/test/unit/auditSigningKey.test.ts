import { generateKeyPairSync, sign } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { auditCheckpointPayload } from '@veil/core';
import { afterAll, describe, expect, it } from 'vitest';
import {
  AUDIT_KEY_FILE_NAME,
  auditKeyId,
  auditSignatureCheckFor,
  loadAuditSigningKey,
} from '../../src/audit/auditSigningKey.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});
async function tempDir() {
  const d = await mkdtemp(path.join(tmpdir(), 'veil-audit-key-'));
  dirs.push(d);
  return d;
}

describe('loadAuditSigningKey', () => {
  it('creates a 0600 key file once and loads the same key afterwards', async () => {
    const dir = await tempDir();
    const first = await loadAuditSigningKey(undefined, dir);
    expect(first).toMatchObject({ origin: 'file', created: true });
    expect((await stat(path.join(dir, AUDIT_KEY_FILE_NAME))).mode & 0o777).toBe(0o600);
    const again = await loadAuditSigningKey(undefined, dir);
    expect(again).toMatchObject({ origin: 'file', created: false, keyId: first.keyId });
    expect((await readFile(path.join(dir, AUDIT_KEY_FILE_NAME), 'utf8')).trim()).toMatch(
      /^[A-Za-z0-9+/]{43}=$/,
    );
  });

  it('signs checkpoints that verify with the public key alone', async () => {
    const key = await loadAuditSigningKey(Buffer.alloc(32, 7), await tempDir());
    expect(key.origin).toBe('env');
    const cp = key.signCheckpoint({ seq: 100, hash: 'a'.repeat(64), at: 1, keyId: key.keyId });
    const { signature: _s, ...unsigned } = cp;
    const payload = auditCheckpointPayload(unsigned);
    expect(key.checkSignature(cp, payload)).toBe(true);
    const offline = auditSignatureCheckFor([Buffer.from(key.publicKeyBase64, 'base64')]);
    expect(offline(cp, payload)).toBe(true);
    expect(offline({ ...cp, seq: 101 }, auditCheckpointPayload({ ...unsigned, seq: 101 }))).toBe(false);
    expect(offline({ ...cp, signature: 'garbage' }, payload)).toBe(false);
    expect(key.publicKeyPem).toContain('BEGIN PUBLIC KEY');
  });

  it('trusts retired public keys for verification only', async () => {
    const old = generateKeyPairSync('ed25519');
    const oldRaw = old.publicKey.export({ format: 'der', type: 'spki' }).subarray(12);
    const key = await loadAuditSigningKey(Buffer.alloc(32, 9), await tempDir(), [oldRaw]);
    const unsigned = { seq: 100, hash: 'b'.repeat(64), at: 2, keyId: auditKeyId(oldRaw) };
    const payload = auditCheckpointPayload(unsigned);
    const signature = sign(null, Buffer.from(payload), old.privateKey).toString('base64');
    expect(key.checkSignature({ ...unsigned, signature }, payload)).toBe(true);
    expect(() => key.signCheckpoint(unsigned)).toThrow(/another key/);
  });

  it('refuses a damaged key file', async () => {
    const dir = await tempDir();
    await writeFile(path.join(dir, AUDIT_KEY_FILE_NAME), 'short\n', { mode: 0o600 });
    await expect(loadAuditSigningKey(undefined, dir)).rejects.toThrow(/refusing to start/);
  });
});
