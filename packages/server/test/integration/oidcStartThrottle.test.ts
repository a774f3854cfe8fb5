import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestOidcProvider, type TestOidcProvider } from '../../../../test/support/oidcProvider.js';
import { MAX_OIDC_STARTS_PER_CLIENT, OIDC_START_WINDOW_MS } from '../../src/auth/oidc/OidcStartThrottle.js';
import { startTestApp, type TestApp } from '../support/testApp.js';

// GET /api/v1/auth/oidc/start stores a pending login per call (one of the two GETs that write, by
// the protocol): a client address gets MAX_OIDC_STARTS_PER_CLIENT a minute, then 429 and no row.

describe('single sign-on start is rate-limited', () => {
  let t: TestApp;
  let provider: TestOidcProvider;
  let db: BetterSqlite3.Database;

  beforeAll(async () => {
    const redirect = 'http://veil.test/api/v1/auth/oidc/callback';
    provider = await startTestOidcProvider({ redirectUri: redirect, accounts: [] });
    t = await startTestApp({
      env: {
        VEIL_OIDC_ISSUER: provider.issuer,
        VEIL_OIDC_CLIENT_ID: provider.clientId,
        VEIL_OIDC_CLIENT_SECRET: provider.clientSecret,
        VEIL_OIDC_REDIRECT_URL: redirect,
        VEIL_OIDC_ROLE_MAP: 'veil-analysts=analyst@*',
      },
    });
    if (t.config.database.kind !== 'sqlite') throw new Error('this test reads the SQLite file');
    db = new BetterSqlite3(t.config.database.file, { readonly: true });
  });
  afterAll(async () => {
    db?.close();
    await t?.close();
    await provider?.close();
  });

  const pending = () => (db.prepare('SELECT count(*) AS n FROM oidc_logins').get() as { n: number }).n;
  const start = (remoteAddress: string) =>
    t.app.inject({ method: 'GET', url: '/api/v1/auth/oidc/start', remoteAddress });

  it('answers 429 past the limit of one client, writes no pending login, and lets others and later starts through', async () => {
    for (let i = 0; i < MAX_OIDC_STARTS_PER_CLIENT; i++) {
      const res = await start('203.0.113.7');
      expect(res.statusCode, res.body).toBe(302);
    }
    expect(pending()).toBe(MAX_OIDC_STARTS_PER_CLIENT);
    const refused = await start('203.0.113.7');
    expect(refused.statusCode).toBe(429);
    expect(refused.json().error.code).toBe('too_many_requests');
    expect(refused.headers['set-cookie']).toBeUndefined();
    expect(pending()).toBe(MAX_OIDC_STARTS_PER_CLIENT);
    // Another address is not held up by the first.
    expect((await start('198.51.100.9')).statusCode).toBe(302);
    // A minute later the first address may start again.
    t.clock.advance(OIDC_START_WINDOW_MS + 1);
    expect((await start('203.0.113.7')).statusCode).toBe(302);
  });
});
