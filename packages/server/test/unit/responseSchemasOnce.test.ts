import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as core from '@veil/core';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ManualClock } from '../../src/clock.js';
import * as server from '../../src/heatmap/heatmapApiSchemas.js';
import { installAccessControl, type RegisteredRoute } from '../../src/http/accessControl.js';
import { ROUTE_MODULES } from '../../src/routes/index.js';

/**
 * Response schemas live once, in @veil/core: the server declares its routes with them and the
 * dashboard decodes with the very same objects, so the two cannot drift apart again.
 */

const packages = fileURLToPath(new URL('../../../', import.meta.url));

function filesUnder(dir: string, suffix: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith(suffix))
    .map((f) => join(dir, f));
}

/** Each shared answer: the route and status whose response schema must be this very core object. */
const SHARED_RESPONSES: ReadonlyArray<readonly [string, number, z.ZodType]> = [
  ['GET /api/v1/sites/:siteKey/heatmaps/pages', 200, core.heatmapPagesSchema],
  ['GET /api/v1/sites/:siteKey/heatmaps/clicks', 200, core.clickHeatmapSchema],
  ['GET /api/v1/sites/:siteKey/heatmaps/scroll', 200, core.scrollHeatmapSchema],
  ['GET /api/v1/sites/:siteKey/heatmaps/attention', 200, core.attentionHeatmapSchema],
  ['GET /api/v1/sites/:siteKey/heatmaps/snapshot', 200, core.heatmapSnapshotSchema],
  ['GET /api/v1/sites', 200, core.sitesResponseSchema],
  ['GET /api/v1/sites/:siteKey', 200, core.siteEnvelopeSchema],
  ['POST /api/v1/sites', 201, core.siteEnvelopeSchema],
  ['GET /api/v1/sites/:siteKey/sessions', 200, core.sessionListResponseSchema],
  ['GET /api/v1/sessions/:id', 200, core.sessionDetailResponseSchema],
  ['POST /api/v1/auth/login', 200, core.loginResponseSchema],
  ['GET /api/v1/auth/me', 200, core.authMeResponseSchema],
  ['GET /api/v1/sites/:siteKey/funnel', 200, core.funnelResponseSchema],
  ['GET /api/v1/sites/:siteKey/paths', 200, core.topPathsResponseSchema],
  ['GET /api/v1/sites/:siteKey/incidents', 200, core.incidentListResponseSchema],
  ['POST /api/v1/sites/:siteKey/incidents', 201, core.incidentEnvelopeSchema],
  ['GET /api/v1/sites/:siteKey/incidents/:incidentId', 200, core.incidentDetailSchema],
  ['POST /api/v1/sites/:siteKey/incidents/:incidentId/decision', 200, core.incidentEnvelopeSchema],
  ['POST /api/v1/sites/:siteKey/content-scans', 202, core.contentScanEnvelopeSchema],
  ['GET /api/v1/sites/:siteKey/content-scans', 200, core.contentScanListResponseSchema],
  ['GET /api/v1/sites/:siteKey/content-scans/:scanId', 200, core.contentScanEnvelopeSchema],
  ['POST /api/v1/sites/:siteKey/content-scans/:scanId/erase', 200, core.contentErasureResponseSchema],
  ['GET /api/v1/auth/providers', 200, core.authProvidersResponseSchema],
  ['POST /api/v1/auth/totp/setup', 200, core.totpSetupResponseSchema],
  ['POST /api/v1/auth/logout-everywhere', 200, core.sessionsEndedResponseSchema],
  ['GET /api/v1/users', 200, core.userListResponseSchema],
  ['POST /api/v1/users', 201, core.createdUserResponseSchema],
  ['PATCH /api/v1/users/:id', 200, core.managedUserEnvelopeSchema],
  ['POST /api/v1/users/:id/logout-everywhere', 200, core.sessionsEndedResponseSchema],
  ['GET /api/v1/tokens', 200, core.tokenListResponseSchema],
  ['POST /api/v1/tokens', 201, core.createdTokenResponseSchema],
  ['GET /api/v1/audit', 200, core.auditPageResponseSchema],
  ['GET /api/v1/sites/:siteKey/audit', 200, core.auditPageResponseSchema],
  ['GET /api/v1/audit/verify', 200, core.auditVerifyResponseSchema],
  ['GET /api/v1/audit/access-report', 200, core.accessReportResponseSchema],
  ['GET /api/v1/sites/:siteKey/access-report', 200, core.accessReportResponseSchema],
  ['GET /api/v1/alerts/access', 200, core.accessAlertListResponseSchema],
  ['GET /api/v1/sites/:siteKey/access-alerts', 200, core.accessAlertListResponseSchema],
  ['POST /api/v1/sessions/:id/replay-grants', 201, core.replayGrantEnvelopeSchema],
  ['GET /api/v1/sessions/:id/events', 200, core.sessionEventsResponseSchema],
  ['GET /api/v1/alerts', 200, core.alertListResponseSchema],
  ['POST /api/v1/alerts/:id/acknowledge', 200, core.alertViewSchema],
  ['POST /api/v1/alerts/:id/resolve', 200, core.alertViewSchema],
  ['GET /api/v1/sites/:siteKey/alert-sinks', 200, core.alertSinkListResponseSchema],
  ['POST /api/v1/sites/:siteKey/alert-sinks', 201, core.alertSinkViewSchema],
  ['PUT /api/v1/sites/:siteKey/alert-sinks/:id', 200, core.alertSinkViewSchema],
  ['GET /api/v1/sites/:siteKey/alert-deliveries', 200, core.alertDeliveryListResponseSchema],
  ['GET /api/v1/sites/:siteKey/inventory', 200, core.inventoryResponseSchema],
  ['GET /api/v1/sites/:siteKey/policy', 200, core.currentPolicyResponseSchema],
  ['GET /api/v1/sites/:siteKey/policy/versions', 200, core.policyVersionListResponseSchema],
  ['GET /api/v1/sites/:siteKey/policy/versions/:version', 200, core.policyVersionEnvelopeSchema],
  ['POST /api/v1/sites/:siteKey/policy/preview', 200, core.policyPreviewResponseSchema],
  ['PUT /api/v1/sites/:siteKey/policy', 200, core.policyVersionEnvelopeSchema],
  ['GET /api/v1/sites/:siteKey/masking-failures', 200, core.maskingFailureListResponseSchema],
  ['GET /api/v1/sites/:siteKey/privacy-alerts', 200, core.privacyAlertListResponseSchema],
  ['GET /api/v1/sites/:siteKey/privacy-drops', 200, core.privacyDropListResponseSchema],
  ['GET /api/v1/sites/:siteKey/notice', 200, core.disclosureNoticeResponseSchema],
  ['GET /api/v1/sites/:siteKey/compliance', 200, core.complianceReportSchema],
  ['GET /api/v1/sites/:siteKey/compliance/trend', 200, core.readinessTrendResponseSchema],
  ['GET /api/v1/sites/:siteKey/processors', 200, core.processorListResponseSchema],
  ['POST /api/v1/sites/:siteKey/processors', 201, core.processorEnvelopeSchema],
  ['POST /api/v1/sites/:siteKey/attestations', 201, core.attestationEnvelopeSchema],
  ['GET /api/v1/sites/:siteKey/consent/stats', 200, core.consentStatsResponseSchema],
  ['GET /api/v1/sites/:siteKey/consent/receipts', 200, core.consentReceiptListResponseSchema],
  ['GET /api/v1/sites/:siteKey/banner-texts', 200, core.bannerTextsResponseSchema],
  ['POST /api/v1/sites/:siteKey/erasures', 201, core.erasureReceiptEnvelopeSchema],
  ['GET /api/v1/subject-requests', 200, core.subjectRequestListResponseSchema],
  ['POST /api/v1/sites/:siteKey/subject-requests', 201, core.subjectRequestEnvelopeSchema],
  ['POST /api/v1/sites/:siteKey/inventory/:itemId/approve', 200, core.inventoryItemEnvelopeSchema],
  ['POST /api/v1/sites/:siteKey/inventory/:itemId/exclude', 200, core.inventoryItemEnvelopeSchema],
];

