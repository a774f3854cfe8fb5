import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_LOGIN_FAILURES } from '../../src/auth/LoginThrottle.js';
import { hashPassword } from '../../src/auth/passwords.js';
import { AUTH_SESSION_IDLE_MS, AUTH_SESSION_MAX_MS } from '../../src/auth/principal.js';
import { FAST_HASHING, OWNER_EMAIL, OWNER_PASSWORD, startTestApp, type TestApp } from '../support/testApp.js';

/** A concrete URL for a route pattern: every `:param` gets a well-formed dummy value. */
function concrete(url: string): string {
  return url.replace(/:([A-Za-z]+)/g, 'abcdefgh12345678');
}

describe('authentication and permissions', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('answers 401 on every non-public /api route without credentials, with a bad cookie or a bad token', async () => {
    const guarded = t.app.veil.routes.filter((r) => r.url.startsWith('/api/') && r.permission !== 'public');
    expect(guarded.length).toBeGreaterThanOrEqual(8);
    for (const route of guarded) {
      for (const headers of [
        {},
        { cookie: 'veil_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' },
        { authorization: 'Bearer veil_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' },
        { authorization: 'Basic b3duZXI6cGFzcw==' },
      ]) {
        const res = await t.app.inject({
          method: route.method as 'GET',
          url: concrete(route.url),
          headers,
          payload: route.method === 'POST' ? {} : undefined,
        });
        expect(res.statusCode, `${route.method} ${route.url} ${JSON.stringify(headers)}`).toBe(401);
        if (route.method !== 'HEAD') expect(res.json().error.code).toBe('unauthenticated');
      }
    }
  });

  it('logs in with a cookie that is HttpOnly, SameSite=Lax, Path=/ and stores only its hash', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: OWNER_EMAIL.toUpperCase(), password: OWNER_PASSWORD },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      user: { id: expect.any(String), email: OWNER_EMAIL, role: 'owner' },
      // The owner has TOTP: this session is limited to the second step until it passes.
      secondFactor: 'pending',
      totpEnabled: true,
      csrfToken: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
    });
    const cookie = res.cookies.find((c) => c.name === 'veil_session');
    expect(cookie).toMatchObject({
      httpOnly: true,
      sameSite: 'Lax',
      path: '/',
      maxAge: AUTH_SESSION_MAX_MS / 1000,
    });
    expect(cookie?.secure).toBeFalsy();
    expect(cookie?.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const me = await t.app.inject({
      url: '/api/v1/auth/me',
      headers: { cookie: `veil_session=${cookie?.value}` },
    });
    expect(me.json().user.email).toBe(OWNER_EMAIL);
    expect(await t.app.veil.store.authSessions.findByTokenHash(cookie?.value ?? '')).toBeUndefined();
  });

  it('marks the cookie Secure behind TLS (X-Forwarded-Proto with a trusted proxy) or when forced', async () => {
    const secure = await startTestApp({ env: { VEIL_SECURE_COOKIES: 'true' } });
    try {
      const res = await secure.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email: OWNER_EMAIL, password: OWNER_PASSWORD },
      });
      expect(res.cookies.find((c) => c.name === 'veil_session')?.secure).toBe(true);
    } finally {
      await secure.close();
    }
    const proxied = await startTestApp({ env: { VEIL_TRUST_PROXY: 'true' } });
    try {
      const res = await proxied.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        headers: { 'x-forwarded-proto': 'https' },
        payload: { email: OWNER_EMAIL, password: OWNER_PASSWORD },
      });
      expect(res.cookies.find((c) => c.name === 'veil_session')?.secure).toBe(true);
    } finally {
      await proxied.close();
    }
  });

  it('refuses wrong passwords and unknown emails alike', async () => {
    for (const payload of [
      { email: OWNER_EMAIL, password: 'wrong password' },
      { email: 'nobody@test.local', password: OWNER_PASSWORD },
    ]) {
      const res = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload });
      expect(res.statusCode).toBe(401);
      expect(res.json().error.code).toBe('invalid_credentials');
      expect(res.cookies).toHaveLength(0);
    }
    const bad = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: OWNER_EMAIL },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toContain('password');
    const notJson = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      headers: { 'content-type': 'application/json' },
      payload: '{"email":',
    });
    expect(notJson.statusCode).toBe(400);
    expect(notJson.json().error.code).toBe('invalid_json');
  });

  it('throttles an account after repeated failures', async () => {
    const email = 'throttled@test.local';
    await t.app.veil.store.users.create({
      email,
      role: 'analyst',
      passwordHash: await hashPassword('right password', FAST_HASHING),
      createdAt: t.clock.now(),
    });
    for (let i = 0; i < MAX_LOGIN_FAILURES; i++) {
      await t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email, password: 'wrong' },
      });
    }
    const blocked = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email, password: 'right password' },
    });
    expect(blocked.statusCode).toBe(429);
    t.clock.advance(16 * 60 * 1000);
    expect(await t.login(email, 'right password')).toMatch(/^veil_session=/);
  });

  it('accepts a bearer token and enforces its role', async () => {
    const analyst = await t.token('analyst');
    const sites = await t.app.inject({
      url: '/api/v1/sites',
      headers: { authorization: `Bearer ${analyst}` },
    });
    expect(sites.statusCode).toBe(200);
    expect(sites.json().sites.map((s: { siteKey: string }) => s.siteKey)).toContain(t.site.siteKey);
    const me = await t.app.inject({
      url: '/api/v1/auth/me',
      headers: { authorization: `Bearer ${analyst}` },
    });
    expect(me.json()).toMatchObject({ user: null, token: { role: 'analyst' } });
    const create = await t.app.inject({
      method: 'POST',
      url: '/api/v1/sites',
      headers: { authorization: `Bearer ${analyst}` },
      payload: { name: 'Nope', origins: ['https://nope.example'] },
    });
    expect(create.statusCode).toBe(403);
    expect(create.json().error.code).toBe('forbidden');
    const replay = await t.app.inject({
      url: '/api/v1/sessions/abcdefgh12345678/events',
      headers: { authorization: `Bearer ${analyst}` },
    });
    expect(replay.statusCode).toBe(403);
  });

  it('expires a cookie session after 12 h idle and after 7 days in any case', async () => {
    const cookie = await t.login();
    const me = () => t.app.inject({ url: '/api/v1/auth/me', headers: { cookie } });
    t.clock.advance(AUTH_SESSION_IDLE_MS - 60_000);
    expect((await me()).statusCode).toBe(200);
    t.clock.advance(AUTH_SESSION_IDLE_MS - 60_000);
    expect((await me()).statusCode).toBe(200);
    t.clock.advance(AUTH_SESSION_IDLE_MS + 1);
    expect((await me()).statusCode).toBe(401);

    const active = await t.login();
    for (
      let elapsed = 0;
      elapsed < AUTH_SESSION_MAX_MS - AUTH_SESSION_IDLE_MS;
      elapsed += AUTH_SESSION_IDLE_MS / 2
    ) {
      t.clock.advance(AUTH_SESSION_IDLE_MS / 2);
      expect((await t.app.inject({ url: '/api/v1/auth/me', headers: { cookie: active } })).statusCode).toBe(
        200,
      );
    }
    t.clock.advance(AUTH_SESSION_IDLE_MS);
    expect((await t.app.inject({ url: '/api/v1/auth/me', headers: { cookie: active } })).statusCode).toBe(
      401,
    );
  });

  it('logs out: the cookie session ends, even with a JSON content type and no body', async () => {
    const auth = await t.loginHeaders();
    const cookie = auth.cookie ?? '';
    const out = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/logout',
      headers: { ...auth, 'content-type': 'application/json' },
    });
    expect(out.statusCode).toBe(204);
    expect(out.cookies.find((c) => c.name === 'veil_session')?.value).toBe('');
    expect((await t.app.inject({ url: '/api/v1/auth/me', headers: { cookie } })).statusCode).toBe(401);
  });

  it('creates and reads sites through the API', async () => {
    const auth = await t.loginHeaders();
    const cookie = auth.cookie ?? '';
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/sites',
      headers: auth,
      payload: {
        name: 'Blog',
        origins: ['https://Blog.Example:443/', 'http://localhost:3000'],
        samplingPercent: 50,
      },
    });
    expect(created.statusCode).toBe(201);
    const site = created.json().site;
    expect(site).toEqual({
      siteKey: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/),
      name: 'Blog',
      origins: ['http://localhost:3000', 'https://blog.example'],
      lawfulBasis: 'consent',
      samplingPercent: 50,
      createdAt: t.clock.now(),
    });
    const read = await t.app.inject({ url: `/api/v1/sites/${site.siteKey}`, headers: { cookie } });
    expect(read.json().site).toEqual(site);
    const missing = await t.app.inject({ url: '/api/v1/sites/does_not_exist', headers: { cookie } });
    expect(missing.statusCode).toBe(404);
    const invalid = await t.app.inject({
      method: 'POST',
      url: '/api/v1/sites',
      headers: auth,
      payload: { name: 'Bad', origins: ['https://bad.example/path?x'] },
    });
    expect(invalid.statusCode).toBe(400);
    expect(invalid.json().error).toMatchObject({
      code: 'validation_failed',
      message: expect.stringContaining('origins.0'),
    });
  });
});
