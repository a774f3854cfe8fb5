import { Readable } from 'node:stream';
import {
  AUDIT_ACTIONS,
  type AuditAction,
  accessReportResponseSchema,
  auditPageResponseSchema,
  auditVerifyResponseSchema,
  isAuditAction,
} from '@veil/core';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { actorOf } from '../audit/auditActor.js';
import { type AuditFilters, auditCsvExport, auditJsonlExport } from '../audit/auditExport.js';
import { VeilError } from '../errors/VeilError.js';
import { addRoute } from '../http/addRoute.js';
import { errorResponses } from '../http/errorResponses.js';
import { siteKeyParams } from './siteRoutes.js';

export const MAX_AUDIT_PAGE_SIZE = 500;
const ms = z.coerce.number().int().nonnegative();

const filterQuery = z.object({
  from: ms.optional().describe('entries at or after (ms)'),
  to: ms.optional().describe('entries at or before (ms)'),
  action: z
    .string()
    .max(2000)
    .optional()
    .describe('comma-separated action names')
    .transform((s, ctx): AuditAction[] | undefined => {
      if (s === undefined || s.trim() === '') return undefined;
      const names = s.split(',').map((a) => a.trim());
      const bad = names.find((a) => !isAuditAction(a));
      if (bad !== undefined) {
        ctx.addIssue({ code: 'custom', message: `${bad} is not an audit action` });
        return z.NEVER;
      }
      return names as AuditAction[];
    }),
  actor: z.string().max(100).optional().describe('id of the acting user or token'),
  siteKey: z.string().max(64).optional(),
  target: z.string().max(200).optional().describe('id of the target (a session, a user…)'),
  q: z.string().max(200).optional().describe('text in the actor, target or details'),
});

function filtersOf(query: z.infer<typeof filterQuery>): AuditFilters {
  return {
    from: query.from,
    to: query.to,
    actions: query.action,
    actorId: query.actor,
    siteKey: query.siteKey,
    targetId: query.target,
    text: query.q?.trim() || undefined,
  };
}

