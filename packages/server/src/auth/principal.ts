import type { Role } from '@veil/core';

/** The sites a caller may see: every site, or only these site ids. */
export type SiteScope = 'all' | readonly string[];

/**
 * Where a user session stands with its second factor: passed (`verified`), owed (`pending`: only
 * the sign-in routes are open), or not asked of this user (`not_required`).
 */
export type SecondFactorState = 'verified' | 'pending' | 'not_required';

/** Who is calling: a logged-in user (cookie) or an API token (bearer). */
export type Principal =
  | {
      kind: 'user';
      userId: string;
      email: string;
      role: Role;
      authSessionId: string;
      sites: SiteScope;
      method: 'password' | 'oidc';
      secondFactor: SecondFactorState;
      /** Whether the user has confirmed TOTP (else a pending session must enrol). */
      totpEnabled: boolean;
    }
  | { kind: 'token'; tokenId: string; name: string; role: Role; sites: SiteScope; expiresAt: number | null };

/** The name of the cookie holding the session token. */
export const SESSION_COOKIE = 'veil_session';
/** A readable cookie holding the session's CSRF token, for the dashboard to echo in `X-CSRF-Token`. */
export const CSRF_COOKIE = 'veil_csrf';
export const CSRF_HEADER = 'x-csrf-token';
/** A cookie session ends after this long without a request. */
export const AUTH_SESSION_IDLE_MS = 12 * 60 * 60 * 1000;
/** A cookie session ends this long after login, however active. */
export const AUTH_SESSION_MAX_MS = 7 * 24 * 60 * 60 * 1000;
/** `last_seen_at` is written at most this often per session, not on every request. */
export const AUTH_SESSION_TOUCH_INTERVAL_MS = 60 * 1000;

/** True when the caller may see the site with this id. */
export function canSeeSite(principal: Principal | undefined, siteId: string): boolean {
  if (!principal) return false;
  return principal.sites === 'all' || principal.sites.includes(siteId);
}
