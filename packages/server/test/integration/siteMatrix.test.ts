import { createHash } from 'node:crypto';
import { ROLES, type Role, roleHasPermission, roleRequiresSecondFactor } from '@veil/core';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createApiToken } from '../../src/auth/createApiToken.js';
import { hashPassword } from '../../src/auth/passwords.js';
import { base32Decode, totp } from '../../src/auth/totp.js';
import type { RegisteredRoute } from '../../src/http/accessControl.js';
import { isObjectSiteScope } from '../../src/http/siteScope.js';
import { createSite } from '../../src/sites/createSite.js';
import type { SiteRecord } from '../../src/storage/sites/SiteRepository.js';
import { makeBatch, metaEvent, moveEvent, sessionId, T0 } from '../support/batches.js';
import { grantTestConsent } from '../support/consent.js';
import { startTestApp, type TestApp } from '../support/testApp.js';

const OTHER_ORIGIN = 'https://other.example';
const B_RECEIPT = 'test_consent_receipt_b001';

/** One set of site B's objects; fresh for each caller that may change them. */
interface SiteBObjects {
  session: string;
  user: string;
  userEmail: string;
  token: string;
  alert: string;
  privacyAlert: string;
  inboxAlert: string;
  sink: string;
  erasure: string;
  hold: string;
  scan: string;
  incident: string;
  inventoryItem: string;
  processor: string;
}

/** Path parameters that name something within a site by its name, not an object by its id. */
const PER_SITE_NAMES = new Set(['siteKey', 'version', 'language']);

/**
 * Valid bodies of the writes on one object of a site, so that aiming them at another site's object
 * is refused for the site and not for the input (a route missing here answers 400 and fails).
 */
const OBJECT_WRITE_BODIES: Record<string, object> = {
  'PUT /api/v1/sites/:siteKey/alert-sinks/:id': { type: 'webhook', name: 'renamed', enabled: false },
  'POST /api/v1/sites/:siteKey/privacy-alerts/:id/acknowledge': { note: 'seen' },
  'POST /api/v1/sites/:siteKey/incidents/:incidentId/decision': {
    decision: 'no_notify',
    reason: 'no personal data left the site',
  },
  'POST /api/v1/sites/:siteKey/inventory/:itemId/approve': { note: 'fine' },
  'POST /api/v1/sites/:siteKey/inventory/:itemId/exclude': { reason: 'holds card numbers' },
  'PUT /api/v1/sites/:siteKey/processors/:processorId': {
    name: 'Renamed processor',
    purpose: 'hosting',
    location: 'EU',
  },
};

/** Routes that end the caller's own sign-in: a cookie sweep leaves them out to keep its session. */
const OWN_SESSION_ENDERS = new Set(['/api/v1/auth/logout', '/api/v1/auth/logout-everywhere']);

/**
 * The site dimension of the access matrix: every role × {every site, site A only} × every
 * non-public route of the app's own route table, aimed at objects of site B. A caller restricted to
 * site A never reaches, sees or changes B's objects (404 for a route of one object or site, 403 for
 * routes that span every site, lists without them); a caller of every site reaches them. The
 * routes are enumerated from the app, so a route added tomorrow is covered — and a route whose
 * parameter this test cannot aim at site B fails here until it is taught how.
 */
