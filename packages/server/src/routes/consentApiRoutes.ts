import {
  bannerTextsEntrySchema,
  bannerTextsOverrideSchema,
  bannerTextsResponseSchema,
  consentReceiptListResponseSchema,
  consentStatsResponseSchema,
  DEFAULT_BANNER_TEXTS,
} from '@veil/core';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { actorOf } from '../audit/auditActor.js';
import { CONSENT_BUCKETS, type ConsentBucket, consentStats } from '../consent/consentStats.js';
import { VeilError } from '../errors/VeilError.js';
import { addRoute } from '../http/addRoute.js';
import { errorResponses } from '../http/errorResponses.js';
import { EVERY_SITE } from '../storage/consent/createOptOutRepository.js';
import type { SiteRecord } from '../storage/sites/SiteRepository.js';
import { consentReceiptView } from '../subjects/exportSubject.js';

const DAY_MS = 86_400_000;
/** The widest window one stats request may cover. */
export const MAX_STATS_WINDOW_MS = 400 * DAY_MS;
/** Buckets one stats request may return at most (hours over a long window would be too many). */
export const MAX_STATS_BUCKETS = 2_000;

const siteKeyParams = z.object({ siteKey: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'is not a site key') });
const languageParams = siteKeyParams.extend({
  language: z.string().regex(/^[a-z]{2}$/, 'is a two-letter language code'),
});
const ms = z.coerce.number().int().nonnegative();

