import { randomBytes } from 'node:crypto';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';

export const IDENTITY_SECRET_FILE_NAME = 'identity.key';
/** HMAC-SHA256 key length. */
export const IDENTITY_SECRET_BYTES = 32;

export interface IdentitySecretSource {
  secret: Buffer;
  /** `env` when VEIL_IDENTITY_SECRET was set; otherwise the key file. */
  origin: 'env' | 'file';
  created: boolean;
  warnings: string[];
}

/**
 * The instance secret that keys the hash of user ids (`veil('identify', …)`), kept like the
 * master key: `configured` (VEIL_IDENTITY_SECRET) when given, otherwise `identity.key` in
 * `dataDir`, created mode 0600 on first use and never overwritten. Without it a stored hash
 * cannot be linked back to a user id by guessing (user ids are often guessable).
 */
export async function loadIdentitySecret(
  configured: Buffer | undefined,
  dataDir: string,
): Promise<IdentitySecretSource> {
  if (configured) return { secret: configured, origin: 'env', created: false, warnings: [] };
  const file = path.join(dataDir, IDENTITY_SECRET_FILE_NAME);
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  try {
    const fresh = randomBytes(IDENTITY_SECRET_BYTES);
    await writeFile(file, `${fresh.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
    return { secret: fresh, origin: 'file', created: true, warnings: [] };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const secret = Buffer.from((await readFile(file, 'utf8')).trim(), 'base64');
  if (secret.length !== IDENTITY_SECRET_BYTES) {
    throw new Error(`${file} does not hold the base64 of ${IDENTITY_SECRET_BYTES} bytes; refusing to start`);
  }
  const warnings: string[] = [];
  const mode = (await stat(file)).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    warnings.push(`${file} is readable by other users (mode ${mode.toString(8)}); run chmod 600 on it`);
  }
  return { secret, origin: 'file', created: false, warnings };
}
