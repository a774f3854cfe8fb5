import { createHash } from 'node:crypto';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestOidcProvider, type TestOidcProvider } from '../../../../test/support/oidcProvider.js';
import { createApiToken } from '../../src/auth/createApiToken.js';
import type { RegisteredRoute } from '../../src/http/accessControl.js';
import { makeBatch, metaEvent, moveEvent, sessionId, T0 } from '../support/batches.js';
import { SITE_ORIGIN, startTestApp, type TestApp } from '../support/testApp.js';

/**
 * Columns that change on reads by design, each for a reason: the last use of a credential is
 * bookkeeping of authentication (idle timeouts, stale-token reports), not a change to anything a
 * route serves.
 */
const AUTH_BOOKKEEPING: Record<string, readonly string[]> = {
  auth_sessions: ['last_seen_at'],
  api_tokens: ['last_used_at'],
};

/**
 * The only GET routes that write, each with the tables it may change and why. Both are steps of
 * the OpenID Connect authorization code flow, where the protocol makes the browser arrive by a GET
 * redirect; neither is reachable with a credential the caller holds (they sign a browser in), and
 * neither writes an audit entry unless a login succeeds. Any other GET that changes a table fails.
 */
const WRITES_BY_DESIGN: Record<string, { tables: readonly string[]; why: string }> = {
  '/api/v1/auth/oidc/start': {
    tables: ['oidc_logins'],
    why: 'the pending login (state hash, nonce, PKCE verifier) is stored before the browser goes to the provider; rate-limited per client address (OidcStartThrottle)',
  },
  '/api/v1/auth/oidc/callback': {
    tables: [
      'oidc_logins',
      'users',
      'user_sites',
      'auth_sessions',
      'audit_log',
      'audit_head',
      'audit_checkpoints',
    ],
    why: 'the provider sends the browser back with a GET: the pending login is used up, the account created or updated by the group mapping, and the browser signed in (auth.login_succeeded)',
  },
};

/**
 * No GET changes state: every GET route of the app's own route table (public ones too, so a route
 * added tomorrow is covered) is called with owner credentials, by bearer token and by cookie, on
 * real objects; afterwards every table of the SQLite file holds exactly what it held before (apart
 * from `AUTH_BOOKKEEPING`, and `WRITES_BY_DESIGN` in their own tables only), and the audit log has
 * no new entry. Single sign-on is configured against a real provider, so its routes run.
 */
