import type {} from '@fastify/cookie';
import { roleHasPermission } from '@veil/core';
import type { FastifyInstance, RouteOptions } from 'fastify';
import { authenticate, bearerFromHeader } from '../auth/authenticate.js';
import type { Principal } from '../auth/principal.js';
import { SESSION_COOKIE } from '../auth/principal.js';
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
 * cookie) and checked against core's `ROLE_PERMISSIONS` before the body is even read.
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
    if (permission !== 'authenticated' && !roleHasPermission(principal.role, permission)) {
      throw new VeilError('forbidden', `your role lacks the ${permission} permission`);
    }
    request.principal = principal;
  });

  return routes;
}
