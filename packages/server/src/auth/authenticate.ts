import { roleRequiresSecondFactor, roleWithin } from '@veil/core';
import type { Clock } from '../clock.js';
import type { Store } from '../storage/Store.js';
import {
  AUTH_SESSION_IDLE_MS,
  AUTH_SESSION_TOUCH_INTERVAL_MS,
  type Principal,
  type SecondFactorState,
  type SiteScope,
} from './principal.js';
import { isApiTokenShaped, isSessionTokenShaped, tokenHash } from './secrets.js';

export interface Credentials {
  /** The value after `Bearer ` in the Authorization header, if any. */
  bearer: string | undefined;
  /** The `veil_session` cookie, if any. */
  sessionCookie: string | undefined;
}

/**
 * Resolves the caller from a bearer token (checked first) or the session cookie. Expired cookie
 * sessions (idle or absolute) are deleted on sight; revoked and expired tokens are unknown.
 * Returns `undefined` for anything unknown.
 */
export async function authenticate(
  credentials: Credentials,
  store: Store,
  clock: Clock,
): Promise<Principal | undefined> {
  const now = clock.now();
  if (credentials.bearer !== undefined) {
    if (!isApiTokenShaped(credentials.bearer)) return undefined;
    const token = await store.apiTokens.findActiveByHash(tokenHash(credentials.bearer));
    if (!token) return undefined;
    if (token.expiresAt !== null && now >= token.expiresAt) return undefined;
    if (token.lastUsedAt === null || now - token.lastUsedAt >= AUTH_SESSION_TOUCH_INTERVAL_MS) {
      await store.apiTokens.touch(token.id, now);
    }
    let sites: SiteScope = token.allSites ? 'all' : await store.apiTokens.siteIds(token.id);
    // A token never carries more than its creator holds now: demoting the creator below the
    // token's role stops it, narrowing the creator's sites narrows it (deleting revokes it). The
    // creator's role and sites come in one read (users joined with user_sites).
    if (token.createdBy !== null) {
      const creator = await store.users.scopeOf(token.createdBy);
      if (!creator || !roleWithin(token.role, creator.role)) return undefined;
      if (!creator.allSites) {
        const held = new Set(creator.siteIds);
        sites = sites === 'all' ? [...held] : sites.filter((id) => held.has(id));
      }
    }
    return {
      kind: 'token',
      tokenId: token.id,
      name: token.name,
      role: token.role,
      sites,
      expiresAt: token.expiresAt,
    };
  }
  const cookie = credentials.sessionCookie;
  if (cookie === undefined || !isSessionTokenShaped(cookie)) return undefined;
  const found = await store.authSessions.findByTokenHash(tokenHash(cookie));
  if (!found) return undefined;
  const { session, user } = found;
  if (now >= session.expiresAt || now - session.lastSeenAt >= AUTH_SESSION_IDLE_MS) {
    await store.authSessions.delete(session.id);
    return undefined;
  }
  if (now - session.lastSeenAt >= AUTH_SESSION_TOUCH_INTERVAL_MS)
    await store.authSessions.touch(session.id, now);
  const totpEnabled = user.totpEnabledAt !== null;
  const secondFactor: SecondFactorState =
    session.secondFactorAt !== null
      ? 'verified'
      : totpEnabled || roleRequiresSecondFactor(user.role)
        ? 'pending'
        : 'not_required';
  return {
    kind: 'user',
    userId: user.id,
    email: user.email,
    role: user.role,
    authSessionId: session.id,
    sites: user.allSites ? 'all' : await store.users.siteIds(user.id),
    method: session.method,
    secondFactor,
    totpEnabled,
  };
}

/** The token of an `Authorization: Bearer …` header, or `undefined`. */
export function bearerFromHeader(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}
