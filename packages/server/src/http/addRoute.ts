import type { FastifyInstance, FastifyReply, FastifyRequest, HTTPMethods } from 'fastify';
import type { z } from 'zod';
import { parseOrThrow } from '../errors/validationError.js';
import type { RouteDoc, RoutePermission } from './routePermission.js';
import type { RouteSiteScope } from './siteScope.js';

type Out<S> = S extends z.ZodType ? z.output<S> : undefined;

export interface RouteInput<P, Q, B> {
  params: Out<P>;
  query: Out<Q>;
  body: Out<B>;
  request: FastifyRequest;
  reply: FastifyReply;
}

/**
 * One JSON route of the route table: its permission, its site scope, its documentation, and zod schemas that both
 * validate the input (a `validation_failed` envelope naming the field) and feed the OpenAPI document.
 */
export interface JsonRoute<
  P extends z.ZodType | undefined,
  Q extends z.ZodType | undefined,
  B extends z.ZodType | undefined,
> {
  method: HTTPMethods;
  url: string;
  permission: RoutePermission;
  /** How the route finds the site of what it touches; `global` for routes of no site (and public ones). */
  site: RouteSiteScope;
  /** See `FastifyContextConfig.allowPendingSecondFactor`. */
  allowPendingSecondFactor?: boolean;
  doc: Omit<RouteDoc, 'params' | 'querystring' | 'body'>;
  params?: P;
  querystring?: Q;
  body?: B;
  handler(input: RouteInput<P, Q, B>): Promise<unknown>;
}

export function addRoute<
  P extends z.ZodType | undefined = undefined,
  Q extends z.ZodType | undefined = undefined,
  B extends z.ZodType | undefined = undefined,
>(app: FastifyInstance, route: JsonRoute<P, Q, B>): void {
  app.route({
    method: route.method,
    url: route.url,
    config: {
      permission: route.permission,
      site: route.site,
      allowPendingSecondFactor: route.allowPendingSecondFactor === true,
      openapi: { ...route.doc, params: route.params, querystring: route.querystring, body: route.body },
    },
    handler: async (request, reply) => {
      const params = (
        route.params ? parseOrThrow(route.params, request.params, 'path') : undefined
      ) as Out<P>;
      const query = (
        route.querystring ? parseOrThrow(route.querystring, request.query, 'query') : undefined
      ) as Out<Q>;
      const body = (route.body ? parseOrThrow(route.body, request.body ?? {}, 'body') : undefined) as Out<B>;
      return route.handler({ params, query, body, request, reply });
    },
  });
}