const statsQuery = z.object({
  from: ms.optional().describe('start of the window (ms); default 30 days before `to`'),
  to: ms.optional().describe('end of the window (ms, exclusive); default now'),
  bucket: z.enum(['hour', 'day', 'week']).default('day'),
});
const receiptsQuery = z.object({
  from: ms.optional(),
  to: ms.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

const optOutSchema = z
  .object({
    scope: z.enum(['site', 'instance']),
    subject: z.union([
      z.object({ kind: z.literal('visitor'), visitorId: z.string() }),
      z.object({ kind: z.literal('user'), userHash: z.string() }),
    ]),
    source: z.string(),
    createdAt: z.number(),
  })
  .meta({ id: 'OptOut' });

const newOptOutSchema = z
  .object({
    /** Omit for every site of the instance (user ids only: visitor ids belong to one site). */
    siteKey: z
      .string()
      .regex(/^[A-Za-z0-9_-]{8,64}$/)
      .optional(),
    userId: z.string().min(1).max(256).optional(),
    visitorId: z
      .string()
      .regex(/^[A-Za-z0-9_-]{8,64}$/)
      .optional(),
  })
  .refine((b) => (b.userId === undefined) !== (b.visitorId === undefined), 'give either userId or visitorId')
  .refine(
    (b) => b.visitorId === undefined || b.siteKey !== undefined,
    'a visitor id belongs to one site: give siteKey',
  );

/**
 * Consent evidence and configuration for the dashboard: receipts, opt-in/opt-out statistics,
 * the banner's texts per language, and the opt-out registry.
 */
export async function consentApiRoutes(app: FastifyInstance): Promise<void> {
  const { store, clock, hasher, audit } = app.veil;

  const findSite = async (siteKey: string): Promise<SiteRecord> => {
    const site = await store.sites.findByKey(siteKey);
    if (!site) throw new VeilError('not_found', 'no site has this key');
    return site;
  };

  addRoute(app, {
    method: 'GET',
    url: '/api/v1/sites/:siteKey/consent/receipts',
    permission: 'audit:read',
    site: 'siteKey',
    params: siteKeyParams,
    querystring: receiptsQuery,
    doc: {
      summary: "A site's consent receipts, newest first",
      tags: ['consent'],
      responses: {
        200: { description: 'Receipts', schema: consentReceiptListResponseSchema },
        ...errorResponses(400, 401, 403, 404),
      },
    },
    handler: async ({ params, query }) => {
      const site = await findSite(params.siteKey);
      const rows = await store.consent.list(site.id, query);
      return { receipts: rows.map((r) => consentReceiptView(r, site.siteKey)) };
    },
  });

  addRoute(app, {
    method: 'GET',
    url: '/api/v1/sites/:siteKey/consent/stats',
    permission: 'audit:read',
    site: 'siteKey',
    params: siteKeyParams,
    querystring: statsQuery,
    doc: {
      summary: 'Consent decisions over time, by source and region (opt-in and opt-out rates)',
      description:
        'Counts of granted, denied (the banner’s refusals) and withdrawn per time bucket, source and region. Opt-in rate = granted / (granted + denied).',
      tags: ['consent'],
      responses: {
        200: { description: 'Counts', schema: consentStatsResponseSchema },
        ...errorResponses(400, 401, 403, 404),
      },
    },
    handler: async ({ params, query }) => {
      const site = await findSite(params.siteKey);
      const to = query.to ?? clock.now();
      const from = query.from ?? Math.max(0, to - 30 * DAY_MS);
      if (from >= to) throw new VeilError('validation_failed', 'query from: must be before to');
      if (to - from > MAX_STATS_WINDOW_MS)
        throw new VeilError('validation_failed', 'query: at most 400 days');
      const bucket: ConsentBucket = query.bucket;
      if ((to - from) / CONSENT_BUCKETS[bucket] > MAX_STATS_BUCKETS)
        throw new VeilError(
          'validation_failed',
          `query bucket: more than ${MAX_STATS_BUCKETS} buckets; choose a wider one`,
        );
      const counts = await store.consent.counts(site.id, from, to, CONSENT_BUCKETS[bucket]);
      return consentStats(counts, { from, to, bucket });
    },
  });

  addRoute(app, {
    method: 'GET',
    url: '/api/v1/sites/:siteKey/banner-texts',
    permission: 'policy:read',
    site: 'siteKey',
    params: siteKeyParams,
    doc: {
      summary: "The site's banner texts per language, and Veil's own",
      tags: ['consent'],
      responses: {
        200: {
          description: 'Texts',
          schema: bannerTextsResponseSchema,
        },
        ...errorResponses(401, 403, 404),
      },
    },
    handler: async ({ params }) => {
      const site = await findSite(params.siteKey);
      const rows = await store.bannerTexts.list(site.id);
      return {
        languages: rows.map(({ siteId: _s, ...r }) => r),
        defaults: DEFAULT_BANNER_TEXTS as unknown as Record<string, Record<string, string>>,
      };
    },
  });

  addRoute(app, {
    method: 'PUT',
    url: '/api/v1/sites/:siteKey/banner-texts/:language',
    permission: 'policy:write',
    site: 'siteKey',
    params: languageParams,
    body: bannerTextsOverrideSchema,
    doc: {
      summary: "Sets the site's banner texts for one language (fields left out stay Veil's)",
      description:
        'Every receipt records the SHA-256 of the texts the visitor was shown, so a change of wording is visible in the evidence. Recorded in the audit log.',
      tags: ['consent'],
      responses: {
        200: { description: 'Stored', schema: bannerTextsEntrySchema },
        ...errorResponses(400, 401, 403, 404),
      },
    },
    handler: async ({ params, body, request }) => {
      const site = await findSite(params.siteKey);
      const texts = Object.fromEntries(
        Object.entries(body).filter((e): e is [string, string] => typeof e[1] === 'string'),
      );
      const before = await store.bannerTexts.get(site.id, params.language);
      const record = {
        siteId: site.id,
        language: params.language,
        texts,
        updatedAt: clock.now(),
        updatedBy:
          request.principal?.kind === 'user' ? request.principal.email : (request.principal?.name ?? ''),
      };
      await store.bannerTexts.put(record);
      await audit.record({
        action: 'consent.config_changed',
        actor: actorOf(request.principal),
        siteKey: site.siteKey,
        target: { type: 'banner_texts', id: params.language },
        details: { diff: { before: before?.texts ?? null, after: texts } },
      });
      const { siteId: _s, ...view } = record;
      return view;
    },
  });

  addRoute(app, {
    method: 'DELETE',
    url: '/api/v1/sites/:siteKey/banner-texts/:language',
    permission: 'policy:write',
    site: 'siteKey',
    params: languageParams,
    doc: {
      summary: "Removes the site's banner texts for one language (Veil's apply again)",
      tags: ['consent'],
      responses: { 204: { description: 'Removed' }, ...errorResponses(401, 403, 404) },
    },
    handler: async ({ params, request, reply }) => {
      const site = await findSite(params.siteKey);
      const before = await store.bannerTexts.get(site.id, params.language);
      if (!(await store.bannerTexts.remove(site.id, params.language)))
        throw new VeilError('not_found', 'the site has no texts for this language');
      await audit.record({
        action: 'consent.config_changed',
        actor: actorOf(request.principal),
        siteKey: site.siteKey,
        target: { type: 'banner_texts', id: params.language },
        details: { diff: { before: before?.texts ?? null, after: null } },
      });
      return reply.status(204).send();
    },
  });

  addRoute(app, {
    method: 'GET',
    url: '/api/v1/sites/:siteKey/optouts',
    permission: 'audit:read',
    site: 'siteKey',
    params: siteKeyParams,
    querystring: z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) }),
    doc: {
      summary: "The opt-out registry: the site's entries and the instance-wide ones",
      tags: ['consent'],
      responses: {
        200: { description: 'Entries', schema: z.object({ optOuts: z.array(optOutSchema) }) },
        ...errorResponses(400, 401, 403, 404),
      },
    },
    handler: async ({ params, query }) => {
      const site = await findSite(params.siteKey);
      const rows = await store.optOuts.list(site.id, query.limit);
      return {
        optOuts: rows.map((o) => ({
          scope: o.scope === EVERY_SITE ? ('instance' as const) : ('site' as const),
          subject: o.subject,
          source: o.source,
          createdAt: o.createdAt,
        })),
      };
    },
  });

  addRoute(app, {
    method: 'POST',
    url: '/api/v1/optouts',
    permission: 'erasure:write',
    site: 'body',
    body: newOptOutSchema,
    doc: {
      summary: 'Adds an opt-out: a visitor on one site, or a user id on one site or every site',
      description:
        'A user id is stored only as its keyed hash. Batches of an opted-out visitor, or of a session identified as an opted-out user, are refused at ingest (403 consent_required).',
      tags: ['consent'],
      responses: {
        201: { description: 'Added', schema: z.object({ optOut: optOutSchema, created: z.boolean() }) },
        ...errorResponses(400, 401, 403, 404),
      },
    },
    handler: async ({ body, request, reply }) => {
      const site = body.siteKey === undefined ? undefined : await findSite(body.siteKey);
      if (
        site &&
        request.principal &&
        request.principal.sites !== 'all' &&
        !request.principal.sites.includes(site.id)
      )
        throw new VeilError('not_found', 'no site has this key');
      if (!site && request.principal?.sites !== 'all')
        throw new VeilError('forbidden', 'an instance-wide opt-out needs access to every site');
      const subject =
        body.visitorId !== undefined
          ? ({ kind: 'visitor', visitorId: body.visitorId } as const)
          : ({ kind: 'user', userHash: hasher.userHash(body.userId ?? '') } as const);
      const entry = { scope: site?.id ?? EVERY_SITE, subject, source: 'api', createdAt: clock.now() };
      const created = await store.optOuts.add(entry);
      await audit.record({
        action: 'consent.config_changed',
        actor: actorOf(request.principal),
        siteKey: site?.siteKey ?? null,
        target: { type: 'opt_out', id: subject.kind },
        details: { diff: { optOut: { scope: site ? 'site' : 'instance', kind: subject.kind } } },
      });
      return reply.status(201).send({
        optOut: {
          scope: site ? 'site' : 'instance',
          subject,
          source: entry.source,
          createdAt: entry.createdAt,
        },
        created,
      });
    },
  });
}
