import type { Role } from '@veil/core';

/** Who is calling: a logged-in user (cookie) or an API token (bearer). */
export type Principal =
  | { kind: 'user'; userId: string; email: string; role: Role; authSessionId: string }
  | { kind: 'token'; tokenId: string; name: string; role: Role };

/** The name of the cookie holding the session token. */
export const SESSION_COOKIE = 'veil_session';
/** A cookie session ends after this long without a request. */
export const AUTH_SESSION_IDLE_MS = 12 * 60 * 60 * 1000;
/** A cookie session ends this long after login, however active. */
export const AUTH_SESSION_MAX_MS = 7 * 24 * 60 * 60 * 1000;
/** `last_seen_at` is written at most this often per session, not on every request. */
export const AUTH_SESSION_TOUCH_INTERVAL_MS = 60 * 1000;
