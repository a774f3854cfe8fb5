import { randomBytes } from 'node:crypto';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { KEY_BYTES } from './EnvelopeCipher.js';

export const MASTER_KEY_FILE_NAME = 'master.key';

export interface MasterKeySource {
  key: Buffer;
  /** `env` when VEIL_MASTER_KEY was set; otherwise the key file path. */
  origin: 'env' | 'file';
  created: boolean;
  warnings: string[];
}

/**
 * The instance master key: `configured` (from VEIL_MASTER_KEY) when given; otherwise the key file in
 * `dataDir`, created mode 0600 on first use (an existing file is never overwritten).
 */
export async function loadMasterKey(
  configured: Buffer | undefined,
  dataDir: string,
): Promise<MasterKeySource> {
  if (configured) return { key: configured, origin: 'env', created: false, warnings: [] };
  const file = path.join(dataDir, MASTER_KEY_FILE_NAME);
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  try {
    const fresh = randomBytes(KEY_BYTES);
    await writeFile(file, `${fresh.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
    return { key: fresh, origin: 'file', created: true, warnings: [] };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const text = (await readFile(file, 'utf8')).trim();
  const key = Buffer.from(text, 'base64');
  if (key.length !== KEY_BYTES) {
    throw new Error(`${file} does not hold the base64 of ${KEY_BYTES} bytes; refusing to start`);
  }
  const warnings: string[] = [];
  const mode = (await stat(file)).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    warnings.push(`${file} is readable by other users (mode ${mode.toString(8)}); run chmod 600 on it`);
  }
  return { key, origin: 'file', created: false, warnings };
}
