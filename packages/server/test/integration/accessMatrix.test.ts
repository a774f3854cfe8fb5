import { ROLES, type Role, roleHasPermission } from '@veil/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiToken } from '../../src/auth/createApiToken.js';
import type { RegisteredRoute } from '../../src/http/accessControl.js';
import { startTestApp, type TestApp } from '../support/testApp.js';

/** A concrete URL for a route pattern: every `:param` a well-formed dummy, `*` a file name. */
function concrete(url: string): string {
  return url.replace(/:([A-Za-z]+)/g, '00000000-0000-4000-8000-000000000000').replace('*', 'x.js');
}

function expectedAllowed(route: RegisteredRoute, role: Role): boolean {
  if (route.permission === 'public' || route.permission === 'authenticated') return true;
  return roleHasPermission(role, route.permission);
}

/**
 * The role × route matrix: every route the app registered, enumerated from the app itself, under
 * every role (an API token of that role), and without credentials. A denied route answers 403
 * naming the missing permission; an allowed one never does (it may still refuse the dummy input).
 */
describe('role × route matrix', () => {
  let t: TestApp;
  const tokens = new Map<Role, string>();
  beforeAll(async () => {
    t = await startTestApp({ env: { VEIL_DEMO: 'true' } });
    for (const role of ROLES) {
      tokens.set(
        role,
        (await createApiToken(t.app.veil.store, t.clock, { role, name: `matrix ${role}` })).token,
      );
    }
  });
  afterAll(() => t.close());

  const request = (route: RegisteredRoute, headers: Record<string, string>) =>
    t.app.inject({
      method: route.method as 'GET',
      url: concrete(route.url),
      headers,
      payload: ['POST', 'PUT', 'PATCH'].includes(route.method) ? {} : undefined,
    });

  it('covers every registered route', () => {
    const routes = t.app.veil.routes.filter((r) => r.method !== 'HEAD');
    expect(routes.length).toBeGreaterThan(40);
    expect(routes.some((r) => r.url === '/api/v1/audit/export')).toBe(true);
  });

  it.each(ROLES)('%s: allowed exactly where its permissions say', async (role) => {
    const denied: string[] = [];
    const allowed: string[] = [];
    for (const route of t.app.veil.routes) {
      if (route.method === 'HEAD') continue;
      const res = await request(route, { authorization: `Bearer ${tokens.get(role)}` });
      const refusedForRole = res.statusCode === 403 && /lacks the .* permission/.test(res.body);
      const label = `${route.method} ${route.url} → ${res.statusCode}`;
      expect(res.statusCode, label).not.toBe(401);
      if (expectedAllowed(route, role)) {
        expect(refusedForRole, `${role} must reach ${label}`).toBe(false);
        allowed.push(label);
      } else {
        expect(refusedForRole, `${role} must be refused ${label} ${res.body}`).toBe(true);
        denied.push(label);
      }
    }
    expect(allowed.length + denied.length).toBe(t.app.veil.routes.filter((r) => r.method !== 'HEAD').length);
  });

  it('refuses every non-public route without credentials', async () => {
    for (const route of t.app.veil.routes) {
      if (route.method === 'HEAD' || route.permission === 'public') continue;
      const res = await request(route, {});
      expect(res.statusCode, `${route.method} ${route.url}`).toBe(401);
    }
  });

  it('keeps analysts away from raw events, and lets them see aggregates', async () => {
    const analyst = { authorization: `Bearer ${tokens.get('analyst')}` };
    const raw = await t.app.inject({
      url: '/api/v1/sessions/abcdefgh12345678/events',
      headers: analyst,
    });
    expect(raw.statusCode).toBe(403);
    const grant = await t.app.inject({
      method: 'POST',
      url: '/api/v1/sessions/abcdefgh12345678/replay-grants',
      headers: analyst,
      payload: { purpose: 'a purpose long enough' },
    });
    expect(grant.statusCode).toBe(403);
    const sessions = await t.app.inject({
      url: `/api/v1/sites/${t.site.siteKey}/sessions`,
      headers: analyst,
    });
    expect(sessions.statusCode).toBe(200);
  });
});
