import { BANNER_LANGUAGES, bannerLanguage, consentRegistrationSchema, resolveBannerTexts } from '@veil/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { registerConsent } from '../consent/registerConsent.js';
import { VeilError } from '../errors/VeilError.js';
import { parseOrThrow } from '../errors/validationError.js';
import { addRoute } from '../http/addRoute.js';
import { allowOrigin, preflightHeaders } from '../http/cors.js';
import { errorResponses } from '../http/errorResponses.js';
import { normalizeOrigin, requestOrigin } from '../sites/origins.js';
import type { SiteRecord } from '../storage/sites/SiteRepository.js';

/** A consent registration is a few hundred bytes; anything near this is not one. */
export const MAX_CONSENT_BODY_BYTES = 8 * 1024;
/** Browsers may reuse a site's banner texts this long, in seconds. */
export const BANNER_TEXTS_MAX_AGE_S = 300;

const siteKeyParams = z.object({ siteKey: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'is not a site key') });
const bannerQuery = z.object({ lang: z.string().trim().toLowerCase().max(35).optional() });

const ackSchema = z
  .object({
    receiptId: z.string(),
    decision: z.enum(['granted', 'denied', 'withdrawn']),
    recordedAt: z.number(),
  })
  .meta({ id: 'ConsentRegistrationAck' });

const bannerTextsAnswer = z
  .object({
    language: z.string(),
    texts: z.record(z.string(), z.string()),
  })
  .meta({ id: 'BannerTexts' });

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The visitor's country for the receipt, from the instance's region lookup (a trusted proxy's
 * header or a GeoIP database, when configured); the address is only looked up, never stored.
 */
function regionOfRequest(app: FastifyInstance, request: FastifyRequest): string | null {
  const { regions, config } = app.veil;
  if (!regions.configured) return null;
  const raw = config.regionHeader ? request.headers[config.regionHeader.toLowerCase()] : undefined;
  return regions.countryOf({ clientIp: request.ip, regionHeaderValue: Array.isArray(raw) ? raw[0] : raw });
}

/**
 * The browser's side of consent (no login): `POST /r/v1/sites/{siteKey}/consent` registers a
 * decision as a receipt, `GET /r/v1/sites/{siteKey}/banner` serves the built-in banner's texts.
 * Bodies are read as raw bytes of any content type (the SDK sends `text/plain`: no preflight).
 */
export async function consentPublicRoutes(app: FastifyInstance): Promise<void> {
  const { store, clock, hasher, audit } = app.veil;

  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    '*',
    { parseAs: 'buffer', bodyLimit: MAX_CONSENT_BODY_BYTES },
    (_req, body, done) => {
      done(null, body);
    },
  );

  const site = async (siteKey: string): Promise<SiteRecord> => {
    const found = await store.sites.findByKey(siteKey);
    if (!found) throw new VeilError('unknown_site', 'no site has this key');
    return found;
  };
  const corsFor = (request: FastifyRequest, reply: FastifyReply, s: SiteRecord) => {
    const origin = normalizeOrigin(request.headers.origin);
    allowOrigin(reply, origin !== undefined && s.origins.includes(origin) ? origin : undefined);
  };

  addRoute(app, {
    method: 'POST',
    url: '/r/v1/sites/:siteKey/consent',
    permission: 'public',
    site: 'siteKey',
    params: siteKeyParams,
    doc: {
      summary: 'Register a consent decision (grant, withdrawal, refusal) as a receipt',
      description:
        "Sent by the browser SDK after consent, on a withdrawal, an opt-out or the built-in banner's refusal. Body: ConsentRegistration JSON (any content type; the SDK sends text/plain). The Origin (or Referer) must be one of the site's origins. A grant answers 201 (200 when registered before); a withdrawal withdraws the grant and every grant of the visitor, and erases the visitor's recordings when the policy's eraseOnWithdrawal is on.",
      tags: ['consent'],
      bodyContentTypes: ['text/plain', 'application/json'],
      responses: {
        200: { description: 'This grant was registered before', schema: ackSchema },
        201: { description: 'Registered', schema: ackSchema },
        ...errorResponses(400, 403, 404, 409, 413),
      },
    },
    handler: async ({ params, request, reply }) => {
      const s = await site(params.siteKey);
      corsFor(request, reply, s);
      const origin = requestOrigin(request.headers);
      if (origin === undefined || !s.origins.includes(origin)) {
        throw new VeilError('origin_not_allowed', "the request's origin is not one of the site's");
      }
      const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      let json: unknown;
      try {
        json = JSON.parse(utf8.decode(raw));
      } catch {
        throw new VeilError('invalid_json', 'the body is not valid JSON');
      }
      const registration = parseOrThrow(consentRegistrationSchema, json, 'body');
      const result = await registerConsent(
        { store, clock, hasher, audit },
        { site: s, registration, region: regionOfRequest(app, request) },
      );
      reply.header('Cache-Control', 'no-store');
      return reply.status(result.status).send(result.ack);
    },
  });

  addRoute(app, {
    method: 'OPTIONS',
    url: '/r/v1/sites/:siteKey/consent',
    permission: 'public',
    site: 'siteKey',
    params: siteKeyParams,
    doc: {
      summary: 'CORS preflight of consent registration',
      tags: ['consent'],
      responses: { 204: { description: "The origin is one of the site's" }, ...errorResponses(403, 404) },
    },
    handler: async ({ params, request, reply }) => {
      const s = await site(params.siteKey);
      const origin = normalizeOrigin(request.headers.origin);
      if (origin === undefined || !s.origins.includes(origin)) {
        throw new VeilError('origin_not_allowed', "this origin is not one of the site's");
      }
      preflightHeaders(reply, origin, 'POST, OPTIONS', 'Content-Type');
      return reply.status(204).send();
    },
  });

  addRoute(app, {
    method: 'GET',
    url: '/r/v1/sites/:siteKey/banner',
    permission: 'public',
    site: 'siteKey',
    params: siteKeyParams,
    querystring: bannerQuery,
    doc: {
      summary: "The built-in banner's texts for a language (the site's, field by field over Veil's)",
      description: `lang: a BCP 47 tag; the site's texts for its primary language, else Veil's nearest built-in language (${BANNER_LANGUAGES.join(', ')}). Cache-Control max-age=${BANNER_TEXTS_MAX_AGE_S}; CORS for the site's origins. No cookie, no identifier.`,
      tags: ['consent'],
      responses: {
        200: { description: 'The texts', schema: bannerTextsAnswer },
        ...errorResponses(400, 404),
      },
    },
    handler: async ({ params, query, request, reply }) => {
      const s = await site(params.siteKey);
      corsFor(request, reply, s);
      const primary = (query.lang ?? '').split(/[-_]/)[0] ?? '';
      const wanted = /^[a-z]{2}$/.test(primary) ? primary : 'en';
      // The site's own texts for the language (any language it added), else Veil's nearest one
      // with the site's texts for that.
      const base = bannerLanguage(wanted);
      const own = await store.bannerTexts.get(s.id, wanted);
      const overrides = own ?? (await store.bannerTexts.get(s.id, base));
      reply.header('Cache-Control', `public, max-age=${BANNER_TEXTS_MAX_AGE_S}`);
      return { language: own ? wanted : base, texts: resolveBannerTexts(base, overrides?.texts) };
    },
  });
}