/**
 * Dashboard API modules whose answers are still declared in the dashboard (#12, not moved yet).
 * This list only shrinks: each file on it must still hold a `z.object(` (else take it off).
 */
const NOT_YET_SHARED: string[] = [];

/** Stands in for any part of the app context a route module reads while registering. */
function stub(): unknown {
  return new Proxy(() => undefined, {
    get: (_t, key) => (key === 'then' ? undefined : key === Symbol.toPrimitive ? () => 0 : stub()),
    apply: () => stub(),
  });
}

/** The route table without a store: every route module registered on a bare app. */
async function routeTable(): Promise<RegisteredRoute[]> {
  const all: RegisteredRoute[] = [];
  for (const routeModule of ROUTE_MODULES) {
    const app = Fastify();
    const routes = installAccessControl(app, { store: {} as never, clock: new ManualClock() });
    app.decorate(
      'veil',
      new Proxy({ routes }, { get: (t, key) => (key === 'routes' ? t.routes : stub()) }) as never,
    );
    await app.register(routeModule);
    await app.ready();
    await app.close();
    all.push(...routes);
  }
  return all;
}

describe('response schemas', () => {
  it('the heatmap ones are the core objects on the server', () => {
    expect(server.heatmapPagesSchema).toBe(core.heatmapPagesSchema);
    expect(server.clickHeatmapSchema).toBe(core.clickHeatmapSchema);
    expect(server.scrollHeatmapSchema).toBe(core.scrollHeatmapSchema);
    expect(server.attentionHeatmapSchema).toBe(core.attentionHeatmapSchema);
    expect(server.heatmapSnapshotSchema).toBe(core.heatmapSnapshotSchema);
  });

  it('are the core objects in the route table (and so in the OpenAPI document)', async () => {
    const routes = await routeTable();
    for (const [route, status, schema] of SHARED_RESPONSES) {
      const found = routes.find((r) => `${r.method} ${r.url}` === route);
      expect(found, route).toBeDefined();
      expect(found?.doc?.responses[status]?.schema === schema, `${route} ${status}`).toBe(true);
    }
  });

  it('are not redeclared by the server under their OpenAPI name', () => {
    const ids = (Object.values(core) as unknown[])
      .filter((v): v is z.ZodType => v instanceof z.ZodType)
      .map((s) => z.globalRegistry.get(s)?.id)
      .filter((id): id is string => typeof id === 'string');
    expect(ids).toEqual(
      expect.arrayContaining([
        'Site',
        'SessionSummary',
        'User',
        'Funnel',
        'TopPaths',
        'ManagedUser',
        'ApiToken',
        'AuditEntry',
        'AccessAlert',
        'ReplayGrant',
      ]),
    );
    const serverSrc = join(packages, 'server/src');
    for (const file of filesUnder(serverSrc, '.ts')) {
      const source = readFileSync(file, 'utf8');
      for (const id of ids) expect(source, `${file} redeclares ${id}`).not.toContain(`id: '${id}'`);
    }
  });

  it('are imported, not redeclared, by the dashboard', () => {
    const dashboardSrc = join(packages, 'dashboard/src');
    const apis = filesUnder(dashboardSrc, 'Api.ts').map((f) => f.slice(dashboardSrc.length + 1));
    expect(apis).toEqual(
      expect.arrayContaining(['heatmaps/heatmapApi.ts', 'sites/sitesApi.ts', ...NOT_YET_SHARED]),
    );
    for (const file of apis) {
      const source = readFileSync(join(dashboardSrc, file), 'utf8');
      if (NOT_YET_SHARED.includes(file))
        expect(source, `${file} is shared now: take it off NOT_YET_SHARED`).toMatch(/\bz\.object\(/);
      else expect(source, file).not.toMatch(/\bz\.object\(/);
    }
  });
});
