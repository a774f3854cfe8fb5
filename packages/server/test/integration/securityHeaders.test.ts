import path from 'node:path';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SITE_ORIGIN, startTestApp, type TestApp, writeFixture } from '../support/testApp.js';

/** The dashboard's policy, directive by directive. */
function directives(header: string | string[] | number | undefined): Map<string, string[]> {
  expect(typeof header, 'one Content-Security-Policy header').toBe('string');
  const map = new Map<string, string[]>();
  for (const part of String(header).split(';')) {
    const [name, ...values] = part.trim().split(/\s+/);
    if (name) map.set(name, values);
  }
  return map;
}

function expectCommonHeaders(res: LightMyRequestResponse, label: string): void {
  expect(res.headers['x-content-type-options'], label).toBe('nosniff');
  expect(res.headers['referrer-policy'], label).toBe('no-referrer');
}

function expectDashboardPolicy(res: LightMyRequestResponse, label: string): void {
  expectCommonHeaders(res, label);
  const csp = directives(res.headers['content-security-policy']);
  expect(csp.get('default-src'), label).toEqual(["'self'"]);
  // No inline or evaluated script, no plugins, frames only from Veil, never framed.
  expect(csp.get('script-src'), label).toEqual(["'self'"]);
  expect(csp.get('script-src-attr'), label).toEqual(["'none'"]);
  expect(csp.get('object-src'), label).toEqual(["'none'"]);
  expect(csp.get('frame-src'), label).toEqual(["'self'"]);
  expect(csp.get('frame-ancestors'), label).toEqual(["'none'"]);
  expect(csp.get('base-uri'), label).toEqual(["'none'"]);
  // The replay frame (about:blank) inherits this policy: rrweb's inline styles, data:/blob: images.
  expect(csp.get('style-src'), label).toEqual(["'self'", "'unsafe-inline'"]);
  expect(csp.get('img-src'), label).toEqual(["'self'", 'data:', 'blob:']);
  expect(res.headers['x-frame-options'], label).toBe('DENY');
  expect(res.headers['cross-origin-resource-policy'], label).toBe('same-origin');
  expect(res.headers['cross-origin-opener-policy'], label).toBe('same-origin');
}

/** A concrete request path for a route pattern. */
function concrete(url: string): string {
  return url.replace(/:[A-Za-z]+/g, 'abcdefgh12').replace(/\*$/, 'x.js');
}

describe('security headers', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { VEIL_DEMO: 'true', PORT: '18998' } });
    const d = path.join(t.dir, 'dashboard');
    writeFixture(d, 'index.html', '<!doctype html><title>Veil dashboard</title>');
    writeFixture(d, 'assets/app-1234.js', 'console.log("dashboard")');
    writeFixture(path.join(t.dir, 'recorder'), 'loader.js', '/* loader */');
    writeFixture(path.join(t.dir, 'recorder'), 'banner.js', '/* banner */');
    writeFixture(path.join(t.dir, 'demo'), 'index.html', '<script>veil=1</script>');
  });
  afterAll(() => t.close());

  it('gives the dashboard its strict policy', async () => {
    for (const url of ['/', '/sessions/abc', '/assets/app-1234.js']) {
      const res = await t.app.inject({ url });
      expect(res.statusCode, url).toBe(200);
      expectDashboardPolicy(res, url);
    }
  });

  it('gives the API the same headers, also on answers access control refuses', async () => {
    const refused = await t.app.inject({ url: `/api/v1/sites/${t.site.siteKey}/sessions` });
    expect(refused.statusCode).toBe(401);
    expectDashboardPolicy(refused, 'refused');
    expect(refused.headers['cache-control']).toBe('no-store');
    const cookie = await t.login();
    const ok = await t.app.inject({ url: '/api/v1/sites', headers: { cookie } });
    expect(ok.statusCode).toBe(200);
    expectDashboardPolicy(ok, 'api');
    expect(ok.headers['cache-control']).toBe('no-store');
    const unknown = await t.app.inject({ url: '/api/v1/nope' });
    expect(unknown.statusCode).toBe(404);
    expectDashboardPolicy(unknown, 'unknown');
  });

  it('lets customer sites load the recorder endpoints cross-origin, with CORS intact', async () => {
    const loader = await t.app.inject({ url: '/r/v1/loader.js', headers: { origin: SITE_ORIGIN } });
    expect(loader.statusCode).toBe(200);
    expect(loader.headers['cross-origin-resource-policy']).toBe('cross-origin');
    expect(loader.headers['access-control-allow-origin']).toBe('*');
    expect(loader.headers['cross-origin-opener-policy']).toBeUndefined();
    expectCommonHeaders(loader, 'loader');

    const config = await t.app.inject({
      url: `/r/v1/sites/${t.site.siteKey}/config`,
      headers: { origin: SITE_ORIGIN },
    });
    expect(config.statusCode).toBe(200);
    expect(config.headers['cross-origin-resource-policy']).toBe('cross-origin');
    expect(config.headers['access-control-allow-origin']).toBe(SITE_ORIGIN);

    const preflight = await t.app.inject({
      method: 'OPTIONS',
      url: '/ingest/v1/batch',
      headers: {
        origin: SITE_ORIGIN,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe(SITE_ORIGIN);
    expect(preflight.headers['cross-origin-resource-policy']).toBe('cross-origin');

    const batch = await t.app.inject({
      method: 'POST',
      url: '/ingest/v1/batch',
      headers: { origin: SITE_ORIGIN, 'content-type': 'application/json' },
      payload: '{"not":"a batch"}',
    });
    expect(batch.statusCode).toBe(400);
    expect(batch.headers['access-control-allow-origin']).toBe(SITE_ORIGIN);
    expect(batch.headers['cross-origin-resource-policy']).toBe('cross-origin');
    expect(directives(batch.headers['content-security-policy']).get('default-src')).toEqual(["'none'"]);
  });

  it('keeps the opt-out page on its own single policy', async () => {
    const res = await t.app.inject({ url: `/optout?site=${t.site.siteKey}` });
    expect(res.statusCode).toBe(200);
    expectCommonHeaders(res, 'optout');
    expect(res.headers['content-security-policy']).toBe(
      "default-src 'none';style-src 'unsafe-inline';form-action 'self';frame-ancestors 'none';base-uri 'none'",
    );
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it("leaves the demo site (a customer's page with its inline snippet) without a policy", async () => {
    const res = await t.app.inject({ url: '/demo/' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-security-policy']).toBeUndefined();
    expectCommonHeaders(res, 'demo');
  });

  it('sends them on every registered route: cross-origin exactly on the recorder and ingest', async () => {
    const routes = t.app.veil.routes.filter((r) => r.method !== 'HEAD');
    expect(routes.length).toBeGreaterThan(50);
    for (const route of routes) {
      const url = concrete(route.url);
      const label = `${route.method} ${route.url}`;
      const res = await t.app.inject({
        method: route.method as 'GET',
        url,
        headers: { origin: SITE_ORIGIN },
      });
      expectCommonHeaders(res, label);
      const publicRoute = route.url.startsWith('/r/') || route.url.startsWith('/ingest/');
      expect(res.headers['cross-origin-resource-policy'], label).toBe(
        publicRoute ? 'cross-origin' : 'same-origin',
      );
      if (route.url.startsWith('/demo')) continue;
      const csp = directives(res.headers['content-security-policy']);
      expect(csp.get('frame-ancestors'), label).toEqual(["'none'"]);
      expect(csp.get('script-src') ?? csp.get('default-src'), label).not.toContain("'unsafe-inline'");
    }
  });
});