describe('site × role × route matrix', () => {
  let t: TestApp;
  let siteB: SiteRecord;
  let ownerToken: string;
  let seedCount = 0;

  beforeAll(async () => {
    t = await startTestApp();
    siteB = await createSite(t.app.veil.store, t.clock, {
      name: 'Other brand',
      origins: [OTHER_ORIGIN],
      samplingPercent: 100,
    });
    await grantTestConsent(t.app.veil.store, siteB, B_RECEIPT);
    ownerToken = (await createApiToken(t.app.veil.store, t.clock, { role: 'owner', name: 'matrix owner' }))
      .token;
  });
  afterAll(() => t.close());

  const owner = () => ({ authorization: `Bearer ${ownerToken}` });

  async function seedSiteB(): Promise<SiteBObjects> {
    const { store } = t.app.veil;
    const n = ++seedCount;
    const session = sessionId();
    const ingested = await t.ingest(
      makeBatch({
        siteKey: siteB.siteKey,
        sessionId: session,
        consentReceiptId: B_RECEIPT,
        events: [metaEvent(T0, `${OTHER_ORIGIN}/`), moveEvent(T0 + 5_000)],
      }),
      { origin: OTHER_ORIGIN },
    );
    expect(ingested.statusCode, ingested.body).toBe(202);
    const userEmail = `b${n}@other.example`;
    const user = await store.users.create({
      email: userEmail,
      role: 'analyst',
      passwordHash: 'x',
      createdAt: t.clock.now(),
      siteIds: [siteB.id],
    });
    const token = await createApiToken(store, t.clock, {
      role: 'analyst',
      name: `b${n}`,
      siteIds: [siteB.id],
    });
    const alert = await store.accessAlerts.raise({
      kind: 'raw_replay_rate',
      dedupeKey: `matrix-${n}`,
      siteId: siteB.id,
      siteKey: siteB.siteKey,
      userId: null,
      apiTokenId: token.record.id,
      actorLabel: `b${n}`,
      count: 9,
      threshold: 1,
      windowStart: T0,
      createdAt: t.clock.now(),
      acknowledgedAt: null,
      acknowledgedBy: null,
      note: null,
    });
    const privacyAlert = await store.privacy.raiseAlert({
      siteId: siteB.id,
      kind: 'canary',
      label: `canary-${n}`,
      count: 1,
      sessionId: null,
      pagePattern: '/',
      createdAt: t.clock.now(),
    });
    const erasure = await t.app.inject({
      method: 'POST',
      url: `/api/v1/sites/${siteB.siteKey}/erasures`,
      headers: owner(),
      payload: { selector: { kind: 'userId', userId: `nobody-${n}` } },
    });
    expect(erasure.statusCode, erasure.body).toBe(201);
    const banner = await t.app.inject({
      method: 'PUT',
      url: `/api/v1/sites/${siteB.siteKey}/banner-texts/en`,
      headers: owner(),
      payload: {},
    });
    expect(banner.statusCode, banner.body).toBeLessThan(300);
    const inboxAlert = await store.alerts.raise({
      siteId: siteB.id,
      kind: 'scope_drift',
      fingerprint: `matrix-${n}`,
      severity: 'medium',
      summary: 'matrix',
      details: {},
      at: t.clock.now(),
    });
    // Through the API: a sink's sealed secrets must open when it is replaced.
    const sink = await t.app.inject({
      method: 'POST',
      url: `/api/v1/sites/${siteB.siteKey}/alert-sinks`,
      headers: owner(),
      payload: {
        type: 'webhook',
        name: `sink-${n}`,
        url: 'https://hooks.example/veil',
        signingSecret: 'a-signing-secret-of-matrix',
      },
    });
    expect(sink.statusCode, sink.body).toBe(201);
    const hold = await t.app.inject({
      method: 'POST',
      url: `/api/v1/sites/${siteB.siteKey}/legal-holds`,
      headers: owner(),
      payload: {
        target: { kind: 'userId', userId: `held-${n}` },
        reason: 'matrix',
        expiresAt: t.clock.now() + 86_400_000,
      },
    });
    expect(hold.statusCode, hold.body).toBe(201);
    const incident = await t.app.inject({
      method: 'POST',
      url: `/api/v1/sites/${siteB.siteKey}/incidents`,
      headers: owner(),
      payload: { title: `matrix ${n}`, kind: 'other', foundHow: 'audit' },
    });
    expect(incident.statusCode, incident.body).toBe(201);
    const scan = await t.app.inject({
      method: 'POST',
      url: `/api/v1/sites/${siteB.siteKey}/content-scans`,
      headers: owner(),
      payload: { value: `leak-${n}` },
    });
    expect(scan.statusCode, scan.body).toBe(202);
    const [inventoryItem] = await store.inventory.discover([
      {
        siteId: siteB.id,
        kind: 'page',
        pagePattern: `/matrix-${n}`,
        path: '',
        tag: null,
        name: null,
        elementId: null,
        inputType: null,
        autocomplete: null,
        label: null,
        capture: null,
        sensitive: null,
        at: t.clock.now(),
      },
    ]);
    const processor = await t.app.inject({
      method: 'POST',
      url: `/api/v1/sites/${siteB.siteKey}/processors`,
      headers: owner(),
      payload: { name: `Processor ${n}`, purpose: 'analytics hosting', location: 'EU' },
    });
    expect(processor.statusCode, processor.body).toBe(201);
    if (!user || !alert || !inventoryItem) throw new Error('seeding site B failed');
    return {
      processor: processor.json().processor.id,
      hold: hold.json().hold.id,
      scan: scan.json().scan.id,
      incident: incident.json().incident.id,
      session,
      user: user.id,
      userEmail,
      token: token.record.id,
      alert: alert.id,
      privacyAlert: privacyAlert.id,
      inboxAlert: inboxAlert.alert.id,
      sink: sink.json().id,
      erasure: erasure.json().receipt.id,
      inventoryItem: inventoryItem.id,
    };
  }

  /**
   * The route's URL with every parameter naming an object of site B, and the query every route may
   * require (`page` of the heatmaps), so input validation never stands in for the scope check.
   */
  function urlFor(route: RegisteredRoute, b: SiteBObjects, siteKey = siteB.siteKey): string {
    return `${pathFor(route, b, siteKey)}?page=%2F&step=%2F&step=%2Fcart`;
  }

  /** The route's path naming site B's objects, under `siteKey` (B's own, or another site's). */
  function pathFor(route: RegisteredRoute, b: SiteBObjects, siteKey = siteB.siteKey): string {
    const objects: Record<string, string> = {
      session: b.session,
      user: b.user,
      token: b.token,
      alert: b.alert,
      'inbox alert': b.inboxAlert,
    };
    return route.url.replace(/:([A-Za-z]+)/g, (_, name: string) => {
      if (name === 'siteKey') return siteKey;
      if (isObjectSiteScope(route.site) && route.site.param === name) {
        const id = objects[route.site.object];
        if (id === undefined) throw new Error(`teach the site matrix a ${route.site.object} of site B`);
        return id;
      }
      if (name === 'id' && route.url.includes('/privacy-alerts/')) return b.privacyAlert;
      if (name === 'id' && route.url.includes('/erasures/')) return b.erasure;
      if (name === 'id' && route.url.includes('/alert-sinks/')) return b.sink;
      if (name === 'holdId') return b.hold;
      if (name === 'scanId') return b.scan;
      if (name === 'processorId') return b.processor;
      if (name === 'incidentId') return b.incident;
      if (name === 'itemId') return b.inventoryItem;
      if (name === 'version') return '1';
      if (name === 'language') return 'en';
      throw new Error(`teach the site matrix the :${name} of ${route.method} ${route.url}`);
    });
  }

  /** Bodies of routes that name their sites in the body: all aimed at site B. */
  function bodyFor(route: RegisteredRoute): Record<string, unknown> | undefined {
    if (!['POST', 'PUT', 'PATCH'].includes(route.method)) return undefined;
    if (route.site !== 'body') return {};
    const key = `${route.method} ${route.url}`;
    if (key === 'POST /api/v1/users')
      return { email: 'new@other.example', role: 'analyst', sites: [siteB.siteKey] };
    if (key === 'POST /api/v1/tokens') return { name: 'new', role: 'analyst', sites: [siteB.siteKey] };
    if (key === 'POST /api/v1/optouts') return { siteKey: siteB.siteKey, visitorId: 'v_0123456789abcdef' };
    throw new Error(`teach the site matrix a body naming site B for ${key}`);
  }

  function routesUnderTest(): RegisteredRoute[] {
    const routes = t.app.veil.routes.filter((r) => r.method !== 'HEAD' && r.permission !== 'public');
    // Writes that remove an object last, so one caller's sweep reaches every object.
    return [...routes.filter((r) => r.method !== 'DELETE'), ...routes.filter((r) => r.method === 'DELETE')];
  }

  function allowed(route: RegisteredRoute, role: Role): boolean {
    return route.permission === 'authenticated' || roleHasPermission(role as Role, route.permission as never);
  }

  function secretsOf(b: SiteBObjects): string[] {
    return [
      siteB.siteKey,
      b.session,
      b.user,
      b.userEmail,
      b.token,
      b.alert,
      b.privacyAlert,
      b.erasure,
      b.scan,
      b.incident,
      b.inventoryItem,
      b.processor,
      b.sink,
      b.hold,
      b.inboxAlert,
      B_RECEIPT,
    ];
  }

  /**
   * A person signed in with the session cookie (and the CSRF header every write needs), created
   * with `role` and `siteIds`; roles that need a second factor enrol TOTP first, as at a first login.
   */
  async function signedIn(role: Role, siteIds: string[]): Promise<Record<string, string>> {
    const { store } = t.app.veil;
    const email = `${role.replace('_', '-')}-${++seedCount}@shop.example`;
    const password = 'a long enough matrix password';
    const user = await store.users.create({
      email,
      role,
      passwordHash: await hashPassword(password, t.config.passwordHashing),
      createdAt: t.clock.now(),
      siteIds,
    });
    if (!user) throw new Error('user exists');
    const headers = await t.loginHeaders(email, password);
    if (roleRequiresSecondFactor(role)) {
      const setup = await t.app.inject({ method: 'POST', url: '/api/v1/auth/totp/setup', headers });
      expect(setup.statusCode, setup.body).toBe(200);
      const code = totp(base32Decode(setup.json().secret), t.clock.now());
      const enabled = await t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/totp/enable',
        headers,
        payload: { code },
      });
      expect(enabled.statusCode, enabled.body).toBe(204);
    }
    const me = await t.app.inject({ url: '/api/v1/auth/me', headers });
    expect(me.statusCode, me.body).toBe(200);
    return headers;
  }

  /**
   * Every route of the table called by a caller of site A only (`headers`), aimed at site B: 404
   * for a route of one site or object, 403 for one spanning every site or beyond the role, lists
   * without B; no answer names any of B's objects; nothing of B changes.
   */
  async function sweepAsSiteA(role: Role, headers: Record<string, string>, label: string): Promise<void> {
    const b = await seedSiteB();
    const checked: string[] = [];
    for (const route of routesUnderTest()) {
      if (headers.cookie && OWN_SESSION_ENDERS.has(route.url)) continue;
      const res = await t.app.inject({
        method: route.method as 'GET',
        url: urlFor(route, b),
        headers,
        payload: bodyFor(route),
      });
      const what = `${label} ${route.method} ${route.url} → ${res.statusCode} ${res.body.slice(0, 200)}`;
      // A body naming site B's key may hear its own words back ("no site has the key …"), exactly
      // as for a key of no site; nothing else of B.
      for (const secret of secretsOf(b))
        if (route.site !== 'body' || secret !== siteB.siteKey) expect(res.body, what).not.toContain(secret);
      if (!allowed(route, role)) {
        expect(res.statusCode, what).toBe(403);
        continue;
      }
      const site = route.site;
      if (site === 'siteKey' || isObjectSiteScope(site) || site === 'body') {
        expect(res.statusCode, what).toBe(404);
        expect(res.json().error.code, what).toBe('not_found');
      } else if (site === 'allSites') expect(res.statusCode, what).toBe(403);
      else if (site === 'filtered') expect(res.statusCode, what).toBe(200);
      checked.push(what);
    }
    expect(checked.length).toBeGreaterThan(0);
    // Nothing of site B changed.
    const { store } = t.app.veil;
    expect((await store.users.findById(b.user))?.role).toBe('analyst');
    expect(await store.users.siteIds(b.user)).toEqual([siteB.id]);
    expect((await store.apiTokens.findById(b.token))?.revokedAt).toBeNull();
    expect((await store.accessAlerts.findById(b.alert))?.acknowledgedAt).toBeNull();
    expect((await store.privacy.findAlert(b.privacyAlert))?.acknowledgedAt).toBeNull();
    expect(await store.recordings.get(b.session)).toBeDefined();
    expect((await store.inventory.findById(b.inventoryItem))?.status).toBe('pending');
    expect((await store.compliance.findProcessor(b.processor))?.name).toMatch(/^Processor /);
    expect(await store.users.findByEmail('new@other.example')).toBeUndefined();
    const banner = await t.app.inject({
      url: `/api/v1/sites/${siteB.siteKey}/banner-texts`,
      headers: owner(),
    });
    expect(banner.body).toContain('"en"');
  }

  /** Routes of a site's key that also name one object of the site by its id. */
  function objectRoutesOfASite(): RegisteredRoute[] {
    return routesUnderTest().filter(
      (route) =>
        route.site === 'siteKey' &&
        [...route.url.matchAll(/:([A-Za-z]+)/g)].some(([, name]) => !PER_SITE_NAMES.has(name ?? '')),
    );
  }

  /** Every table of the SQLite file, hashed, without the credentials' last-use bookkeeping. */
  function snapshot(db: BetterSqlite3.Database): Map<string, string> {
    const bookkeeping: Record<string, string> = { auth_sessions: 'last_seen_at', api_tokens: 'last_used_at' };
    const tables = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
      .all() as Array<{ name: string }>;
    const out = new Map<string, string>();
    for (const { name } of tables) {
      const rows = (db.prepare(`SELECT * FROM "${name}"`).all() as Array<Record<string, unknown>>)
        .map((row) =>
          JSON.stringify(
            Object.entries(row)
              .filter(([column]) => column !== bookkeeping[name])
              .map(([column, value]) => [column, Buffer.isBuffer(value) ? value.toString('base64') : value]),
          ),
        )
        .sort();
      out.set(name, createHash('sha256').update(rows.join('\n')).digest('hex'));
    }
    return out;
  }

  it('declares a site scope on every non-public route', () => {
    for (const route of t.app.veil.routes)
      if (route.permission !== 'public') expect(route.site, `${route.method} ${route.url}`).toBeDefined();
  });

  it.each(ROLES)('%s restricted to site A: never reaches, sees or changes site B', async (role) => {
    const { token } = await createApiToken(t.app.veil.store, t.clock, {
      role,
      name: `A-only ${role}`,
      siteIds: [t.site.id],
    });
    await sweepAsSiteA(role, { authorization: `Bearer ${token}` }, `${role}@A`);
  });

  it.each(ROLES)(
    '%s signed in (cookie + CSRF) with site A only: never reaches, sees or changes site B',
    async (role) => {
      await sweepAsSiteA(role, await signedIn(role, [t.site.id]), `${role}@A(cookie)`);
    },
  );

  it.each([
    ['an owner token of every site', 'owner', 'token-all'],
    ['an owner token of site A', 'owner', 'token-A'],
    ['a compliance officer signed in with site A', 'compliance_officer', 'cookie-A'],
  ] as const)("%s: B's objects under A's key are 404 and stay unchanged", async (_, role, kind) => {
    if (t.config.database.kind !== 'sqlite') throw new Error('this test reads the SQLite file');
    const b = await seedSiteB();
    const { store } = t.app.veil;
    const headers =
      kind === 'cookie-A'
        ? await signedIn(role, [t.site.id])
        : {
            authorization: `Bearer ${
              (
                await createApiToken(store, t.clock, {
                  role,
                  name: `cross ${kind}`,
                  siteIds: kind === 'token-A' ? [t.site.id] : null,
                })
              ).token
            }`,
          };
    // B's content scan runs in the background: only the calls below may change anything.
    await vi.waitFor(async () => expect((await store.contentScans.get(b.scan))?.status).not.toBe('running'), {
      timeout: 30_000,
      interval: 25,
    });
    await t.app.inject({ url: '/api/v1/auth/me', headers });
    const db = new BetterSqlite3(t.config.database.file, { readonly: true });
    try {
      const routes = objectRoutesOfASite();
      expect(routes.length).toBeGreaterThanOrEqual(10);
      const lastAudit = async () => (await store.audit.query({ order: 'desc', limit: 1 }))[0]?.seq;
      const auditBefore = await lastAudit();
      const before = snapshot(db);
      const served: string[] = [];
      for (const route of routes) {
        if (!allowed(route, role)) continue;
        const key = `${route.method} ${route.url}`;
        const res = await t.app.inject({
          method: route.method as 'GET',
          url: pathFor(route, b, t.site.siteKey),
          headers,
          payload: ['POST', 'PUT', 'PATCH'].includes(route.method)
            ? (OBJECT_WRITE_BODIES[key] ?? {})
            : undefined,
        });
        const what = `${kind} ${key} with A's key and B's object → ${res.statusCode} ${res.body.slice(0, 200)}`;
        expect(res.statusCode, what).toBe(404);
        expect(res.json().error.code, what).toBe('not_found');
        for (const secret of secretsOf(b)) expect(res.body, what).not.toContain(secret);
        const changed = [...snapshot(db)].filter(([table, hash]) => before.get(table) !== hash);
        expect(
          changed.map(([table]) => table),
          what,
        ).toEqual([]);
        served.push(key);
      }
      expect(await lastAudit()).toBe(auditBefore);
      expect(served.length).toBeGreaterThan(0);
      // The control: the same requests under B's own key reach the objects (so the 404 above is
      // the site, not a dummy id or an invalid body).
      for (const route of routes) {
        if (!allowed(route, role) || kind === 'token-A' || kind === 'cookie-A') continue;
        const key = `${route.method} ${route.url}`;
        const res = await t.app.inject({
          method: route.method as 'GET',
          url: pathFor(route, b),
          headers,
          payload: ['POST', 'PUT', 'PATCH'].includes(route.method)
            ? (OBJECT_WRITE_BODIES[key] ?? {})
            : undefined,
        });
        expect(
          res.statusCode,
          `${key} on B's own URL → ${res.statusCode} ${res.body.slice(0, 200)}`,
        ).toBeLessThan(300);
      }
    } finally {
      db.close();
    }
  });

  it("a raw-replay grant opens its own session only: not another session of its site, not another site's", async () => {
    const b = await seedSiteB();
    const sessionsOfA: string[] = [];
    for (let i = 0; i < 2; i++) {
      const id = sessionId();
      const res = await t.ingest(makeBatch({ siteKey: t.site.siteKey, sessionId: id }));
      expect(res.statusCode, res.body).toBe(202);
      sessionsOfA.push(id);
    }
    const [mine, neighbour] = sessionsOfA as [string, string];
    const events = (headers: Record<string, string>, session: string, grant: string) =>
      t.app.inject({ url: `/api/v1/sessions/${session}/events?grant=${grant}`, headers });
    const grantFor = async (headers: Record<string, string>, session: string) => {
      const res = await t.app.inject({
        method: 'POST',
        url: `/api/v1/sessions/${session}/replay-grants`,
        headers,
        payload: { purpose: 'support ticket about the checkout' },
      });
      expect(res.statusCode, res.body).toBe(201);
      return res.json().grant.id as string;
    };
    for (const sites of [undefined, [t.site.id]]) {
      const { token } = await createApiToken(t.app.veil.store, t.clock, {
        role: 'replay_viewer',
        name: `grant reuse ${sites ? 'A' : 'all'}`,
        siteIds: sites ?? null,
      });
      const viewer = { authorization: `Bearer ${token}` };
      const grant = await grantFor(viewer, mine);
      const own = await events(viewer, mine, grant);
      expect(own.statusCode, own.body).toBe(200);
      expect(own.json().events.length).toBeGreaterThan(0);
      // The same grant on the other session of site A: refused, nothing of it served.
      const other = await events(viewer, neighbour, grant);
      expect(other.statusCode, other.body).toBe(403);
      expect(other.body).not.toContain('"events"');
      // On site B's session: refused for the viewer of every site, invisible (404) to the viewer of A.
      const onB = await events(viewer, b.session, grant);
      expect(onB.statusCode, onB.body).toBe(sites ? 404 : 403);
      expect(onB.body).not.toContain('"events"');
      expect(onB.body).not.toContain(b.session);
    }
  });

  it.each(ROLES)('%s with every site: reaches site B wherever its role allows', async (role) => {
    const b = await seedSiteB();
    const { token } = await createApiToken(t.app.veil.store, t.clock, { role, name: `all ${role}` });
    for (const route of routesUnderTest()) {
      if (!allowed(route, role)) continue;
      const site = route.site;
      if (site !== 'siteKey' && site !== 'filtered' && !isObjectSiteScope(site)) continue;
      const res = await t.app.inject({
        method: route.method as 'GET',
        url: urlFor(route, b),
        headers: { authorization: `Bearer ${token}` },
        payload: bodyFor(route),
      });
      const label = `${role}@all ${route.method} ${route.url} → ${res.statusCode} ${res.body.slice(0, 200)}`;
      // Reached: not refused as out of scope (a handler may still find no data for the dummy input).
      expect(res.body, label).not.toMatch(/"no site has this key"|"no such (session|user|token|alert)"/);
      if (site === 'filtered') {
        expect(res.statusCode, label).toBe(200);
        expect(
          secretsOf(b).some((s) => res.body.includes(s)),
          `${label}: lists site B`,
        ).toBe(true);
      }
    }
  });
});

