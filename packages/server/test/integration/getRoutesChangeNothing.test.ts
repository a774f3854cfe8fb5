import { createHash } from 'node:crypto';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
 * No GET changes state: every GET route of the app's own route table (public ones too, so a route
 * added tomorrow is covered) is called with owner credentials, by bearer token and by cookie, on
 * real objects; afterwards every table of the SQLite file holds exactly what it held before (apart
 * from `AUTH_BOOKKEEPING`), and the audit log has no new entry.
 */
describe('GET routes change nothing', () => {
  let t: TestApp;
  let db: BetterSqlite3.Database;
  let bearer: Record<string, string>;
  let cookie: Record<string, string>;
  const objects: Record<string, string> = {};

  beforeAll(async () => {
    t = await startTestApp();
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
    await t.close();
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
    const before = snapshot();
    const auditBefore = (await t.app.veil.store.audit.query({ order: 'desc', limit: 1 }))[0]?.seq;
    const answered: string[] = [];
    for (const route of routes) {
      for (const headers of [bearer, cookie, {}]) {
        const res = await t.app.inject({ method: 'GET', url: urlOf(route), headers });
        answered.push(`${route.url} ${res.statusCode}`);
        const after = snapshot();
        const changed = [...after]
          .filter(([table, hash]) => before.get(table) !== hash)
          .map(([table]) => table);
        expect(changed, `GET ${urlOf(route)} → ${res.statusCode} changed ${changed.join(', ')}`).toEqual([]);
      }
    }
    const auditAfter = (await t.app.veil.store.audit.query({ order: 'desc', limit: 1 }))[0]?.seq;
    expect(auditAfter).toBe(auditBefore);
    // The calls were real reads, not refusals: the events route served the session's events.
    expect(answered).toContain('/api/v1/sessions/:id/events 200');
    expect(answered).toContain('/api/v1/audit 200');
  });
});
