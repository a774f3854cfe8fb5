import { timingSafeEqual } from 'node:crypto';
import { roleRequiresSecondFactor } from '@veil/core';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import type { OidcIdentity } from '../auth/oidc/OidcClient.js';
import { OidcStartThrottle } from '../auth/oidc/OidcStartThrottle.js';
import { type SsoRefusal, ssoAccount } from '../auth/oidc/ssoAccount.js';
import { tokenHash } from '../auth/secrets.js';
import { secureCookie, startCookieSession } from '../auth/sessionCookies.js';
import { VeilError } from '../errors/VeilError.js';
import { addRoute } from '../http/addRoute.js';
import { errorResponses } from '../http/errorResponses.js';

const STATE_COOKIE = 'veil_oidc_state';
const STATE_COOKIE_PATH = '/api/v1/auth/oidc';
/** A login must come back from the provider within this long. */
export const OIDC_LOGIN_TTL_MS = 10 * 60 * 1000;
/** Why an SSO login was refused, as the dashboard shows it (`/?sso_error=…`). */
type SsoError = SsoRefusal | 'sso_expired' | 'sso_locked';

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Single sign-on with OpenID Connect (authorization code + PKCE, `openid-client`). The groups claim
 * decides role and sites at every login (VEIL_OIDC_ROLE_MAP, first match wins); users in no mapped
 * group are refused. The account rules (owner never re-roled, linking only where an admin allowed
 * it) are `ssoAccount`'s.
 */
export async function oidcRoutes(app: FastifyInstance): Promise<void> {
  const { store, clock, config, audit, oidc } = app.veil;

  const startThrottle = new OidcStartThrottle(clock);
  const backToLogin = (reply: FastifyReply, error: SsoError) => reply.redirect(`/?sso_error=${error}`, 303);

  addRoute(app, {
    method: 'GET',
    url: '/api/v1/auth/oidc/start',
    permission: 'public',
    site: 'global',
    doc: {
      summary: 'Start single sign-on: redirects to the identity provider',
      tags: ['auth'],
      responses: { 302: { description: 'To the provider' }, ...errorResponses(404, 429, 503) },
    },
    handler: async ({ request, reply }) => {
      if (!oidc) throw new VeilError('not_found', 'single sign-on is not configured');
      // Each start stores a pending login: limited per client address and in all (`OidcStartThrottle`).
      if (!startThrottle.tryStart(request.ip))
        throw new VeilError('too_many_requests', 'too many single sign-on starts; try again in a minute');
      let begun: Awaited<ReturnType<typeof oidc.begin>>;
      try {
        begun = await oidc.begin();
      } catch (error) {
        request.log.warn({ err: error }, 'OpenID provider discovery failed');
        throw new VeilError('unavailable', 'the identity provider does not answer');
      }
      const { url, pending } = begun;
      await store.oidcLogins.deleteOlderThan(clock.now() - OIDC_LOGIN_TTL_MS);
      await store.oidcLogins.put({
        stateHash: tokenHash(pending.state),
        nonce: pending.nonce,
        codeVerifier: pending.codeVerifier,
        createdAt: clock.now(),
      });
      reply.setCookie(STATE_COOKIE, pending.state, {
        httpOnly: true,
        sameSite: 'lax',
        path: STATE_COOKIE_PATH,
        secure: secureCookie(config, request),
        maxAge: OIDC_LOGIN_TTL_MS / 1000,
      });
      return reply.redirect(url.href, 302);
    },
  });

  addRoute(app, {
    method: 'GET',
    url: '/api/v1/auth/oidc/callback',
    permission: 'public',
    site: 'global',
    querystring: z.object({ state: z.string().max(200).optional() }).loose(),
    doc: {
      summary: 'Where the identity provider sends the browser back; signs in and redirects to the dashboard',
      tags: ['auth'],
      responses: {
        303: { description: 'To the dashboard (`/?sso_error=…` when refused)' },
        ...errorResponses(404),
      },
    },
    handler: async ({ query, request, reply }) => {
      if (!oidc) throw new VeilError('not_found', 'single sign-on is not configured');
      const cookieState = request.cookies?.[STATE_COOKIE];
      reply.clearCookie(STATE_COOKIE, { path: STATE_COOKIE_PATH });
      if (!cookieState || !query.state || !sameText(cookieState, query.state))
        return backToLogin(reply, 'sso_failed');
      const pending = await store.oidcLogins.take(tokenHash(query.state));
      if (!pending) return backToLogin(reply, 'sso_failed');
      if (clock.now() - pending.createdAt > OIDC_LOGIN_TTL_MS) return backToLogin(reply, 'sso_expired');

      let identity: OidcIdentity;
      try {
        const callbackUrl = new URL(oidc.settings.redirectUri);
        callbackUrl.search = new URL(request.url, 'http://x').search;
        identity = await oidc.finish(callbackUrl, { state: query.state, ...pending });
      } catch (error) {
        request.log.warn({ err: error }, 'OpenID Connect login failed');
        return backToLogin(reply, 'sso_failed');
      }

      const account = await ssoAccount(app.veil, identity, oidc.settings.roleRules);
      if ('refused' in account) return backToLogin(reply, account.refused);
      const { user } = account;
      if (user.lockedUntil !== null && user.lockedUntil > clock.now())
        return backToLogin(reply, 'sso_locked');

      const providerMfa = oidc.settings.trustProviderMfa && identity.providerMfa;
      const secondFactorAt = providerMfa ? clock.now() : null;
      await startCookieSession(app.veil, request, reply, { userId: user.id, method: 'oidc', secondFactorAt });
      const needs = user.totpEnabledAt !== null || roleRequiresSecondFactor(user.role);
      await audit.record({
        action: 'auth.login_succeeded',
        actor: { type: 'user', id: user.id, label: user.email },
        target: { type: 'user', id: user.id },
        details: {
          method: 'oidc',
          groups: identity.groups,
          secondFactor: providerMfa ? 'verified' : needs ? 'pending' : 'not_required',
        },
      });
      return reply.redirect('/', 303);
    },
  });
}
