import { ROLES, type Role, roleHasPermission } from '@veil/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiToken } from '../../src/auth/createApiToken.js';
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
}

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
    const sink = await store.alertSinks.create({
      id: crypto.randomUUID(),
      siteId: siteB.id,
      name: `sink-${n}`,
      type: 'webhook',
      settings: { urlHost: 'hooks.example' },
      secretBox: Buffer.from([0]),
      enabled: true,
      createdAt: t.clock.now(),
      updatedAt: t.clock.now(),
    });
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
    if (!user || !alert || sink === 'conflict' || !inventoryItem) throw new Error('seeding site B failed');
    return {
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
      sink: sink.id,
      erasure: erasure.json().receipt.id,
      inventoryItem: inventoryItem.id,
    };
  }

  /**
   * The route's URL with every parameter naming an object of site B, and the query every route may
   * require (`page` of the heatmaps), so input validation never stands in for the scope check.
   */
  function urlFor(route: RegisteredRoute, b: SiteBObjects): string {
    return `${pathFor(route, b)}?page=%2F&step=%2F&step=%2Fcart`;
  }

  function pathFor(route: RegisteredRoute, b: SiteBObjects): string {
    const objects: Record<string, string> = {
      session: b.session,
      user: b.user,
      token: b.token,
      alert: b.alert,
      'inbox alert': b.inboxAlert,
    };
    return route.url.replace(/:([A-Za-z]+)/g, (_, name: string) => {
      if (name === 'siteKey') return siteB.siteKey;
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
      if (name === 'processorId') return 'proc_matrix-0001';
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
    ];
  }

  it('declares a site scope on every non-public route', () => {
    for (const route of t.app.veil.routes)
      if (route.permission !== 'public') expect(route.site, `${route.method} ${route.url}`).toBeDefined();
  });

  it.each(ROLES)('%s restricted to site A: never reaches, sees or changes site B', async (role) => {
    const b = await seedSiteB();
    const { token } = await createApiToken(t.app.veil.store, t.clock, {
      role,
      name: `A-only ${role}`,
      siteIds: [t.site.id],
    });
    const checked: string[] = [];
    for (const route of routesUnderTest()) {
      const res = await t.app.inject({
        method: route.method as 'GET',
        url: urlFor(route, b),
        headers: { authorization: `Bearer ${token}` },
        payload: bodyFor(route),
      });
      const label = `${role}@A ${route.method} ${route.url} → ${res.statusCode} ${res.body.slice(0, 200)}`;
      for (const secret of secretsOf(b)) expect(res.body, label).not.toContain(secret);
      if (!allowed(route, role)) {
        expect(res.statusCode, label).toBe(403);
        continue;
      }
      const site = route.site;
      if (site === 'siteKey' || isObjectSiteScope(site)) expect(res.statusCode, label).toBe(404);
      else if (site === 'allSites') expect(res.statusCode, label).toBe(403);
      else if (site === 'body') expect([403, 404], label).toContain(res.statusCode);
      else if (site === 'filtered') expect(res.statusCode, label).toBe(200);
      checked.push(label);
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
    const banner = await t.app.inject({
      url: `/api/v1/sites/${siteB.siteKey}/banner-texts`,
      headers: owner(),
    });
    expect(banner.body).toContain('"en"');
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

  it('promotes nobody beyond its own role and sites; a role change keeps the sites', async () => {
    const a = await userOf('a3@shop.example', [t.site.id]);
    expect((await call('PATCH', `/api/v1/users/${a.id}`, { role: 'owner' })).statusCode).toBe(403);
    expect((await call('PATCH', `/api/v1/users/${a.id}`, { sites: null })).statusCode).toBe(403);
    expect((await call('PATCH', `/api/v1/users/${a.id}`, { sites: [siteB.siteKey] })).statusCode).toBe(403);
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
