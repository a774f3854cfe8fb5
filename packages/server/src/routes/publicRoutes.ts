import { createHash } from 'node:crypto';
import {
  effectiveLawfulBasis,
  lawfulBasisSchema,
  type PrivacyPolicy,
  policyForBrowser,
  policyResponseSchema,
} from '@veil/core';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { VeilError } from '../errors/VeilError.js';
import { addRoute } from '../http/addRoute.js';
import { allowOrigin, preflightHeaders } from '../http/cors.js';
import { errorResponses } from '../http/errorResponses.js';
import { normalizeOrigin } from '../sites/origins.js';

/** Browsers and proxies may reuse a site configuration this long, in seconds. */
export const SITE_CONFIG_MAX_AGE_S = 60;

const siteKeyParams = z.object({ siteKey: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'is not a site key') });

const siteConfigSchema = z
  .object({
    siteKey: z.string(),
    lawfulBasis: lawfulBasisSchema,
    samplingPercent: z.number(),
    policy: policyResponseSchema,
  })
  .meta({ id: 'SiteConfig' });

/**
 * The policy as pages may see it: server-only fields (IP block list, restricted regions,
 * canaries) emptied, custom patterns in their checked, bounded form (`policyForBrowser`).
 */
export function publicPolicy(policy: PrivacyPolicy): PrivacyPolicy {
  return policyForBrowser(policy);
}

function etagOf(body: string): string {
  return `"${createHash('sha256').update(body).digest('base64url').slice(0, 32)}"`;
}

function ifNoneMatchHits(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((tag) => {
    const t = tag.trim();
    return t === '*' || t === etag || t === `W/${etag}`;
  });
}

/** `/healthz`, the site configuration of the loader. */
export async function publicRoutes(app: FastifyInstance): Promise<void> {
  const { store } = app.veil;

  addRoute(app, {
    method: 'GET',
    url: '/healthz',
    permission: 'public',
    site: 'global',
    doc: {
      summary: 'Liveness and database health',
      tags: ['public'],
      responses: {
        200: {
          description: 'The process and its database answer',
          schema: z.object({ status: z.literal('ok') }),
        },
        ...errorResponses(503),
      },
    },
    handler: async ({ reply }) => {
      reply.header('Cache-Control', 'no-store');
      try {
        await store.ping();
      } catch (error) {
        reply.log.error({ err: error }, 'health check: the database does not answer');
        throw new VeilError('unavailable', 'the database does not answer');
      }
      return { status: 'ok' };
    },
  });

  addRoute(app, {
    method: 'GET',
    url: '/r/v1/sites/:siteKey/config',
    permission: 'public',
    site: 'siteKey',
    params: siteKeyParams,
    doc: {
      summary: "A site's effective capture configuration (for the loader)",
      description: `ETag with If-None-Match (304); Cache-Control max-age=${SITE_CONFIG_MAX_AGE_S}; CORS for the site's origins.`,
      tags: ['public'],
      responses: {
        200: { description: 'The configuration', schema: siteConfigSchema },
        304: { description: 'Not modified' },
        ...errorResponses(400, 404),
      },
    },
    handler: async ({ params, request, reply }) => {
      const site = await store.sites.findByKey(params.siteKey);
      const origin = normalizeOrigin(request.headers.origin);
      allowOrigin(reply, origin !== undefined && site?.origins.includes(origin) ? origin : undefined);
      if (!site) throw new VeilError('unknown_site', 'no site has this key');
      const body = JSON.stringify({
        siteKey: site.siteKey,
        // Legitimate interest only with its documented assessment; otherwise the loader waits for consent.
        lawfulBasis: effectiveLawfulBasis(site.policy),
        samplingPercent: site.policy.samplingPercent,
        policy: publicPolicy(site.policy),
      });
      const etag = etagOf(body);
      reply.header('ETag', etag).header('Cache-Control', `public, max-age=${SITE_CONFIG_MAX_AGE_S}`);
      if (ifNoneMatchHits(request.headers['if-none-match'], etag)) return reply.status(304).send();
      return reply.type('application/json; charset=utf-8').send(body);
    },
  });

  addRoute(app, {
    method: 'OPTIONS',
    url: '/r/v1/sites/:siteKey/config',
    permission: 'public',
    site: 'siteKey',
    params: siteKeyParams,
    doc: {
      summary: 'CORS preflight of the site configuration',
      tags: ['public'],
      responses: { 204: { description: "The origin is one of the site's" }, ...errorResponses(403, 404) },
    },
    handler: async ({ params, request, reply }) => {
      const site = await store.sites.findByKey(params.siteKey);
      if (!site) throw new VeilError('unknown_site', 'no site has this key');
      const origin = normalizeOrigin(request.headers.origin);
      if (origin === undefined || !site.origins.includes(origin)) {
        throw new VeilError('origin_not_allowed', "this origin is not one of the site's");
      }
      preflightHeaders(reply, origin, 'GET, OPTIONS', 'Content-Type, If-None-Match');
      return reply.status(204).send();
    },
  });
}