/** A site-scoped admin manages only the people and tokens of its own sites, and hands out no more. */
describe('a site-scoped admin and users and tokens', () => {
  let t: TestApp;
  let siteB: SiteRecord;
  let admin: Record<string, string>;
  beforeAll(async () => {
    t = await startTestApp();
    siteB = await createSite(t.app.veil.store, t.clock, {
      name: 'B',
      origins: [OTHER_ORIGIN],
      samplingPercent: 100,
    });
    const { token } = await createApiToken(t.app.veil.store, t.clock, {
      role: 'admin',
      name: 'admin of A',
      siteIds: [t.site.id],
    });
    admin = { authorization: `Bearer ${token}` };
  });
  afterAll(() => t.close());

  const call = (method: string, url: string, payload?: object) =>
    t.app.inject({ method: method as 'GET', url, headers: admin, payload });

  async function userOf(email: string, siteIds: string[] | null) {
    const user = await t.app.veil.store.users.create({
      email,
      role: 'analyst',
      passwordHash: 'x',
      createdAt: t.clock.now(),
      siteIds,
    });
    if (!user) throw new Error('user exists');
    return user;
  }

  it('creates no site (403, nothing created); an admin with every site does', async () => {
    const { store } = t.app.veil;
    const before = (await store.sites.list()).length;
    const payload = { name: 'Brand C', origins: ['https://c.example'] };
    const refused = await call('POST', '/api/v1/sites', payload);
    expect(refused.statusCode, refused.body).toBe(403);
    expect(refused.json().error.code).toBe('forbidden');
    expect(await store.sites.list()).toHaveLength(before);
    const { token } = await createApiToken(store, t.clock, { role: 'admin', name: 'admin of all' });
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/sites',
      headers: { authorization: `Bearer ${token}` },
      payload,
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(await store.sites.list()).toHaveLength(before + 1);
  });

  it('lists only users and tokens whose sites are all within its own', async () => {
    await userOf('a@shop.example', [t.site.id]);
    await userOf('ab@shop.example', [t.site.id, siteB.id]);
    await userOf('every@shop.example', null);
    const users = (await call('GET', '/api/v1/users')).json().users.map((u: { email: string }) => u.email);
    expect(users).toEqual(['a@shop.example']);
    const { store } = t.app.veil;
    await createApiToken(store, t.clock, { role: 'analyst', name: 'tA', siteIds: [t.site.id] });
    await createApiToken(store, t.clock, { role: 'analyst', name: 'tAB', siteIds: [t.site.id, siteB.id] });
    await createApiToken(store, t.clock, { role: 'analyst', name: 'tAll' });
    const tokens = (await call('GET', '/api/v1/tokens')).json().tokens.map((x: { name: string }) => x.name);
    expect(tokens.sort()).toEqual(['admin of A', 'tA']);
  });

  it('cannot change, sign out, reset or delete a user with a site beyond its own (404)', async () => {
    const ab = await userOf('ab2@shop.example', [t.site.id, siteB.id]);
    const owner = await t.app.veil.store.users.findByEmail('owner@test.local');
    for (const id of [ab.id, owner?.id ?? '']) {
      expect((await call('PATCH', `/api/v1/users/${id}`, { role: 'analyst' })).statusCode).toBe(404);
      expect((await call('DELETE', `/api/v1/users/${id}`)).statusCode).toBe(404);
      expect((await call('POST', `/api/v1/users/${id}/logout-everywhere`, {})).statusCode).toBe(404);
      expect((await call('POST', `/api/v1/users/${id}/totp-reset`, {})).statusCode).toBe(404);
    }
    expect((await t.app.veil.store.users.findById(ab.id))?.role).toBe('analyst');
  });

  it("answers a key of another site exactly as a key of no site (404): B's existence stays unknown", async () => {
    const { store } = t.app.veil;
    const a = await userOf('a4@shop.example', [t.site.id]);
    const officer = {
      authorization: `Bearer ${
        (
          await createApiToken(store, t.clock, {
            role: 'compliance_officer',
            name: 'dpo of A',
            siteIds: [t.site.id],
          })
        ).token
      }`,
    };
    const unknownKey = 'no_such_site_key_0001';
    const attempts = (key: string) =>
      [
        [admin, 'POST', '/api/v1/users', { email: `new-${key}@shop.example`, role: 'analyst', sites: [key] }],
        [admin, 'POST', '/api/v1/tokens', { name: `t-${key}`, role: 'analyst', sites: [key] }],
        [admin, 'PATCH', `/api/v1/users/${a.id}`, { sites: [t.site.siteKey, key] }],
        [officer, 'POST', '/api/v1/optouts', { siteKey: key, visitorId: 'v_0123456789abcdef' }],
      ] as const;
    const auditBefore = (await store.audit.query({ order: 'desc', limit: 1 }))[0]?.seq;
    const tokensBefore = (await store.apiTokens.list()).length;
    const unknown = attempts(unknownKey);
    const other = attempts(siteB.siteKey);
    const send = ([headers, method, url, payload]: (typeof unknown)[number]) =>
      t.app.inject({ method, url, headers, payload });
    for (const [i, attempt] of unknown.entries()) {
      const [, method, url] = attempt;
      const u = await send(attempt);
      const o = await send(other[i] ?? attempt);
      const label = `${method} ${url}: unknown → ${u.statusCode} ${u.body}; site B → ${o.statusCode} ${o.body}`;
      expect(o.statusCode, label).toBe(404);
      expect(o.json().error.code, label).toBe('not_found');
      expect(u.statusCode, label).toBe(o.statusCode);
      expect(u.body.replaceAll(unknownKey, 'KEY'), label).toBe(o.body.replaceAll(siteB.siteKey, 'KEY'));
    }
    expect(await store.users.siteIds(a.id)).toEqual([t.site.id]);
    expect(await store.users.findByEmail(`new-${siteB.siteKey}@shop.example`.toLowerCase())).toBeUndefined();
    expect((await store.apiTokens.list()).length).toBe(tokensBefore);
    expect((await store.audit.query({ order: 'desc', limit: 1 }))[0]?.seq).toBe(auditBefore);
  });

  it('changes, signs out, resets or deletes no user of its own site whose role it does not hold (403)', async () => {
    const { store } = t.app.veil;
    const auditBefore = (await store.audit.query({ order: 'desc', limit: 1 }))[0]?.seq;
    for (const role of ['owner', 'compliance_officer', 'replay_viewer'] as const) {
      const above = await store.users.create({
        email: `above-${role.replace('_', '-')}@shop.example`,
        role,
        passwordHash: 'x',
        createdAt: t.clock.now(),
        siteIds: [t.site.id],
      });
      if (!above) throw new Error('user exists');
      const attempts = [
        ['PATCH', `/api/v1/users/${above.id}`, { role: 'analyst' }],
        ['PATCH', `/api/v1/users/${above.id}`, { sites: [t.site.siteKey] }],
        ['PATCH', `/api/v1/users/${above.id}`, { allowSsoLink: true }],
        ['POST', `/api/v1/users/${above.id}/logout-everywhere`, {}],
        ['POST', `/api/v1/users/${above.id}/totp-reset`, {}],
        ['DELETE', `/api/v1/users/${above.id}`, undefined],
      ] as const;
      for (const [method, url, body] of attempts) {
        const res = await call(method, url, body);
        expect(res.statusCode, `${role}: ${method} ${url} ${JSON.stringify(body)} → ${res.body}`).toBe(403);
        expect(res.json().error.code).toBe('forbidden');
      }
      const after = await store.users.findById(above.id);
      expect(after?.role).toBe(role);
      expect(after?.ssoLinkAllowed).toBe(false);
      expect(await store.users.siteIds(above.id)).toEqual([t.site.id]);
    }
    expect((await store.audit.query({ order: 'desc', limit: 1 }))[0]?.seq).toBe(auditBefore);
  });

  it('promotes nobody beyond its own role and sites; a role change keeps the sites', async () => {
    const a = await userOf('a3@shop.example', [t.site.id]);
    expect((await call('PATCH', `/api/v1/users/${a.id}`, { role: 'owner' })).statusCode).toBe(403);
    expect((await call('PATCH', `/api/v1/users/${a.id}`, { sites: null })).statusCode).toBe(403);
    expect((await call('PATCH', `/api/v1/users/${a.id}`, { sites: [siteB.siteKey] })).statusCode).toBe(404);
    const promoted = await call('PATCH', `/api/v1/users/${a.id}`, { role: 'admin' });
    expect(promoted.statusCode, promoted.body).toBe(200);
    expect(promoted.json().user.sites).toEqual([t.site.siteKey]);
    const created = await call('POST', '/api/v1/users', {
      email: 'n@shop.example',
      role: 'analyst',
      sites: null,
    });
    expect(created.statusCode).toBe(403);
    const token = await call('POST', '/api/v1/tokens', { name: 'n', role: 'analyst', sites: null });
    expect(token.statusCode).toBe(403);
  });

  it('revokes the API tokens of a user it removes', async () => {
    const { store } = t.app.veil;
    const leaving = await userOf('leaving@shop.example', [t.site.id]);
    const made = await createApiToken(store, t.clock, {
      role: 'analyst',
      name: 'made by the leaver',
      createdBy: leaving.id,
      siteIds: [t.site.id],
    });
    const bearer = { authorization: `Bearer ${made.token}` };
    expect((await t.app.inject({ url: '/api/v1/sites', headers: bearer })).statusCode).toBe(200);
    expect((await call('DELETE', `/api/v1/users/${leaving.id}`)).statusCode).toBe(204);
    expect((await t.app.inject({ url: '/api/v1/sites', headers: bearer })).statusCode).toBe(401);
    expect((await store.apiTokens.findById(made.record.id))?.revokedAt).not.toBeNull();
  });

  it('a token never carries more than its creator holds now, also one minted by a token', async () => {
    const { store } = t.app.veil;
    const maker = await store.users.create({
      email: 'maker@shop.example',
      role: 'admin',
      passwordHash: 'x',
      createdAt: t.clock.now(),
      siteIds: [t.site.id, siteB.id],
    });
    if (!maker) throw new Error('user exists');
    const parent = await createApiToken(store, t.clock, {
      role: 'admin',
      name: 'maker admin token',
      createdBy: maker.id,
      siteIds: [t.site.id, siteB.id],
    });
    const asParent = { authorization: `Bearer ${parent.token}` };
    const sitesOf = async (headers: Record<string, string>) => {
      const res = await t.app.inject({ url: '/api/v1/sites', headers });
      if (res.statusCode !== 200) return res.statusCode;
      return (res.json() as { sites: { siteKey: string }[] }).sites.map((x) => x.siteKey).sort();
    };
    expect(await sitesOf(asParent)).toEqual([t.site.siteKey, siteB.siteKey].sort());
    // Minted by the token: it answers to the person behind the token, not to nobody.
    const minted = await t.app.inject({
      method: 'POST',
      url: '/api/v1/tokens',
      headers: asParent,
      payload: { name: 'child', role: 'analyst', sites: [t.site.siteKey, siteB.siteKey] },
    });
    expect(minted.statusCode, minted.body).toBe(201);
    const child = minted.json() as { token: string; record: { id: string } };
    expect((await store.apiTokens.findById(child.record.id))?.createdBy).toBe(maker.id);
    const asChild = { authorization: `Bearer ${child.token}` };

    // The maker loses site B: both tokens lose it (its objects are 404, as for any other site).
    await store.users.update(maker.id, { siteIds: [t.site.id] });
    expect(await sitesOf(asParent)).toEqual([t.site.siteKey]);
    expect(await sitesOf(asChild)).toEqual([t.site.siteKey]);
    const onB = await t.app.inject({ url: `/api/v1/sites/${siteB.siteKey}/sessions`, headers: asChild });
    expect(onB.statusCode).toBe(404);

    // Demoted to analyst: the admin token stops; the analyst one still works.
    await store.users.update(maker.id, { role: 'analyst' });
    expect(await sitesOf(asParent)).toBe(401);
    expect(await sitesOf(asChild)).toEqual([t.site.siteKey]);
    // Demoted below analyst: the analyst token stops too.
    await store.users.update(maker.id, { role: 'auditor' });
    expect(await sitesOf(asChild)).toBe(401);
  });

  it("revokes neither the owner's tokens nor another site's; DELETE checks permission and scope", async () => {
    const { store } = t.app.veil;
    const owner = await store.users.findByEmail('owner@test.local');
    const ownersOnA = await createApiToken(store, t.clock, {
      role: 'analyst',
      name: 'owner made it',
      createdBy: owner?.id ?? null,
      siteIds: [t.site.id],
    });
    const onB = await createApiToken(store, t.clock, { role: 'analyst', name: 'B', siteIds: [siteB.id] });
    const mine = await createApiToken(store, t.clock, {
      role: 'analyst',
      name: 'mine',
      siteIds: [t.site.id],
    });
    expect((await call('DELETE', `/api/v1/tokens/${ownersOnA.record.id}`)).statusCode).toBe(403);
    expect((await call('DELETE', `/api/v1/tokens/${onB.record.id}`)).statusCode).toBe(404);
    const analyst = await createApiToken(store, t.clock, {
      role: 'analyst',
      name: 'x',
      siteIds: [t.site.id],
    });
    const refused = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/tokens/${mine.record.id}`,
      headers: { authorization: `Bearer ${analyst.token}` },
    });
    expect(refused.statusCode).toBe(403);
    expect((await call('DELETE', `/api/v1/tokens/${mine.record.id}`)).statusCode).toBe(204);
    expect((await store.apiTokens.findById(ownersOnA.record.id))?.revokedAt).toBeNull();
    expect((await store.apiTokens.findById(onB.record.id))?.revokedAt).toBeNull();
    expect((await store.apiTokens.findById(mine.record.id))?.revokedAt).not.toBeNull();
  });
});
