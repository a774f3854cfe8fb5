import { PERMISSIONS, type Permission } from '@veil/core';
import type { z } from 'zod';
import type { RouteSiteScope } from './siteScope.js';

/** What a route requires: a core permission, any logged-in caller, or nothing. */
export type RoutePermission = Permission | 'authenticated' | 'public';

export function isRoutePermission(value: unknown): value is RoutePermission {
  return (
    value === 'public' ||
    value === 'authenticated' ||
    (typeof value === 'string' && (PERMISSIONS as readonly string[]).includes(value))
  );
}

/** A response of the OpenAPI document. */
export interface ResponseDoc {
  description: string;
  schema?: z.ZodType;
  /** Defaults to `application/json` when a schema is given. */
  contentType?: string;
}

/** How a route describes itself in `/api/v1/openapi.json`. */
export interface RouteDoc {
  summary: string;
  description?: string;
  tags?: string[];
  params?: z.ZodType;
  querystring?: z.ZodType;
  body?: z.ZodType;
  /** Content types of the body other than `application/json` (ingest). */
  bodyContentTypes?: string[];
  responses: Record<number, ResponseDoc>;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Required on every route; checked at startup, enforced on every request. */
    permission?: RoutePermission;
    /**
     * How the route finds the site of what it touches (see `RouteSiteScope`). Required on every
     * non-public route: checked at startup, enforced on every request.
     */
    site?: RouteSiteScope;
    openapi?: RouteDoc;
    /**
     * Open to a user session that still owes its second factor (sign-in routes only: who am I,
     * TOTP enrolment and verification, logout). Every other route refuses such a session.
     */
    allowPendingSecondFactor?: boolean;
  }
}
