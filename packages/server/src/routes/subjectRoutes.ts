import {
  CCPA_REQUEST_DEADLINE_DAYS,
  erasureReceiptEnvelopeSchema,
  erasureReceiptListResponseSchema,
  SUBJECT_REQUEST_DEADLINE_DAYS,
  subjectRequestEnvelopeSchema,
  subjectRequestKindSchema,
  subjectRequestListResponseSchema,
  subjectRequestStatus,
  subjectSelectorSchema,
} from '@veil/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { actorOf } from '../audit/auditActor.js';
import { canSeeSite } from '../auth/principal.js';
import { VeilError } from '../errors/VeilError.js';
import { addRoute } from '../http/addRoute.js';
import { errorResponses } from '../http/errorResponses.js';
import type { SiteRecord } from '../storage/sites/SiteRepository.js';
import { eraseSubject, erasureReceiptView } from '../subjects/eraseSubject.js';
import { exportSubject } from '../subjects/exportSubject.js';
import { openSubjectRequest, subjectRequestView } from '../subjects/subjectRequestLog.js';

const siteKeyParams = z.object({ siteKey: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'is not a site key') });
const receiptParams = siteKeyParams.extend({
  id: z.string().regex(/^er_[A-Za-z0-9_-]{8,64}$/, 'is not a receipt id'),
});

const requestFields = {
  /** Completes an entry of the request log logged earlier (received by email, say). */
  requestId: z
    .string()
    .regex(/^dsr_[A-Za-z0-9_-]{8,64}$/)
    .optional(),
  /** When the request reached the organisation (ms); default now. */
  receivedAt: z.number().int().nonnegative().optional(),
  /** The organisation's own reference, a ticket number. */
  reference: z.string().trim().min(1).max(200).optional(),
};
const subjectActSchema = z.object({ selector: subjectSelectorSchema, ...requestFields });
const newRequestSchema = z.object({
  kind: subjectRequestKindSchema,
  selector: subjectSelectorSchema,
  receivedAt: requestFields.receivedAt,
  reference: requestFields.reference,
  /** `ccpa`: 45 days instead of GDPR's month. */
  law: z.enum(['gdpr', 'ccpa']).default('gdpr'),
});

function handlerLabel(request: FastifyRequest): string {
  const p = request.principal;
  if (!p) return 'anonymous';
  return p.kind === 'user' ? p.email : `token ${p.name}`;
}

/**
 * Data-subject rights through the API: erasure (Art. 17, CCPA delete) with its receipt,
 * access and portability (Art. 15/20) as one JSON bundle, and the request log with deadlines.
 */
