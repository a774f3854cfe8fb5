import {
  attestationEnvelopeSchema,
  attestationListResponseSchema,
  complianceReportSchema,
  newAttestationSchema,
  processorEnvelopeSchema,
  processorInputSchema,
  processorListResponseSchema,
  READINESS_TREND_MONTHS,
  readinessTrendResponseSchema,
  reportFormatSchema,
} from '@veil/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { actorOf } from '../audit/auditActor.js';
import {
  attestationView,
  buildComplianceReport,
  processorView,
} from '../compliance/buildComplianceReport.js';
import {
  deleteProcessor,
  putProcessor,
  type RegisterActor,
  recordAttestation,
} from '../compliance/complianceRegister.js';
import { renderReport } from '../compliance/renderReport.js';
import { reportPeriod } from '../compliance/reportPeriod.js';
import { VeilError } from '../errors/VeilError.js';
import { addRoute } from '../http/addRoute.js';
import { errorResponses } from '../http/errorResponses.js';
import type { SiteRecord } from '../storage/sites/SiteRepository.js';
import { siteKeyParams } from './siteRoutes.js';

const periodQuery = z.object({
  from: z.string().max(40).optional().describe('YYYY-MM-DD, ISO time or ms; default: 30 days before `to`'),
  to: z.string().max(40).optional().describe('YYYY-MM-DD (that whole day), ISO time or ms; default: now'),
});
const processorParams = siteKeyParams.extend({
  processorId: z.string().regex(/^proc_[A-Za-z0-9-]{8,64}$/, 'is not a processor id'),
});
function by(request: FastifyRequest): RegisterActor {
  const p = request.principal;
  const label = !p ? 'anonymous' : p.kind === 'user' ? p.email : `token ${p.name}`;
  return { label, actor: actorOf(p) };
}

