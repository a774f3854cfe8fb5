import fastifyHelmet, { type FastifyHelmetOptions } from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';

/**
 * Which security headers a response gets depends on who loads it:
 * - `dashboard`: the dashboard and the JSON API, opened by Veil's own users (the default);
 * - `public`: what customer sites load cross-origin: the loader, recorder and their chunks, the
 *   site configuration, consent and banner texts (`/r/…`), and ingest (`/ingest/…`);
 * - `optOutPage`: the opt-out page (`/optout`): HTML and a form, no script at all;
 * - `demo`: the demo site (`/demo/…`), which stands for a customer's own site and runs its inline snippet.
 */
export type SecurityHeaderClass = 'dashboard' | 'public' | 'optOutPage' | 'demo';

const PUBLIC_PREFIXES = ['/r/', '/ingest/'];

/** The header class of a route, by the pattern it was registered with (or a request path). */
export function securityHeaderClassOf(url: string): SecurityHeaderClass {
  if (PUBLIC_PREFIXES.some((prefix) => url.startsWith(prefix))) return 'public';
  if (url === '/optout') return 'optOutPage';
  if (url === '/demo' || url.startsWith('/demo/')) return 'demo';
  return 'dashboard';
}

/**
 * The dashboard's Content-Security-Policy. No inline or evaluated script (the dashboard sets
 * zod's `jitless`, so not even a probe), frames only from Veil's own origin, never framed itself.
 * Replay, heatmap snapshots and the privacy preview rebuild recorded DOM in rrweb's about:blank
 * iframe, which inherits this policy on top of its own stricter one (`replayFrameCsp` in the
 * dashboard; that frame is sandboxed without scripts): rrweb writes the rebuilt page's styles
 * inline and its images as `data:`/`blob:`, hence `style-src 'unsafe-inline'`, and `data: blob:`
 * for images, fonts and media. Inline styles cannot run code.
 */
export const DASHBOARD_CSP_DIRECTIVES = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'script-src-attr': ["'none'"],
  'style-src': ["'self'", "'unsafe-inline'"],
  'img-src': ["'self'", 'data:', 'blob:'],
  'font-src': ["'self'", 'data:'],
  'media-src': ["'self'", 'data:', 'blob:'],
  'connect-src': ["'self'"],
  'frame-src': ["'self'"],
  'worker-src': ["'self'"],
  'manifest-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'none'"],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
} as const satisfies Record<string, readonly string[]>;

/**
 * The opt-out page: its own inline `<style>`, a form posting to itself, nothing else; never framed
 * (a framed opt-out button could be clickjacked).
 */
export const OPT_OUT_PAGE_CSP_DIRECTIVES = {
  'default-src': ["'none'"],
  'style-src': ["'unsafe-inline'"],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
  'base-uri': ["'none'"],
} as const satisfies Record<string, readonly string[]>;

/** Scripts and JSON for customer sites: no document of ours should ever render from them. */
export const PUBLIC_CSP_DIRECTIVES = {
  'default-src': ["'none'"],
  'frame-ancestors': ["'none'"],
} as const satisfies Record<string, readonly string[]>;

/** Headers every class shares (helmet's defaults besides these stay on: HSTS, Origin-Agent-Cluster, …). */
const COMMON = {
  // `X-Content-Type-Options: nosniff` is helmet's default; `X-Frame-Options: DENY` for browsers
  // without frame-ancestors.
  xFrameOptions: { action: 'deny' },
  // The dashboard's URLs name sites, sessions and grants: they never leave in a Referer.
  referrerPolicy: { policy: 'no-referrer' },
} as const;

function csp(directives: Record<string, readonly string[]>): FastifyHelmetOptions['contentSecurityPolicy'] {
  return {
    useDefaults: false,
    directives: Object.fromEntries(Object.entries(directives).map(([k, v]) => [k, [...v]])),
  };
}

/** Helmet's options for one class (a route's options replace the global ones key by key). */
export function helmetOptionsFor(kind: SecurityHeaderClass): FastifyHelmetOptions {
  switch (kind) {
    case 'dashboard':
      return {
        ...COMMON,
        contentSecurityPolicy: csp(DASHBOARD_CSP_DIRECTIVES),
        crossOriginResourcePolicy: { policy: 'same-origin' },
        crossOriginOpenerPolicy: { policy: 'same-origin' },
      };
    case 'optOutPage':
      return {
        ...COMMON,
        contentSecurityPolicy: csp(OPT_OUT_PAGE_CSP_DIRECTIVES),
        crossOriginResourcePolicy: { policy: 'same-origin' },
        crossOriginOpenerPolicy: { policy: 'same-origin' },
      };
    case 'public':
      // Loaded by customer pages from their own origins: `<script src>` is a no-cors load that
      // `same-origin` would block; CORS (`Access-Control-Allow-Origin`, set per route) still
      // decides who may read a response.
      return {
        ...COMMON,
        contentSecurityPolicy: csp(PUBLIC_CSP_DIRECTIVES),
        crossOriginResourcePolicy: { policy: 'cross-origin' },
        crossOriginOpenerPolicy: false,
      };
    case 'demo':
      // A stand-in for a customer's site: its pages run the inline snippet, and replay frames
      // in the dashboard fetch its styles and images (same origin).
      return {
        ...COMMON,
        contentSecurityPolicy: false,
        xFrameOptions: { action: 'sameorigin' },
        crossOriginResourcePolicy: { policy: 'same-origin' },
        crossOriginOpenerPolicy: { policy: 'same-origin' },
      };
  }
}

/**
 * Security headers on every response, by `@fastify/helmet`: each route gets the options of its
 * class (`securityHeaderClassOf` its URL pattern); anything without a route (a 404 before routing)
 * gets the dashboard's. Must be installed before the routes are registered.
 */
export async function installSecurityHeaders(app: FastifyInstance): Promise<void> {
  app.addHook('onRoute', (route) => {
    // Read by helmet's own onRoute hook, which runs after this one.
    route.helmet = helmetOptionsFor(securityHeaderClassOf(route.url));
  });
  await app.register(fastifyHelmet, { global: true, ...helmetOptionsFor('dashboard') });
  app.addHook('onSend', async (request, reply, payload) => {
    if (request.url.startsWith('/api/') && !reply.hasHeader('Cache-Control'))
      reply.header('Cache-Control', 'no-store');
    return payload;
  });
}
