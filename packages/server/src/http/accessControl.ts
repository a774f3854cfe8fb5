import type {} from '@fastify/cookie';
import { roleHasPermission } from '@veil/core';
import type { FastifyInstance, RouteOptions } from 'fastify';
import { authenticate, bearerFromHeader } from '../auth/authenticate.js';
import { csrfTokenMatches, SAFE_METHODS } from '../auth/csrf.js';
import { CSRF_HEADER, canSeeSite, type Principal, SESSION_COOKIE } from '../auth/principal.js';
import type { Clock } from '../clock.js';
import { VeilError } from '../errors/VeilError.js';
import type { Store } from '../storage/Store.js';
import { isRoutePermission, type RouteDoc, type RoutePermission } from './routePermission.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by access control on every non-public route. */
    principal?: Principal;
  }
}

/** One registered route as the route table and the OpenAPI document see it. */
export interface RegisteredRoute {
  method: string;
  url: string;
  permission: RoutePermission;
  doc: RouteDoc | undefined;
}

/**
 * Every route declares `config.permission`. A route without a valid one stops the server at
 * startup; on each request the caller is authenticated (bearer token first, then the session
 * cookie), cookie-authenticated writes must carry the CSRF token, a session that owes its second
 * factor reaches only the sign-in routes, the role is checked against core's `ROLE_PERMISSIONS`,
 * and a `:siteKey` in the path must be one of the caller's sites — all before the body is read.
 * Returns the live route table.
 */
export function installAccessControl(
  app: FastifyInstance,
  deps: { store: Store; clock: Clock },
): RegisteredRoute[] {
  const routes: RegisteredRoute[] = [];

  app.addHook('onRoute', (route: RouteOptions) => {
    const permission = route.config?.permission;
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    if (!isRoutePermission(permission)) {
      throw new Error(
        `route ${methods.join(',')} ${route.url} declares no valid config.permission; it would be denied`,
      );
    }
    for (const method of methods)
      routes.push({ method, url: route.url, permission, doc: route.config?.openapi });
  });

  app.addHook('onRequest', async (request) => {
    if (request.is404) return;
    const permission = request.routeOptions.config.permission;
    if (permission === 'public') return;
    if (!isRoutePermission(permission)) throw new VeilError('forbidden', 'this route is not open to anyone');
    const principal = await authenticate(
      {
        bearer: bearerFromHeader(request.headers.authorization),
        sessionCookie: request.cookies?.[SESSION_COOKIE],
      },
      deps.store,
      deps.clock,
    );
    if (!principal) throw new VeilError('unauthenticated', 'log in or send an API token');
    const config = request.routeOptions.config;
    // Cookie sessions are ambient credentials: writes must prove they come from Veil's own pages.
    if (principal.kind === 'user' && !SAFE_METHODS.has(request.method)) {
      const header = request.headers[CSRF_HEADER];
      const sessionCookie = request.cookies?.[SESSION_COOKIE] ?? '';
      if (!csrfTokenMatches(sessionCookie, typeof header === 'string' ? header : undefined)) {
        throw new VeilError('csrf_failed', `send the session's CSRF token in the X-CSRF-Token header`);
      }
    }
    if (
      principal.kind === 'user' &&
      principal.secondFactor === 'pending' &&
      !config.allowPendingSecondFactor
    ) {
      throw new VeilError(
        'second_factor_required',
        principal.totpEnabled
          ? 'enter the code of your authenticator app first (POST /api/v1/auth/totp/verify)'
          : 'your role requires two-factor authentication: enrol first (POST /api/v1/auth/totp/setup)',
      );
    }
    if (permission !== 'authenticated' && !roleHasPermission(principal.role, permission)) {
      throw new VeilError('forbidden', `your role lacks the ${permission} permission`);
    }
    request.principal = principal;
    // A site in the path is checked here once for every route: a caller restricted to some sites
    // finds no other (404, as if it did not exist).
    const siteKey = (request.params as Record<string, unknown> | undefined)?.siteKey;
    if (typeof siteKey === 'string' && principal.sites !== 'all') {
      const site = await deps.store.sites.findByKey(siteKey);
      if (site && !canSeeSite(principal, site.id)) throw new VeilError('not_found', 'no site has this key');
    }
  });

  return routes;
}
