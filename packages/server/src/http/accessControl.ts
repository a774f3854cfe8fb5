import type {} from '@fastify/cookie';
import { roleHasPermission } from '@veil/core';
import type { FastifyInstance, RouteOptions } from 'fastify';
import { authenticate, bearerFromHeader } from '../auth/authenticate.js';
import { csrfTokenMatches, SAFE_METHODS } from '../auth/csrf.js';
import { CSRF_HEADER, type Principal, SESSION_COOKIE } from '../auth/principal.js';
import type { Clock } from '../clock.js';
import { VeilError } from '../errors/VeilError.js';
import { parseOrThrow } from '../errors/validationError.js';
import type { Store } from '../storage/Store.js';
import { isRoutePermission, type RouteDoc, type RoutePermission } from './routePermission.js';
import { enforceSiteScope, isRouteSiteScope, type RouteSiteScope, siteScopeMismatch } from './siteScope.js';

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
  /** Absent only on public routes (no caller to scope). */
  site: RouteSiteScope | undefined;
  doc: RouteDoc | undefined;
}

/**
 * Every route declares `config.permission`, and every non-public route `config.site` (how its
 * site is found, see `RouteSiteScope`). A route without a valid declaration stops the server at
 * startup; on each request the caller is authenticated (bearer token first, then the session
 * cookie), cookie-authenticated writes must carry the CSRF token, a session that owes its second
 * factor reaches only the sign-in routes, the role is checked against core's `ROLE_PERMISSIONS`,
 * and the route's site scope is enforced (a `:siteKey` or a loaded object of another site answers
 * 404, as if it did not exist) — all before the body is read.
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
    const site = route.config?.site;
    if (site === undefined && permission !== 'public') {
      throw new Error(
        `route ${methods.join(',')} ${route.url} declares no config.site; say how its site is found (or 'global')`,
      );
    }
    if (site !== undefined) {
      if (!isRouteSiteScope(site))
        throw new Error(`route ${methods.join(',')} ${route.url} declares an invalid config.site`);
      const mismatch = permission === 'public' ? undefined : siteScopeMismatch(route.url, site);
      if (mismatch) throw new Error(`route ${methods.join(',')} ${route.url} ${mismatch}`);
    }
    for (const method of methods)
      routes.push({ method, url: route.url, permission, site, doc: route.config?.openapi });
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
    const site = config.site;
    if (!isRouteSiteScope(site)) throw new VeilError('forbidden', 'this route declares no site scope');
    // Malformed path and query input is refused (400) before any object is looked up.
    const doc = config.openapi;
    if (doc?.params) parseOrThrow(doc.params, request.params, 'path');
    if (doc?.querystring) parseOrThrow(doc.querystring, request.query, 'query');
    await enforceSiteScope(site, principal, (request.params ?? {}) as Record<string, unknown>, deps.store);
  });

  return routes;
}