describe('GET routes change nothing', () => {
  let t: TestApp;
  let db: BetterSqlite3.Database;
  let bearer: Record<string, string>;
  let cookie: Record<string, string>;
  const objects: Record<string, string> = {};
  let provider: TestOidcProvider;

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
    const { store } = t.app.veil;
    bearer = {
      authorization: `Bearer ${(await createApiToken(store, t.clock, { role: 'owner', name: 'o' })).token}`,
    };
    cookie = await t.loginHeaders();
    const session = sessionId();
    const ingested = await t.ingest(
      makeBatch({
        siteKey: t.site.siteKey,
        sessionId: session,
        events: [metaEvent(T0, `${SITE_ORIGIN}/`), moveEvent(T0 + 5_000)],
      }),
    );
    expect(ingested.statusCode, ingested.body).toBe(202);
    objects.session = session;
    const post = async (url: string, payload: object) => {
      const res = await t.app.inject({ method: 'POST', url, headers: bearer, payload });
      expect(res.statusCode, `${url} ${res.body}`).toBe(201);
      return res.json();
    };
    objects.grant = (
      await post(`/api/v1/sessions/${session}/replay-grants`, {
        purpose: 'check that reading changes nothing',
      })
    ).grant.id;
    objects.erasure = (
      await post(`/api/v1/sites/${t.site.siteKey}/erasures`, {
        selector: { kind: 'userId', userId: 'nobody' },
      })
    ).receipt.id;
    objects.incident = (
      await post(`/api/v1/sites/${t.site.siteKey}/incidents`, {
        title: 'a value seen in a replay',
        kind: 'personal_data',
        foundHow: 'replay_review',
      })
    ).incident.id;
    const scan = await t.app.inject({
      method: 'POST',
      url: `/api/v1/sites/${t.site.siteKey}/content-scans`,
      headers: bearer,
      payload: { value: 'nothing-like-this-was-recorded' },
    });
    expect(scan.statusCode, scan.body).toBe(202);
    objects.scan = scan.json().scan.id;
    // The scan runs in the background: wait until it is done, so only the GETs could change anything.
    for (let i = 0; i < 200; i++) {
      const res = await t.app.inject({
        url: `/api/v1/sites/${t.site.siteKey}/content-scans/${objects.scan}`,
        headers: bearer,
      });
      if (res.json().scan.status !== 'running') break;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    db = new BetterSqlite3(t.config.database.file, { readonly: true });
  });
  afterAll(async () => {
    db?.close();
    await t?.close();
    await provider?.close();
  });

  function urlOf(route: RegisteredRoute): string {
    const path = route.url
      .replace(/:([A-Za-z]+)/g, (_, name: string) => {
        if (name === 'siteKey') return t.site.siteKey;
        if (name === 'id' && route.url.startsWith('/api/v1/sessions/')) return objects.session ?? '';
        if (name === 'id' && route.url.includes('/erasures/')) return objects.erasure ?? '';
        if (name === 'version') return '1';
        if (name === 'scanId') return objects.scan ?? '';
        if (name === 'incidentId') return objects.incident ?? '';
        if (name === 'chunk') return 'loader.js';
        throw new Error(`teach this test the :${name} of GET ${route.url}`);
      })
      .replace(/\*$/, 'index.html');
    if (route.url === '/api/v1/sessions/:id/events') return `${path}?grant=${objects.grant}`;
    if (route.url.includes('/heatmaps/')) return `${path}?page=%2F`;
    return path;
  }

  /** Every table's rows (bookkeeping columns left out), hashed. */
  function snapshot(): Map<string, string> {
    const tables = db
      .prepare(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
      )
      .all() as Array<{ name: string }>;
    const out = new Map<string, string>();
    for (const { name } of tables) {
      const skip = new Set(AUTH_BOOKKEEPING[name] ?? []);
      const rows = (db.prepare(`SELECT * FROM "${name}"`).all() as Array<Record<string, unknown>>).map(
        (row) =>
          JSON.stringify(
            Object.entries(row)
              .filter(([column]) => !skip.has(column))
              .map(([column, value]) => [column, Buffer.isBuffer(value) ? value.toString('base64') : value]),
          ),
      );
      rows.sort();
      out.set(name, createHash('sha256').update(rows.join('\n')).digest('hex'));
    }
    return out;
  }

  it('enumerates the GET routes: none writes an audit entry or changes a table', async () => {
    const routes = t.app.veil.routes.filter((r) => r.method === 'GET');
    expect(routes.length).toBeGreaterThan(30);
    // The first call of each credential may set its bookkeeping; everything else is compared.
    await t.app.inject({ url: '/api/v1/auth/me', headers: bearer });
    await t.app.inject({ url: '/api/v1/auth/me', headers: cookie });
    let before = snapshot();
    const auditBefore = (await t.app.veil.store.audit.query({ order: 'desc', limit: 1 }))[0]?.seq;
    const answered: string[] = [];
    const writes: string[] = [];
    for (const route of routes) {
      for (const headers of [bearer, cookie, {}]) {
        const res = await t.app.inject({ method: 'GET', url: urlOf(route), headers });
        answered.push(`${route.url} ${res.statusCode}`);
        const after = snapshot();
        const changed = [...after]
          .filter(([table, hash]) => before.get(table) !== hash)
          .map(([table]) => table);
        const allowed = WRITES_BY_DESIGN[route.url]?.tables ?? [];
        expect(
          changed.filter((table) => !allowed.includes(table)),
          `GET ${urlOf(route)} → ${res.statusCode} changed ${changed.join(', ')}`,
        ).toEqual([]);
        if (changed.length > 0) writes.push(`${route.url} ${changed.join(',')}`);
        before = after;
      }
    }
    // The exceptions are routes of the table, and real: starting single sign-on stored a pending login.
    const gets = new Set(routes.map((r) => r.url));
    for (const url of Object.keys(WRITES_BY_DESIGN)) expect(gets.has(url), url).toBe(true);
    expect(answered).toContain('/api/v1/auth/oidc/start 302');
    expect(writes).toContain('/api/v1/auth/oidc/start oidc_logins');
    expect(writes.every((w) => Object.keys(WRITES_BY_DESIGN).includes(w.split(' ')[0]!))).toBe(true);
    const auditAfter = (await t.app.veil.store.audit.query({ order: 'desc', limit: 1 }))[0]?.seq;
    expect(auditAfter).toBe(auditBefore);
    // The calls were real reads, not refusals: the events route served the session's events.
    expect(answered).toContain('/api/v1/sessions/:id/events 200');
    expect(answered).toContain('/api/v1/audit 200');
  });
});
