import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { actorOf } from '../audit/auditActor.js';
import { VeilError } from '../errors/VeilError.js';
import { addRoute } from '../http/addRoute.js';
import { errorResponses } from '../http/errorResponses.js';
import { holdView, newHoldSchema, placeHold, releaseHold } from '../retention/legalHolds.js';
import { retentionStatus } from '../retention/retentionStatus.js';
import type { SiteRecord } from '../storage/sites/SiteRepository.js';
import { siteKeyParams } from './siteRoutes.js';

const holdSchema = z
  .object({
    id: z.string(),
    siteKey: z.string(),
    scope: z.enum(['session', 'subject']),
    sessionId: z.string().nullable(),
    reason: z.string(),
    createdBy: z.string(),
    createdAt: z.number().int(),
    expiresAt: z.number().int(),
    releasedAt: z.number().int().nullable(),
    releasedBy: z.string().nullable(),
    active: z.boolean(),
  })
  .meta({ id: 'LegalHold' });
const holdParams = siteKeyParams.extend({
  holdId: z.string().regex(/^hold_[A-Za-z0-9-]{8,64}$/, 'is not a hold id'),
});

function who(request: FastifyRequest): string {
  const p = request.principal;
  if (!p) return 'anonymous';
  return p.kind === 'user' ? p.email : `token ${p.name}`;
}

/** Retention per site (policy, oldest session, due, held, last receipt) and legal holds. */
export async function retentionRoutes(app: FastifyInstance): Promise<void> {
  const { store, clock, hasher, audit } = app.veil;
  const deps = { store, clock, hasher, audit };
  const siteOf = async (siteKey: string): Promise<SiteRecord> => {
    const site = await store.sites.findByKey(siteKey);
    if (!site) throw new VeilError('not_found', 'no site has this key');
    return site;
  };

  addRoute(app, {
    method: 'GET',
    url: '/api/v1/sites/:siteKey/retention',
    permission: 'policy:read',
    site: 'siteKey',
    params: siteKeyParams,
    doc: {
      summary:
        "The site's retention: policy, oldest session (server clock), due and held sessions, last purge receipt, exception",
      tags: ['retention'],
      responses: { 200: { description: 'Status' }, ...errorResponses(401, 403, 404) },
    },
    handler: async ({ params }) => {
      const site = await siteOf(params.siteKey);
      const [status] = await retentionStatus(store, clock, site.siteKey);
      return { retention: status };
    },
  });

  addRoute(app, {
    method: 'GET',
    url: '/api/v1/sites/:siteKey/legal-holds',
    permission: 'audit:read',
    site: 'siteKey',
    params: siteKeyParams,
    querystring: z.object({ all: z.enum(['true', 'false']).default('false') }),
    doc: {
      summary: "The site's legal holds, newest first (active ones; `all=true` adds ended ones)",
      tags: ['retention'],
      responses: {
        200: { description: 'Holds', schema: z.object({ holds: z.array(holdSchema) }) },
        ...errorResponses(400, 401, 403, 404),
      },
    },
    handler: async ({ params, query }) => {
      const site = await siteOf(params.siteKey);
      const now = clock.now();
      const holds = await store.retention.listHolds(site.id, now, query.all === 'true');
      return { holds: holds.map((h) => holdView(h, now)) };
    },
  });

  addRoute(app, {
    method: 'POST',
    url: '/api/v1/sites/:siteKey/legal-holds',
    permission: 'erasure:write',
    site: 'siteKey',
    params: siteKeyParams,
    body: newHoldSchema,
    doc: {
      summary:
        'Hold a session, or every session of a subject, past retention (reason and expiry required; audited)',
      description:
        'target: {kind: "session", sessionId} or {kind: "userId", userId} (stored only as its keyed hash). The hold ends by itself at expiresAt (server time, ms).',
      tags: ['retention'],
      responses: {
        201: { description: 'Placed', schema: z.object({ hold: holdSchema }) },
        ...errorResponses(400, 401, 403, 404),
      },
    },
    handler: async ({ params, body, request, reply }) => {
      const site = await siteOf(params.siteKey);
      const hold = await placeHold(deps, {
        site,
        target: body.target,
        reason: body.reason,
        expiresAt: body.expiresAt,
        createdBy: who(request),
        actor: actorOf(request.principal),
      });
      return reply.status(201).send({ hold: holdView(hold, clock.now()) });
    },
  });

  addRoute(app, {
    method: 'DELETE',
    url: '/api/v1/sites/:siteKey/legal-holds/:holdId',
    permission: 'erasure:write',
    site: 'siteKey',
    params: holdParams,
    doc: {
      summary: 'Release a legal hold before its expiry (audited); the next purge run applies retention',
      tags: ['retention'],
      responses: {
        200: { description: 'Released', schema: z.object({ hold: holdSchema }) },
        ...errorResponses(400, 401, 403, 404, 409),
      },
    },
    handler: async ({ params, request }) => {
      const site = await siteOf(params.siteKey);
      const hold = await releaseHold(deps, {
        site,
        holdId: params.holdId,
        releasedBy: who(request),
        actor: actorOf(request.principal),
      });
      return { hold: holdView(hold, clock.now()) };
    },
  });
}
