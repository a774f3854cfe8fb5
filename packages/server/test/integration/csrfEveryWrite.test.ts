import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SAFE_METHODS } from '../../src/auth/csrf.js';
import type { RegisteredRoute } from '../../src/http/accessControl.js';
import { startTestApp, type TestApp } from '../support/testApp.js';

/** A well-formed dummy for every path parameter: the CSRF check comes before any lookup. */
function concrete(url: string): string {
  return url.replace(/:([A-Za-z]+)/g, (_, name: string) =>
    name === 'version' ? '1' : '00000000-0000-4000-8000-000000000000',
  );
}

/**
 * Every cookie-authenticated write is CSRF-protected: each non-public route of the app's own
 * route table with a method other than GET, HEAD or OPTIONS (so a route added tomorrow is
 * covered) is called with the signed-in owner's session cookie, first without the `X-CSRF-Token`
 * header and then with a wrong one: both answer `403 csrf_failed` and write no audit entry. With
 * the session's own token the same cookie gets past the check, so the header is what decides.
 */
describe('CSRF on every cookie-authenticated write', () => {
  let t: TestApp;
  let signedIn: Record<string, string>;

  beforeAll(async () => {
    t = await startTestApp({ env: { VEIL_DEMO: 'true' } });
    signedIn = await t.loginHeaders();
  });
  afterAll(() => t.close());

  const writes = (): RegisteredRoute[] =>
    t.app.veil.routes.filter((r) => r.permission !== 'public' && !SAFE_METHODS.has(r.method));

  const call = (route: RegisteredRoute, headers: Record<string, string>) =>
    t.app.inject({
      method: route.method as 'POST',
      url: concrete(route.url),
      headers,
      payload: ['POST', 'PUT', 'PATCH'].includes(route.method) ? {} : undefined,
    });

  it('refuses each write without the token or with a wrong one, and records nothing', async () => {
    const routes = writes();
    expect(routes.length).toBeGreaterThan(40);
    expect(routes.some((r) => r.url === '/api/v1/sessions/:id/replay-grants')).toBe(true);
    const cookie = signedIn.cookie ?? '';
    expect(cookie).not.toBe('');
    const last = async () => (await t.app.veil.store.audit.query({ order: 'desc', limit: 1 }))[0]?.seq;
    const before = await last();
    for (const route of routes) {
      const attempts: Record<string, string>[] = [{ cookie }, { cookie, 'x-csrf-token': 'A'.repeat(43) }];
      for (const headers of attempts) {
        const res = await call(route, headers);
        const label = `${route.method} ${route.url} ${JSON.stringify(Object.keys(headers))} → ${res.statusCode} ${res.body.slice(0, 160)}`;
        expect(res.statusCode, label).toBe(403);
        expect(res.json().error.code, label).toBe('csrf_failed');
      }
    }
    expect(await last()).toBe(before);
  });

  it("lets the same cookie past the check with the session's token", async () => {
    for (const route of writes()) {
      // Logging out would end the session the remaining routes use.
      if (route.url.endsWith('/logout') || route.url.endsWith('/logout-everywhere')) continue;
      const res = await call(route, signedIn);
      expect(res.body, `${route.method} ${route.url}`).not.toContain('csrf_failed');
    }
  });
});
