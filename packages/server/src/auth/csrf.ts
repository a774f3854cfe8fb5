import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * The CSRF token of a cookie session: derived from the session token (one-way), so it needs no
 * storage, changes with every login, and reveals nothing about the session token. Cookie-auth
 * writes must echo it in `X-CSRF-Token` (a synchroniser token; the `veil_csrf` cookie only carries
 * it to the dashboard's script).
 */
export function csrfTokenFor(sessionToken: string): string {
  return createHash('sha256').update(`veil-csrf\n${sessionToken}`, 'utf8').digest('base64url');
}

export function csrfTokenMatches(sessionToken: string, presented: string | undefined): boolean {
  if (presented === undefined) return false;
  const expected = Buffer.from(csrfTokenFor(sessionToken));
  const given = Buffer.from(presented);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Methods that never change state and need no CSRF token. */
export const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);