export async function subjectRoutes(app: FastifyInstance): Promise<void> {
  const { store, clock, hasher, audit, cipher } = app.veil;
  const deps = { store, clock, hasher, audit };

  const findSite = async (siteKey: string): Promise<SiteRecord> => {
    const site = await store.sites.findByKey(siteKey);
    if (!site) throw new VeilError('not_found', 'no site has this key');
    return site;
  };

  addRoute(app, {
    method: 'POST',
    url: '/api/v1/sites/:siteKey/erasures',
    permission: 'erasure:write',
    site: 'siteKey',
    params: siteKeyParams,
    body: subjectActSchema,
    doc: {
      summary: 'Erase a data subject: sessions, chunks, consent receipts; data keys destroyed',
      description:
        'selector: {kind: "userId", userId} (the id given to veil("identify"); only its HMAC is stored and recorded), {kind: "visitorId"}, {kind: "sessionId"} or {kind: "tag", key, value}. Idempotent: a second erasure finds nothing and says so in its receipt. The receipt is kept as evidence; the request log entry is completed.',
      tags: ['subjects'],
      responses: {
        201: { description: 'Erased', schema: erasureReceiptEnvelopeSchema },
        ...errorResponses(400, 401, 403, 404, 409),
      },
    },
    handler: async ({ params, body, request, reply }) => {
      const site = await findSite(params.siteKey);
      const { receipt } = await eraseSubject(deps, {
        site,
        selector: body.selector,
        requestedBy: handlerLabel(request),
        origin: request.principal?.kind === 'user' ? 'dashboard' : 'api',
        actor: actorOf(request.principal),
        requestId: body.requestId,
        receivedAt: body.receivedAt,
        reference: body.reference,
      });
      return reply.status(201).send({ receipt: erasureReceiptView(receipt) });
    },
  });

  addRoute(app, {
    method: 'GET',
    url: '/api/v1/sites/:siteKey/erasures',
    permission: 'audit:read',
    site: 'siteKey',
    params: siteKeyParams,
    querystring: z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) }),
    doc: {
      summary: "A site's erasure receipts, newest first",
      tags: ['subjects'],
      responses: {
        200: { description: 'Receipts', schema: erasureReceiptListResponseSchema },
        ...errorResponses(400, 401, 403, 404),
      },
    },
    handler: async ({ params, query }) => {
      const site = await findSite(params.siteKey);
      return {
        receipts: (await store.subjectRequests.erasureReceipts(site.id, query.limit)).map(erasureReceiptView),
      };
    },
  });

  addRoute(app, {
    method: 'GET',
    url: '/api/v1/sites/:siteKey/erasures/:id',
    permission: 'audit:read',
    site: 'siteKey',
    params: receiptParams,
    doc: {
      summary: 'One erasure receipt',
      tags: ['subjects'],
      responses: {
        200: { description: 'The receipt', schema: erasureReceiptEnvelopeSchema },
        ...errorResponses(400, 401, 403, 404),
      },
    },
    handler: async ({ params }) => {
      const site = await findSite(params.siteKey);
      const receipt = await store.subjectRequests.findErasureReceipt(params.id);
      if (!receipt || receipt.siteId !== site.id) throw new VeilError('not_found', 'no such erasure receipt');
      return { receipt: erasureReceiptView(receipt) };
    },
  });

  addRoute(app, {
    method: 'POST',
    url: '/api/v1/sites/:siteKey/subject-exports',
    permission: 'erasure:write',
    site: 'siteKey',
    params: siteKeyParams,
    body: subjectActSchema,
    doc: {
      summary: 'Everything held about a data subject, as one JSON bundle (access and portability)',
      description:
        'format veil.subject-export/v1: the subject (a user id as its HMAC), consentReceipts, optOuts, and sessions with summary, page views, tags and decrypted rrweb events. Each session read is logged as a raw replay access naming the request; the export is in the audit log.',
      tags: ['subjects'],
      responses: {
        200: { description: 'The bundle (Content-Disposition: attachment)', contentType: 'application/json' },
        ...errorResponses(400, 401, 403, 404, 409),
      },
    },
    handler: async ({ params, body, request, reply }) => {
      const site = await findSite(params.siteKey);
      const p = request.principal;
      const result = await exportSubject(
        { ...deps, cipher },
        {
          site,
          selector: body.selector,
          requestedBy: handlerLabel(request),
          origin: p?.kind === 'user' ? 'dashboard' : 'api',
          actor: actorOf(p),
          accessor: {
            userId: p?.kind === 'user' ? p.userId : null,
            apiTokenId: p?.kind === 'token' ? p.tokenId : null,
          },
          requestId: body.requestId,
          receivedAt: body.receivedAt,
          reference: body.reference,
        },
      );
      return reply
        .header('Content-Disposition', `attachment; filename="veil-subject-${result.request.id}.json"`)
        .header('X-Veil-Request-Id', result.request.id)
        .type('application/json; charset=utf-8')
        .send(result.json);
    },
  });

  addRoute(app, {
    method: 'POST',
    url: '/api/v1/sites/:siteKey/subject-requests',
    permission: 'erasure:write',
    site: 'siteKey',
    params: siteKeyParams,
    body: newRequestSchema,
    doc: {
      summary: 'Log a data-subject request as received (to complete it later with an erasure or export)',
      tags: ['subjects'],
      responses: {
        201: { description: 'Logged', schema: subjectRequestEnvelopeSchema },
        ...errorResponses(400, 401, 403, 404),
      },
    },
    handler: async ({ params, body, request, reply }) => {
      const site = await findSite(params.siteKey);
      const entry = await openSubjectRequest(store, {
        site,
        kind: body.kind,
        origin: request.principal?.kind === 'user' ? 'dashboard' : 'api',
        selector: hasher.record(body.selector),
        handledBy: handlerLabel(request),
        now: clock.now(),
        receivedAt: body.receivedAt,
        reference: body.reference ?? null,
        deadlineDays: body.law === 'ccpa' ? CCPA_REQUEST_DEADLINE_DAYS : SUBJECT_REQUEST_DEADLINE_DAYS,
      });
      const view = subjectRequestView(entry);
      return reply
        .status(201)
        .send({ request: { ...view, status: subjectRequestStatus(view, clock.now()) } });
    },
  });

  addRoute(app, {
    method: 'GET',
    url: '/api/v1/subject-requests',
    permission: 'audit:read',
    site: 'filtered',
    querystring: z.object({
      siteKey: z
        .string()
        .regex(/^[A-Za-z0-9_-]{8,64}$/)
        .optional(),
      limit: z.coerce.number().int().min(1).max(500).default(100),
    }),
    doc: {
      summary: 'The data-subject request log: received, completed, by whom, within the deadline',
      tags: ['subjects'],
      responses: {
        200: { description: 'Newest first', schema: subjectRequestListResponseSchema },
        ...errorResponses(400, 401, 403, 404),
      },
    },
    handler: async ({ query, request }) => {
      const site = query.siteKey === undefined ? undefined : await findSite(query.siteKey);
      if (site && !canSeeSite(request.principal, site.id))
        throw new VeilError('not_found', 'no site has this key');
      const rows = await store.subjectRequests.list({ siteId: site?.id, limit: query.limit });
      const now = clock.now();
      return {
        requests: rows
          .filter((r) => canSeeSite(request.principal, r.siteId))
          .map((r) => {
            const view = subjectRequestView(r);
            return { ...view, status: subjectRequestStatus(view, now) };
          }),
      };
    },
  });
}
