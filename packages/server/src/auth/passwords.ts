import { randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import type { PasswordHashingOptions } from '../config/config.js';

export const MIN_PASSWORD_LENGTH = 8;
export const MAX_PASSWORD_LENGTH = 1024;

/** An argon2id PHC string (`$argon2id$v=19$m=…`); argon2id is the library's default algorithm. */
export function hashPassword(password: string, options: PasswordHashingOptions): Promise<string> {
  return hash(password, {
    memoryCost: options.memoryCost,
    timeCost: options.timeCost,
    parallelism: options.parallelism,
  });
}

/** False for a wrong password and for anything that is not a valid argon2 hash. */
export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  if (!passwordHash.startsWith('$argon2id$')) return false;
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

/** A generated password: 24 characters of base64url (144 random bits). */
export function generatePassword(): string {
  return randomBytes(18).toString('base64url');
}
