import type { FastifyReply } from 'fastify';

/** How long a browser may cache a preflight answer, in seconds. */
export const PREFLIGHT_MAX_AGE_S = 600;

/**
 * Lets `origin` read the response. Credentials are never allowed: ingest and site configuration
 * need no cookies. `Vary: Origin` keeps shared caches from mixing answers. `Retry-After` is not a
 * CORS-safelisted header: without `Access-Control-Expose-Headers` the recorder could not read it
 * on a 503 or 429 and would fall back to its own exponential back-off.
 */
export function allowOrigin(reply: FastifyReply, origin: string | undefined): void {
  reply.header('Vary', 'Origin');
  if (origin === undefined) return;
  reply.header('Access-Control-Allow-Origin', origin);
  reply.header('Access-Control-Expose-Headers', 'Retry-After');
}

export function preflightHeaders(
  reply: FastifyReply,
  origin: string,
  methods: string,
  headers: string,
): void {
  allowOrigin(reply, origin);
  reply.header('Access-Control-Allow-Methods', methods);
  reply.header('Access-Control-Allow-Headers', headers);
  reply.header('Access-Control-Max-Age', String(PREFLIGHT_MAX_AGE_S));
}
