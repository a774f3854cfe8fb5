import type {} from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Clock } from '../clock.js';
import type { VeilConfig } from '../config/config.js';
import type { Store } from '../storage/Store.js';
import { csrfTokenFor } from './csrf.js';
import { AUTH_SESSION_MAX_MS, CSRF_COOKIE, SESSION_COOKIE } from './principal.js';
import { newSessionToken, tokenHash } from './secrets.js';

export function secureCookie(config: VeilConfig, request: FastifyRequest): boolean {
  return (
    config.secureCookies === 'always' || (config.secureCookies === 'auto' && request.protocol === 'https')
  );
}

/**
 * Starts a cookie session: stores only the token's hash, sets `veil_session` (HttpOnly,
 * SameSite=Lax so the OIDC callback's top-level redirect carries it, Secure under TLS) and the
 * readable `veil_csrf` (SameSite=Strict). Returns the CSRF token for the response body.
 */
export async function startCookieSession(
  deps: { store: Store; clock: Clock; config: VeilConfig },
  request: FastifyRequest,
  reply: FastifyReply,
  session: { userId: string; method: 'password' | 'oidc'; secondFactorAt: number | null },
): Promise<{ csrfToken: string; authSessionId: string }> {
  const token = newSessionToken();
  const now = deps.clock.now();
  const record = await deps.store.authSessions.create({
    tokenHash: tokenHash(token),
    userId: session.userId,
    createdAt: now,
    expiresAt: now + AUTH_SESSION_MAX_MS,
    secondFactorAt: session.secondFactorAt,
    method: session.method,
  });
  const secure = secureCookie(deps.config, request);
  const maxAge = Math.floor(AUTH_SESSION_MAX_MS / 1000);
  const csrfToken = csrfTokenFor(token);
  reply.setCookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'lax', path: '/', secure, maxAge });
  reply.setCookie(CSRF_COOKIE, csrfToken, { httpOnly: false, sameSite: 'strict', path: '/', secure, maxAge });
  return { csrfToken, authSessionId: record.id };
}

export function clearSessionCookies(config: VeilConfig, request: FastifyRequest, reply: FastifyReply): void {
  const secure = secureCookie(config, request);
  reply.clearCookie(SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'lax', secure });
  reply.clearCookie(CSRF_COOKIE, { path: '/', sameSite: 'strict', secure });
}

/** The CSRF token of the request's own session cookie (for `GET /auth/me`). */
export function csrfTokenOfRequest(request: FastifyRequest): string | undefined {
  const token = request.cookies?.[SESSION_COOKIE];
  return token ? csrfTokenFor(token) : undefined;
}
