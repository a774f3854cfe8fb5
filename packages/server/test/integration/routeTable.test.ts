import { PERMISSIONS } from '@veil/core';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { installAccessControl, type RegisteredRoute } from '../../src/http/accessControl.js';
import { openApiPath } from '../../src/openapi/buildOpenApi.js';
import { ROUTE_MODULES } from '../../src/routes/index.js';
import { startTestApp, type TestApp } from '../support/testApp.js';

/** Routes open to anyone, on purpose. Any addition to this list is a security review. */
const PUBLIC_ROUTES = [
  'GET /healthz',
  'POST /ingest/v1/batch',
  'OPTIONS /ingest/v1/batch',
  'GET /r/v1/sites/:siteKey/config',
  'OPTIONS /r/v1/sites/:siteKey/config',
  'GET /r/v1/loader.js',
  'GET /r/v1/recorder.js',
  'GET /r/v1/:chunk',
  // Consent: receipts from the browser, the banner's texts, the opt-out page.
  'POST /r/v1/sites/:siteKey/consent',
  'OPTIONS /r/v1/sites/:siteKey/consent',
  'GET /r/v1/sites/:siteKey/banner',
  'GET /optout',
  'POST /optout',
  'POST /api/v1/auth/login',
  'GET /api/v1/auth/providers',
  'GET /api/v1/auth/oidc/start',
  'GET /api/v1/auth/oidc/callback',
  'GET /api/v1/openapi.json',
  'GET /demo',
  'GET /demo/*',
  'GET /',
  'GET /*',
];

