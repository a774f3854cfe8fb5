import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadMasterKey, MASTER_KEY_FILE_NAME } from '../../src/crypto/masterKey.js';
import { makeTempDir } from '../support/tempDir.js';

describe('loadMasterKey', () => {
  const temps: (() => void)[] = [];
  afterEach(() => {
    for (const remove of temps.splice(0)) remove();
  });
  const dataDir = () => {
    const t = makeTempDir();
    temps.push(t.remove);
    return path.join(t.dir, 'data');
  };

  it('creates a 0600 key file on first use and reads it afterwards', async () => {
    const dir = dataDir();
    const first = await loadMasterKey(undefined, dir);
    expect(first).toMatchObject({ origin: 'file', created: true, warnings: [] });
    expect(first.key).toHaveLength(32);
    const file = path.join(dir, MASTER_KEY_FILE_NAME);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(Buffer.from(readFileSync(file, 'utf8').trim(), 'base64').equals(first.key)).toBe(true);
    const second = await loadMasterKey(undefined, dir);
    expect(second.created).toBe(false);
    expect(second.key.equals(first.key)).toBe(true);
  });

  it('prefers the configured key and never writes a file then', async () => {
    const dir = dataDir();
    const key = Buffer.alloc(32, 4);
    expect(await loadMasterKey(key, dir)).toEqual({ key, origin: 'env', created: false, warnings: [] });
    expect(() => statSync(path.join(dir, MASTER_KEY_FILE_NAME))).toThrow();
  });

  it('warns about a readable key file and refuses a corrupt one', async () => {
    const dir = dataDir();
    await loadMasterKey(undefined, dir);
    const file = path.join(dir, MASTER_KEY_FILE_NAME);
    chmodSync(file, 0o644);
    expect((await loadMasterKey(undefined, dir)).warnings[0]).toContain('chmod 600');
    writeFileSync(file, 'too short');
    await expect(loadMasterKey(undefined, dir)).rejects.toThrow(/refusing to start/);
  });
});
