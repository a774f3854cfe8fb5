import { createHash, randomBytes } from 'node:crypto';

/** Random bytes of every cookie session token and API token. */
const TOKEN_BYTES = 32;
const API_TOKEN_PREFIX = 'veil_';
const TOKEN_BODY = /^[A-Za-z0-9_-]{43}$/;

/** The value of a `veil_session` cookie: 32 random bytes, base64url. Only its hash is stored. */
export function newSessionToken(): string {
  return randomBytes(TOKEN_BYTES).toString('base64url');
}

/** An API token, `veil_` + 32 random bytes base64url. Only its hash is stored. */
export function newApiToken(): string {
  return `${API_TOKEN_PREFIX}${randomBytes(TOKEN_BYTES).toString('base64url')}`;
}

export function isSessionTokenShaped(value: string): boolean {
  return TOKEN_BODY.test(value);
}

export function isApiTokenShaped(value: string): boolean {
  return value.startsWith(API_TOKEN_PREFIX) && TOKEN_BODY.test(value.slice(API_TOKEN_PREFIX.length));
}

/** SHA-256 hex: tokens are high-entropy, so a fast hash is the right lookup key. */
export function tokenHash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