/** The compliance pack (view and download), the readiness trend, the processor register and attestations. */
export async function complianceRoutes(app: FastifyInstance): Promise<void> {
  const { store, clock, audit, config } = app.veil;
  const deps = { store, clock, audit };
  const siteOf = async (siteKey: string): Promise<SiteRecord> => {
    const site = await store.sites.findByKey(siteKey);
    if (!site) throw new VeilError('unknown_site', 'no site has this key');
    return site;
  };

  addRoute(app, {
    method: 'GET',
    url: '/api/v1/sites/:siteKey/compliance',
    permission: 'audit:read',
    site: 'siteKey',
    params: siteKeyParams,
    querystring: periodQuery,
    doc: {
      summary: "The site's compliance pack as JSON for the dashboard (not a download: not audited)",
      tags: ['compliance'],
      responses: {
        200: { description: 'The pack', schema: complianceReportSchema },
        ...errorResponses(400, 401, 403, 404),
      },
    },
    handler: async ({ params, query, request }) => {
      const site = await siteOf(params.siteKey);
      return buildComplianceReport(deps, {
        site,
        period: reportPeriod(query.from, query.to, clock.now()),
        generatedBy: by(request).label,
      });
    },
  });

  addRoute(app, {
    // A POST: the download is recorded in the audit log, and no GET changes state.
    method: 'POST',
    url: '/api/v1/sites/:siteKey/compliance/report',
    permission: 'audit:read',
    site: 'siteKey',
    params: siteKeyParams,
    body: periodQuery.extend({ format: reportFormatSchema.default('pdf') }),
    doc: {
      summary:
        'Download the compliance pack (PDF, HTML or JSON); recorded in the audit log (report.downloaded)',
      description:
        'Body: {"from"?, "to"?, "format"?: "pdf"|"html"|"json"}. See docs/compliance-pack.md. HTML and PDF carry the dashboard charts, drawn in headless Chromium (VEIL_CHROMIUM_PATH), which also prints the PDF; without Chromium they answer 503 unavailable (JSON needs no browser).',
      tags: ['compliance'],
      responses: {
        200: { description: 'The pack as an attachment', contentType: 'application/pdf' },
        ...errorResponses(400, 401, 403, 404, 503),
      },
    },
    handler: async ({ params, body: query, request, reply }) => {
      const site = await siteOf(params.siteKey);
      const period = reportPeriod(query.from, query.to, clock.now());
      const who = by(request);
      const report = await buildComplianceReport(deps, { site, period, generatedBy: who.label });
      const out = await renderReport(report, query.format, {
        origin: `${request.protocol}://${request.host}`,
        chromiumPath: config.chromiumPath,
        dashboardDir: config.dashboardDir,
      });
      await audit.record({
        action: 'report.downloaded',
        actor: who.actor,
        siteKey: site.siteKey,
        target: { type: 'compliance_pack', id: site.siteKey },
        details: {
          report: 'compliance-pack',
          format: query.format,
          from: period.from,
          to: period.to,
          bytes: out.body.length,
        },
      });
      return reply
        .type(out.contentType)
        .header('Content-Disposition', `attachment; filename="${out.fileName}"`)
        .send(out.body);
    },
  });

  addRoute(app, {
    method: 'GET',
    url: '/api/v1/sites/:siteKey/compliance/trend',
    permission: 'audit:read',
    site: 'siteKey',
    params: siteKeyParams,
    doc: {
      summary: 'Readiness score of each monthly summary, oldest month first (the trend)',
      tags: ['compliance'],
      responses: {
        200: { description: 'Monthly scores', schema: readinessTrendResponseSchema },
        ...errorResponses(400, 401, 403, 404),
      },
    },
    handler: async ({ params }) => {
      const site = await siteOf(params.siteKey);
      const summaries = await store.compliance.listSummaries(site.id, READINESS_TREND_MONTHS);
      return {
        summaries: summaries.map((s) => ({
          month: s.month,
          score: s.score,
          max: s.maxScore,
          createdAt: s.createdAt,
        })),
      };
    },
  });

  addRoute(app, {
    method: 'GET',
    url: '/api/v1/sites/:siteKey/processors',
    permission: 'audit:read',
    site: 'siteKey',
    params: siteKeyParams,
    doc: {
      summary: "The site's processor / DPA register",
      tags: ['compliance'],
      responses: {
        200: { description: 'Processors', schema: processorListResponseSchema },
        ...errorResponses(400, 401, 403, 404),
      },
    },
    handler: async ({ params }) => {
      const site = await siteOf(params.siteKey);
      return { processors: (await store.compliance.listProcessors(site.id)).map(processorView) };
    },
  });

  addRoute(app, {
    method: 'POST',
    url: '/api/v1/sites/:siteKey/processors',
    permission: 'policy:write',
    site: 'siteKey',
    params: siteKeyParams,
    body: processorInputSchema,
    doc: {
      summary: 'Add a processor to the register (audited: compliance.processor_changed)',
      tags: ['compliance'],
      responses: {
        201: { description: 'Added', schema: processorEnvelopeSchema },
        ...errorResponses(400, 401, 403, 404),
      },
    },
    handler: async ({ params, body, request, reply }) => {
      const site = await siteOf(params.siteKey);
      const processor = await putProcessor(deps, site, body, by(request));
      return reply.status(201).send({ processor: processorView(processor) });
    },
  });

  addRoute(app, {
    method: 'PUT',
    url: '/api/v1/sites/:siteKey/processors/:processorId',
    permission: 'policy:write',
    site: 'siteKey',
    params: processorParams,
    body: processorInputSchema,
    doc: {
      summary: 'Replace a processor of the register (audited)',
      tags: ['compliance'],
      responses: {
        200: { description: 'Replaced', schema: processorEnvelopeSchema },
        ...errorResponses(400, 401, 403, 404),
      },
    },
    handler: async ({ params, body, request }) => {
      const site = await siteOf(params.siteKey);
      const processor = await putProcessor(deps, site, body, by(request), params.processorId);
      return { processor: processorView(processor) };
    },
  });

  addRoute(app, {
    method: 'DELETE',
    url: '/api/v1/sites/:siteKey/processors/:processorId',
    permission: 'policy:write',
    site: 'siteKey',
    params: processorParams,
    doc: {
      summary: 'Remove a processor from the register (audited)',
      tags: ['compliance'],
      responses: { 204: { description: 'Removed' }, ...errorResponses(400, 401, 403, 404) },
    },
    handler: async ({ params, request, reply }) => {
      const site = await siteOf(params.siteKey);
      await deleteProcessor(deps, site, params.processorId, by(request));
      return reply.status(204).send();
    },
  });

  addRoute(app, {
    method: 'GET',
    url: '/api/v1/sites/:siteKey/attestations',
    permission: 'audit:read',
    site: 'siteKey',
    params: siteKeyParams,
    doc: {
      summary: "The site's attestations, newest first, each valid for a year",
      tags: ['compliance'],
      responses: {
        200: { description: 'Attestations', schema: attestationListResponseSchema },
        ...errorResponses(400, 401, 403, 404),
      },
    },
    handler: async ({ params }) => {
      const site = await siteOf(params.siteKey);
      const now = clock.now();
      return {
        attestations: (await store.compliance.listAttestations(site.id)).map((a) => attestationView(a, now)),
      };
    },
  });

  addRoute(app, {
    method: 'POST',
    url: '/api/v1/sites/:siteKey/attestations',
    permission: 'policy:write',
    site: 'siteKey',
    params: siteKeyParams,
    body: newAttestationSchema,
    doc: {
      summary:
        'Attest a practice Veil holds no evidence of (training done, playbook reviewed, DPA signed…); dated, attributed, audited, valid a year',
      tags: ['compliance'],
      responses: {
        201: { description: 'Recorded', schema: attestationEnvelopeSchema },
        ...errorResponses(400, 401, 403, 404),
      },
    },
    handler: async ({ params, body, request, reply }) => {
      const site = await siteOf(params.siteKey);
      const record = await recordAttestation(deps, site, body, by(request));
      return reply.status(201).send({ attestation: attestationView(record, clock.now()) });
    },
  });
}