describe('route table', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { VEIL_DEMO: 'true' } });
  });
  afterAll(() => t.close());

  it('every registered route declares a valid permission', () => {
    const routes = t.app.veil.routes;
    expect(routes.length).toBeGreaterThan(15);
    const valid = new Set<string>([...PERMISSIONS, 'public', 'authenticated']);
    for (const route of routes)
      expect(valid.has(route.permission), `${route.method} ${route.url}`).toBe(true);
    // Cross-check with Fastify's own view of the router: nothing registered escaped the table.
    for (const route of routes)
      expect(t.app.hasRoute({ method: route.method as 'GET', url: route.url })).toBe(true);
  });

  it('enumerates the registry: each route module declares a permission on every route it adds', async () => {
    const fromRegistry: string[] = [];
    for (const routeModule of ROUTE_MODULES) {
      // Each module alone on a bare app with access control: a route without a valid permission
      // throws while registering, and the module's own routes are known by name.
      const app = Fastify();
      const routes = installAccessControl(app, { store: t.app.veil.store, clock: new ManualClock() });
      app.decorate('veil', { ...t.app.veil, routes });
      await app.register(routeModule);
      await app.ready();
      await app.close();
      expect(routes.length, routeModule.name).toBeGreaterThan(0);
      fromRegistry.push(...routes.map(routeKey));
    }
    // The app serves exactly what the registry registers: no route module outside it.
    expect(fromRegistry.sort()).toEqual(t.app.veil.routes.map(routeKey).sort());
  });

  it('opens exactly the intended routes to the public', () => {
    const open = t.app.veil.routes
      .filter((r) => r.permission === 'public' && r.method !== 'HEAD')
      .map((r) => `${r.method} ${r.url}`);
    expect(open.sort()).toEqual([...PUBLIC_ROUTES].sort());
  });

  it('pins the permission of each API route', () => {
    const api = Object.fromEntries(
      t.app.veil.routes
        .filter((r) => r.url.startsWith('/api/') && r.method !== 'HEAD')
        .map((r) => [`${r.method} ${r.url}`, r.permission]),
    );
    expect(api).toEqual({
      'POST /api/v1/auth/login': 'public',
      'POST /api/v1/auth/logout': 'authenticated',
      'GET /api/v1/auth/me': 'authenticated',
      'GET /api/v1/auth/providers': 'public',
      'POST /api/v1/auth/logout-everywhere': 'authenticated',
      'POST /api/v1/auth/password': 'authenticated',
      'POST /api/v1/auth/totp/setup': 'authenticated',
      'POST /api/v1/auth/totp/enable': 'authenticated',
      'POST /api/v1/auth/totp/verify': 'authenticated',
      'GET /api/v1/auth/oidc/start': 'public',
      'GET /api/v1/auth/oidc/callback': 'public',
      'GET /api/v1/users': 'users:read',
      'POST /api/v1/users': 'users:write',
      'PATCH /api/v1/users/:id': 'users:write',
      'DELETE /api/v1/users/:id': 'users:write',
      'POST /api/v1/users/:id/logout-everywhere': 'users:write',
      'POST /api/v1/users/:id/totp-reset': 'users:write',
      'GET /api/v1/tokens': 'tokens:write',
      'POST /api/v1/tokens': 'tokens:write',
      'DELETE /api/v1/tokens/:id': 'tokens:write',
      'GET /api/v1/audit': 'audit:read',
      'GET /api/v1/sites/:siteKey/audit': 'audit:read',
      'GET /api/v1/audit/verify': 'audit:read',
      'GET /api/v1/audit/key': 'audit:read',
      'POST /api/v1/audit/export': 'audit:read',
      'GET /api/v1/audit/access-report': 'audit:read',
      'GET /api/v1/sites/:siteKey/access-report': 'audit:read',
      'GET /api/v1/alerts/access': 'alerts:read',
      'GET /api/v1/sites/:siteKey/access-alerts': 'alerts:read',
      'POST /api/v1/alerts/access/:id/acknowledge': 'alerts:write',
      'GET /api/v1/alerts': 'alerts:read',
      'POST /api/v1/alerts/:id/acknowledge': 'alerts:write',
      'POST /api/v1/alerts/:id/resolve': 'alerts:write',
      'GET /api/v1/sites/:siteKey/alert-sinks': 'alerts:read',
      'POST /api/v1/sites/:siteKey/alert-sinks': 'alerts:write',
      'PUT /api/v1/sites/:siteKey/alert-sinks/:id': 'alerts:write',
      'DELETE /api/v1/sites/:siteKey/alert-sinks/:id': 'alerts:write',
      'GET /api/v1/sites/:siteKey/alert-deliveries': 'alerts:read',
      'GET /api/v1/sites/:siteKey/access-limits': 'sites:read',
      'PUT /api/v1/sites/:siteKey/access-limits': 'policy:write',
      'POST /api/v1/sessions/:id/replay-grants': 'replay:raw',
      'GET /api/v1/sites': 'sites:read',
      'POST /api/v1/sites': 'sites:write',
      'GET /api/v1/sites/:siteKey': 'sites:read',
      'GET /api/v1/sites/:siteKey/policy': 'policy:read',
      'GET /api/v1/sites/:siteKey/policy/versions': 'policy:read',
      'GET /api/v1/sites/:siteKey/policy/versions/:version': 'policy:read',
      'POST /api/v1/sites/:siteKey/policy/preview': 'policy:read',
      'PUT /api/v1/sites/:siteKey/policy': 'policy:write',
      'GET /api/v1/sites/:siteKey/notice': 'policy:read',
      'GET /api/v1/sites/:siteKey/masking-failures': 'policy:read',
      'GET /api/v1/sites/:siteKey/privacy-alerts': 'alerts:read',
      'POST /api/v1/sites/:siteKey/privacy-alerts/:id/acknowledge': 'alerts:write',
      'GET /api/v1/sites/:siteKey/privacy-drops': 'policy:read',
      'GET /api/v1/sites/:siteKey/sessions': 'sessions:read',
      'GET /api/v1/sessions/:id': 'sessions:read',
      'GET /api/v1/sessions/:id/events': 'replay:raw',
      'GET /api/v1/sites/:siteKey/heatmaps/pages': 'heatmaps:read',
      'GET /api/v1/sites/:siteKey/funnel': 'heatmaps:read',
      'GET /api/v1/sites/:siteKey/paths': 'heatmaps:read',
      'GET /api/v1/sites/:siteKey/signals/overview': 'heatmaps:read',
      'GET /api/v1/sites/:siteKey/heatmaps/clicks': 'heatmaps:read',
      'GET /api/v1/sites/:siteKey/heatmaps/scroll': 'heatmaps:read',
      'GET /api/v1/sites/:siteKey/heatmaps/attention': 'heatmaps:read',
      'GET /api/v1/sites/:siteKey/heatmaps/snapshot': 'heatmaps:read',
      'GET /api/v1/openapi.json': 'public',
      // Consent evidence and configuration, data-subject rights.
      'GET /api/v1/sites/:siteKey/consent/receipts': 'audit:read',
      'GET /api/v1/sites/:siteKey/consent/stats': 'audit:read',
      'GET /api/v1/sites/:siteKey/banner-texts': 'policy:read',
      'PUT /api/v1/sites/:siteKey/banner-texts/:language': 'policy:write',
      'DELETE /api/v1/sites/:siteKey/banner-texts/:language': 'policy:write',
      'GET /api/v1/sites/:siteKey/optouts': 'audit:read',
      'POST /api/v1/optouts': 'erasure:write',
      'POST /api/v1/sites/:siteKey/erasures': 'erasure:write',
      'GET /api/v1/sites/:siteKey/retention': 'policy:read',
      'GET /api/v1/sites/:siteKey/legal-holds': 'audit:read',
      'POST /api/v1/sites/:siteKey/legal-holds': 'erasure:write',
      'DELETE /api/v1/sites/:siteKey/legal-holds/:holdId': 'erasure:write',
      'POST /api/v1/sites/:siteKey/content-scans': 'erasure:write',
      'GET /api/v1/sites/:siteKey/content-scans': 'audit:read',
      'GET /api/v1/sites/:siteKey/content-scans/:scanId': 'audit:read',
      'POST /api/v1/sites/:siteKey/content-scans/:scanId/erase': 'erasure:write',
      'GET /api/v1/sites/:siteKey/compliance': 'audit:read',
      'POST /api/v1/sites/:siteKey/compliance/report': 'audit:read',
      'GET /api/v1/sites/:siteKey/compliance/trend': 'audit:read',
      'GET /api/v1/sites/:siteKey/processors': 'audit:read',
      'POST /api/v1/sites/:siteKey/processors': 'policy:write',
      'PUT /api/v1/sites/:siteKey/processors/:processorId': 'policy:write',
      'DELETE /api/v1/sites/:siteKey/processors/:processorId': 'policy:write',
      'GET /api/v1/sites/:siteKey/attestations': 'audit:read',
      'POST /api/v1/sites/:siteKey/attestations': 'policy:write',
      'GET /api/v1/sites/:siteKey/scan-schedule': 'policy:read',
      'PUT /api/v1/sites/:siteKey/scan-schedule': 'policy:write',
      'GET /api/v1/sites/:siteKey/scans': 'policy:read',
      'POST /api/v1/sites/:siteKey/scans': 'policy:write',
      'POST /api/v1/sites/:siteKey/incidents': 'erasure:write',
      'GET /api/v1/sites/:siteKey/incidents': 'audit:read',
      'GET /api/v1/sites/:siteKey/incidents/:incidentId': 'audit:read',
      'POST /api/v1/sites/:siteKey/incidents/:incidentId/decision': 'erasure:write',
      // The data inventory: read with the policy, reviewed by whoever may change it.
      'GET /api/v1/sites/:siteKey/inventory': 'policy:read',
      'POST /api/v1/sites/:siteKey/inventory/:itemId/approve': 'policy:write',
      'POST /api/v1/sites/:siteKey/inventory/:itemId/exclude': 'policy:write',
      'GET /api/v1/sites/:siteKey/erasures': 'audit:read',
      'GET /api/v1/sites/:siteKey/erasures/:id': 'audit:read',
      'POST /api/v1/sites/:siteKey/subject-exports': 'erasure:write',
      'POST /api/v1/sites/:siteKey/subject-requests': 'erasure:write',
      'GET /api/v1/subject-requests': 'audit:read',
    });
  });

  it('refuses to start with a route that declares no permission', async () => {
    const app = Fastify();
    installAccessControl(app, { store: t.app.veil.store, clock: new ManualClock() });
    expect(() => app.get('/api/v1/undeclared', async () => ({}))).toThrow(
      /declares no valid config\.permission/,
    );
    expect(() =>
      app.get('/other', { config: { permission: 'sites:delete' as never } }, async () => ({})),
    ).toThrow(/permission/);
    await app.close();
  });

  it('refuses to start with a non-public route that declares no site scope, or one unfit for its URL', async () => {
    const app = Fastify();
    installAccessControl(app, { store: t.app.veil.store, clock: new ManualClock() });
    const handler = async () => ({});
    expect(() => app.get('/api/v1/nosite', { config: { permission: 'sites:read' } }, handler)).toThrow(
      /declares no config\.site/,
    );
    expect(() =>
      app.get('/api/v1/sites/:siteKey/x', { config: { permission: 'sites:read', site: 'global' } }, handler),
    ).toThrow(/:siteKey parameter/);
    expect(() =>
      app.get('/api/v1/y', { config: { permission: 'sites:read', site: 'siteKey' } }, handler),
    ).toThrow(/without a :siteKey/);
    expect(() =>
      app.get('/api/v1/z', { config: { permission: 'sites:read', site: 'everywhere' as never } }, handler),
    ).toThrow(/invalid config\.site/);
    // Public routes have no caller to scope.
    expect(() => app.get('/open', { config: { permission: 'public' } }, handler)).not.toThrow();
    await app.close();
  });

  it('serves an OpenAPI 3.1 document listing every route', async () => {
    const res = await t.app.inject({ url: '/api/v1/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toBe('3.1.0');
    for (const route of t.app.veil.routes) {
      if (route.method === 'HEAD') continue;
      const op = doc.paths[openApiPath(route.url)]?.[route.method.toLowerCase()];
      expect(op, `${route.method} ${route.url}`).toBeDefined();
      expect(op['x-veil-permission']).toBe(route.permission);
    }
    const list = doc.paths['/api/v1/sites/{siteKey}/sessions'].get;
    expect(list.parameters.map((p: { name: string }) => p.name).sort()).toEqual(
      [
        'cursor',
        'device',
        'from',
        'limit',
        'minDurationMs',
        'page',
        'signals',
        'siteKey',
        'sort',
        'to',
        // A funnel step's sessions: the funnel's steps, click steps and the step reached.
        'step',
        ...Array.from({ length: 10 }, (_, i) => `click.${i}`),
        'reached',
        // …and the funnel's received range and tag, so a step's list is exactly what it counted.
        'receivedFrom',
        'receivedTo',
        'tagKey',
        'tagValue',
      ].sort(),
    );
    expect(list.responses['200'].content['application/json'].schema.properties.sessions.items.$ref).toBe(
      '#/components/schemas/SessionSummary',
    );
    expect(doc.components.schemas.SessionSummary.properties.deviceClass).toBeDefined();
    expect(Object.keys(doc.paths['/ingest/v1/batch'].post.requestBody.content).sort()).toEqual([
      'application/json',
      'application/octet-stream',
      'text/plain',
    ]);
    expect(JSON.stringify(doc)).not.toContain('#/$defs/');
  });
});

function routeKey(route: RegisteredRoute): string {
  return `${route.method} ${route.url} ${route.permission}`;
}