/** The audit view (search), verification, export (JSON Lines with the chain, CSV) and the signing key. */
export async function auditRoutes(app: FastifyInstance): Promise<void> {
  const { store, clock, audit } = app.veil;

  /** One page of the audit log, newest first, under the search's filters. */
  const searchPage = async (
    query: z.infer<typeof filterQuery> & { limit: number; before?: number | undefined },
  ) => {
    const f = filtersOf(query);
    const rows = await store.audit.query({
      from: f.from,
      to: f.to,
      actions: f.actions,
      actorId: f.actorId,
      siteKey: f.siteKey,
      targetId: f.targetId,
      text: f.text,
      beforeSeq: query.before,
      order: 'desc',
      limit: query.limit + 1,
    });
    const entries = rows.slice(0, query.limit);
    const nextBefore = rows.length > query.limit ? (entries.at(-1)?.seq ?? null) : null;
    return { entries, nextBefore, actions: Object.keys(AUDIT_ACTIONS) };
  };

  addRoute(app, {
    method: 'GET',
    url: '/api/v1/audit',
    permission: 'audit:read',
    site: 'allSites',
    querystring: filterQuery.extend({
      limit: z.coerce.number().int().min(1).max(MAX_AUDIT_PAGE_SIZE).default(100),
      before: z.coerce.number().int().positive().optional().describe('nextBefore of the previous page'),
    }),
    doc: {
      summary: 'Search the audit log, newest first',
      tags: ['audit'],
      responses: {
        200: {
          description: 'One page of entries',
          schema: auditPageResponseSchema,
        },
        ...errorResponses(400, 401, 403),
      },
    },
    handler: ({ query }) => searchPage(query),
  });

  // One site's entries: what a credential restricted to sites can read of the audit log (the
  // instance-wide log, with entries of other sites and of no site, needs every site).
  addRoute(app, {
    method: 'GET',
    url: '/api/v1/sites/:siteKey/audit',
    permission: 'audit:read',
    site: 'siteKey',
    params: siteKeyParams,
    querystring: filterQuery.omit({ siteKey: true }).extend({
      limit: z.coerce.number().int().min(1).max(MAX_AUDIT_PAGE_SIZE).default(100),
      before: z.coerce.number().int().positive().optional().describe('nextBefore of the previous page'),
    }),
    doc: {
      summary: "Search one site's audit entries, newest first",
      tags: ['audit'],
      responses: {
        200: {
          description: 'One page of the entries recorded for this site',
          schema: auditPageResponseSchema,
        },
        ...errorResponses(400, 401, 403, 404),
      },
    },
    handler: async ({ params, query }) => {
      const site = await store.sites.findByKey(params.siteKey);
      if (!site) throw new VeilError('not_found', 'no site has this key');
      return searchPage({ ...query, siteKey: site.siteKey });
    },
  });

  addRoute(app, {
    method: 'GET',
    url: '/api/v1/audit/verify',
    permission: 'audit:read',
    site: 'allSites',
    doc: {
      summary: 'Verify the whole chain and its signed checkpoints; names the first bad entry',
      tags: ['audit'],
      responses: {
        200: {
          description: 'The report (`ok: false` names the problem)',
          schema: auditVerifyResponseSchema,
        },
        ...errorResponses(401, 403),
      },
    },
    handler: async () => {
      return audit.verify();
    },
  });

  addRoute(app, {
    method: 'GET',
    url: '/api/v1/audit/key',
    permission: 'audit:read',
    site: 'global',
    doc: {
      summary: 'The public key that signs checkpoints (pin it to verify exports offline)',
      tags: ['audit'],
      responses: {
        200: {
          description: 'The key',
          schema: z.object({ keyId: z.string(), publicKey: z.string(), publicKeyPem: z.string() }),
        },
        ...errorResponses(401, 403),
      },
    },
    handler: async () => ({
      keyId: audit.signingKey.keyId,
      publicKey: audit.signingKey.publicKeyBase64,
      publicKeyPem: audit.signingKey.publicKeyPem,
    }),
  });

  addRoute(app, {
    // A POST: the export is itself recorded, and no GET changes state.
    method: 'POST',
    url: '/api/v1/audit/export',
    permission: 'audit:read',
    site: 'allSites',
    body: filterQuery.extend({ format: z.enum(['jsonl', 'csv']).default('jsonl') }),
    doc: {
      summary: 'Export the selected entries: JSON Lines with the chain (verifiable offline) or CSV',
      description:
        'A POST with the filters as JSON (cookie sessions send the CSRF token): the export itself is ' +
        'recorded (audit.exported) before it starts. See docs/audit.md.',
      tags: ['audit'],
      responses: {
        200: { description: 'The export', contentType: 'application/x-ndjson' },
        ...errorResponses(400, 401, 403),
      },
    },
    handler: async ({ body: query, request, reply }) => {
      const filters = filtersOf(query);
      const now = clock.now();
      await audit.record({
        action: 'audit.exported',
        actor: actorOf(request.principal),
        details: { format: query.format, filters: JSON.parse(JSON.stringify(filters)) },
      });
      const stamp = new Date(now).toISOString().replace(/[:.]/g, '-');
      const lines =
        query.format === 'csv'
          ? auditCsvExport(store, filters)
          : auditJsonlExport(store, audit.signingKey, filters, now);
      return reply
        .type(query.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8')
        .header('Content-Disposition', `attachment; filename="veil-audit-${stamp}.${query.format}"`)
        .send(Readable.from(lines));
    },
  });

  const accessReportQuery = z.object({
    user: z.string().max(100).optional().describe('a user id'),
    token: z.string().max(100).optional().describe('an API token id'),
    siteKey: z.string().max(64).optional(),
    from: ms.optional(),
    to: ms.optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(200),
  });

  /**
   * The access report under the query's filters: raw replay grants (newest first) of the site
   * `siteId` (every site when undefined), how many the filters match, and each person's total over
   * every grant they match.
   */
  const accessReport = async (query: Omit<z.infer<typeof accessReportQuery>, 'siteKey'>, siteId?: string) => {
    const filters = { userId: query.user, apiTokenId: query.token, siteId, from: query.from, to: query.to };
    const [grants, held] = await Promise.all([
      store.replayGrants.list({ ...filters, limit: query.limit }),
      store.replayGrants.totals(filters),
    ]);
    const siteKeys = new Map((await store.sites.list()).map((s) => [s.id, s.siteKey]));
    const actorOf = (g: { userId: string | null; apiTokenId: string | null; actorLabel: string }) =>
      g.userId
        ? { type: 'user' as const, id: g.userId, label: g.actorLabel }
        : { type: 'token' as const, id: g.apiTokenId ?? '', label: g.actorLabel };
    const rows = grants.map((g) => ({
      id: g.id,
      actor: actorOf(g),
      sessionId: g.sessionId,
      siteKey: g.siteId ? (siteKeys.get(g.siteId) ?? null) : null,
      purpose: g.purpose,
      ticket: g.ticket,
      at: g.createdAt,
      expiresAt: g.expiresAt,
    }));
    // Totals count every grant the filters match, not only the `limit` listed: a person with more
    // grants than one page must not look like they watched less.
    const totals = held.map((t) => ({ actor: actorOf(t), count: t.count }));
    return { grants: rows, total: held.reduce((n, t) => n + t.count, 0), totals };
  };

  addRoute(app, {
    method: 'GET',
    url: '/api/v1/audit/access-report',
    permission: 'audit:read',
    site: 'allSites',
    querystring: accessReportQuery,
    doc: {
      summary: 'Who watched what, and why: raw replay grants with purpose and ticket, and totals per person',
      tags: ['audit'],
      responses: {
        200: {
          description: 'Grants (newest first) and per-actor totals',
          schema: accessReportResponseSchema,
        },
        ...errorResponses(400, 401, 403, 404),
      },
    },
    handler: async ({ query }) => {
      const site = query.siteKey ? await store.sites.findByKey(query.siteKey) : undefined;
      if (query.siteKey && !site) throw new VeilError('not_found', 'no site has this key');
      return accessReport(query, site?.id);
    },
  });

  // One site's access report: what a credential restricted to sites reads of it (the instance-wide
  // report, with grants of every site, needs every site).
  addRoute(app, {
    method: 'GET',
    url: '/api/v1/sites/:siteKey/access-report',
    permission: 'audit:read',
    site: 'siteKey',
    params: siteKeyParams,
    querystring: accessReportQuery.omit({ siteKey: true }),
    doc: {
      summary: "Who watched what on this site, and why: its raw replay grants and each person's total",
      tags: ['audit'],
      responses: {
        200: {
          description: "The site's grants (newest first) and per-actor totals over them",
          schema: accessReportResponseSchema,
        },
        ...errorResponses(400, 401, 403, 404),
      },
    },
    handler: async ({ params, query }) => {
      const site = await store.sites.findByKey(params.siteKey);
      if (!site) throw new VeilError('not_found', 'no site has this key');
      return accessReport(query, site.id);
    },
  });
}
