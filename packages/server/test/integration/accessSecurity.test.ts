import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiToken } from '../../src/auth/createApiToken.js';
import { ACCOUNT_LOCK_MS, MAX_CONSECUTIVE_LOGIN_FAILURES } from '../../src/auth/lockout.js';
import { hashPassword } from '../../src/auth/passwords.js';
import { AUTH_SESSION_IDLE_MS } from '../../src/auth/principal.js';
import { base32Decode, totp } from '../../src/auth/totp.js';
import { REPLAY_GRANT_TTL_MS } from '../../src/replay/replayGrants.js';
import { createSite } from '../../src/sites/createSite.js';
import type { SiteRecord } from '../../src/storage/sites/SiteRepository.js';
import { makeBatch, sessionId as newSessionId } from '../support/batches.js';
import { readReplay } from '../support/replay.js';
import { FAST_HASHING, OWNER_TOTP_SECRET, startTestApp, type TestApp } from '../support/testApp.js';

const PASSWORD = 'a long enough password';

describe('access control: lockout, CSRF, second factor, scopes, expiry, grants', () => {
  let t: TestApp;
  let other: SiteRecord;
  let sessionId: string;
  beforeAll(async () => {
    t = await startTestApp();
    other = await createSite(t.app.veil.store, t.clock, {
      name: 'Other',
      origins: ['https://other.example'],
    });
    const batch = makeBatch({ siteKey: t.site.siteKey, sessionId: newSessionId() });
    expect((await t.ingest(batch)).statusCode).toBe(202);
    sessionId = batch.sessionId;
  });
  afterAll(() => t.close());

  const addUser = async (email: string, role: Parameters<TestApp['token']>[0], siteIds?: string[]) =>
    t.app.veil.store.users.create({
      email,
      role,
      passwordHash: await hashPassword(PASSWORD, FAST_HASHING),
      createdAt: t.clock.now(),
      siteIds: siteIds ?? null,
    });
  const login = (email: string, password = PASSWORD, code?: string) =>
    t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email, password, ...(code ? { totp: code } : {}) },
    });
  const sessionHeaders = (res: Awaited<ReturnType<typeof login>>) => ({
    cookie: `veil_session=${res.cookies.find((c) => c.name === 'veil_session')?.value}`,
    'x-csrf-token': res.json().csrfToken as string,
  });
  const auditActions = async () =>
    (await t.app.veil.store.audit.query({ order: 'desc', limit: 500 })).map((e) => e.action);

  it('locks an account after repeated wrong passwords, even against the right one, then lets it in', async () => {
    await addUser('brute@test.local', 'analyst');
    for (let i = 0; i < MAX_CONSECUTIVE_LOGIN_FAILURES; i++) {
      expect((await login('brute@test.local', `guess ${i}`)).statusCode).toBe(401);
    }
    const locked = await login('brute@test.local');
    expect(locked.statusCode).toBe(429);
    expect(locked.json().error.code).toBe('too_many_requests');
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
    expect(locked.cookies).toHaveLength(0);
    expect(await auditActions()).toContain('auth.locked_out');
    t.clock.advance(ACCOUNT_LOCK_MS + 1);
    expect((await login('brute@test.local')).statusCode).toBe(200);
    const failures = await t.app.veil.store.audit.query({
      order: 'desc',
      limit: 50,
      actions: ['auth.login_failed'],
    });
    expect(failures.filter((e) => e.actor.label === 'brute@test.local')).toHaveLength(
      MAX_CONSECUTIVE_LOGIN_FAILURES,
    );
  });

  it('refuses cookie-authenticated writes without the CSRF token; bearer tokens need none', async () => {
    const auth = await t.loginHeaders();
    const payload = { name: 'Csrf', origins: ['https://csrf.example'] };
    const without = await t.app.inject({
      method: 'POST',
      url: '/api/v1/sites',
      headers: { cookie: auth.cookie ?? '' },
      payload,
    });
    expect(without.statusCode).toBe(403);
    expect(without.json().error.code).toBe('csrf_failed');
    const wrong = await t.app.inject({
      method: 'POST',
      url: '/api/v1/sites',
      headers: { cookie: auth.cookie ?? '', 'x-csrf-token': 'A'.repeat(43) },
      payload,
    });
    expect(wrong.json().error.code).toBe('csrf_failed');
    const logoutWithout = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/logout',
      headers: { cookie: auth.cookie ?? '' },
    });
    expect(logoutWithout.statusCode).toBe(403);
    const ok = await t.app.inject({ method: 'POST', url: '/api/v1/sites', headers: auth, payload });
    expect(ok.statusCode).toBe(201);
    const bearer = await t.app.inject({
      method: 'POST',
      url: '/api/v1/sites',
      headers: { authorization: `Bearer ${await t.token('admin')}` },
      payload: { name: 'Bearer', origins: ['https://bearer.example'] },
    });
    expect(bearer.statusCode).toBe(201);
  });

  it('requires TOTP enrolment of roles that can watch raw replays, and enforces it', async () => {
    await addUser('viewer@test.local', 'replay_viewer');
    const res = await login('viewer@test.local');
    expect(res.json()).toMatchObject({ secondFactor: 'pending', totpEnabled: false });
    const headers = sessionHeaders(res);
    const blocked = await t.app.inject({ url: '/api/v1/sites', headers });
    expect(blocked.statusCode).toBe(403);
    expect(blocked.json().error.code).toBe('second_factor_required');
    const events = await readReplay(t.app, headers, sessionId);
    expect(events.json().error.code).toBe('second_factor_required');
    expect((await t.app.inject({ url: '/api/v1/auth/me', headers })).json().session).toMatchObject({
      secondFactor: 'pending',
      totpRequired: true,
    });

    const setup = await t.app.inject({ method: 'POST', url: '/api/v1/auth/totp/setup', headers });
    expect(setup.statusCode).toBe(200);
    const { secret, otpauthUri } = setup.json();
    expect(otpauthUri).toContain('otpauth://totp/Veil:viewer%40test.local');
    const badCode = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/totp/enable',
      headers,
      payload: { code: '000000' },
    });
    expect(badCode.json().error.code).toBe('invalid_totp');
    const code = totp(base32Decode(secret), t.clock.now());
    expect(
      (await t.app.inject({ method: 'POST', url: '/api/v1/auth/totp/enable', headers, payload: { code } }))
        .statusCode,
    ).toBe(204);
    expect((await t.app.inject({ url: '/api/v1/sites', headers })).statusCode).toBe(200);
    // Enrolled: enrolling again needs an admin reset, so a stolen password cannot replace the phone.
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/auth/totp/setup', headers })).statusCode).toBe(
      409,
    );

    // The next login owes the code; the code used at enrolment cannot be replayed.
    const again = await login('viewer@test.local');
    const second = sessionHeaders(again);
    expect(again.json()).toMatchObject({ secondFactor: 'pending', totpEnabled: true });
    const replayed = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/totp/verify',
      headers: second,
      payload: { code },
    });
    expect(replayed.json().error.code).toBe('invalid_totp');
    t.clock.advance(30_000);
    const fresh = totp(base32Decode(secret), t.clock.now());
    expect(
      (
        await t.app.inject({
          method: 'POST',
          url: '/api/v1/auth/totp/verify',
          headers: second,
          payload: { code: fresh },
        })
      ).statusCode,
    ).toBe(204);
    expect((await t.app.inject({ url: '/api/v1/sites', headers: second })).statusCode).toBe(200);

    // Or in one step, with the code next to the password.
    t.clock.advance(30_000);
    const inline = await login('viewer@test.local', PASSWORD, totp(base32Decode(secret), t.clock.now()));
    expect(inline.json()).toMatchObject({ secondFactor: 'verified' });
    expect(await auditActions()).toEqual(
      expect.arrayContaining([
        'auth.totp_enrolled',
        'auth.second_factor_passed',
        'auth.second_factor_failed',
      ]),
    );
  });

  it('does not demand TOTP of analysts', async () => {
    await addUser('analyst@test.local', 'analyst');
    const res = await login('analyst@test.local');
    expect(res.json().secondFactor).toBe('not_required');
    expect((await t.app.inject({ url: '/api/v1/sites', headers: sessionHeaders(res) })).statusCode).toBe(200);
  });

  it('keeps the owner behind TOTP too (VEIL_ADMIN_TOTP_SECRET provisions it)', async () => {
    const res = await login('owner@test.local', 'correct horse battery staple');
    expect(res.json()).toMatchObject({ secondFactor: 'pending', totpEnabled: true });
    expect((await t.app.inject({ url: '/api/v1/users', headers: sessionHeaders(res) })).statusCode).toBe(403);
    t.clock.advance(30_000);
    const code = totp(base32Decode(OWNER_TOTP_SECRET), t.clock.now());
    const ok = await login('owner@test.local', 'correct horse battery staple', code);
    expect((await t.app.inject({ url: '/api/v1/users', headers: sessionHeaders(ok) })).statusCode).toBe(200);
  });

  it('refuses an expired cookie session, and ends every session on sign-out-everywhere', async () => {
    await addUser('expiry@test.local', 'analyst');
    const first = sessionHeaders(await login('expiry@test.local'));
    const second = sessionHeaders(await login('expiry@test.local'));
    t.clock.advance(AUTH_SESSION_IDLE_MS + 1);
    const expired = await t.app.inject({ url: '/api/v1/auth/me', headers: first });
    expect(expired.statusCode).toBe(401);
    expect(expired.json().error.code).toBe('unauthenticated');
    const third = sessionHeaders(await login('expiry@test.local'));
    const fourth = sessionHeaders(await login('expiry@test.local'));
    const out = await t.app.inject({ method: 'POST', url: '/api/v1/auth/logout-everywhere', headers: third });
    // Both live sessions, and the idle one not swept yet.
    expect(out.json()).toEqual({ sessionsEnded: 3 });
    for (const h of [second, third, fourth])
      expect((await t.app.inject({ url: '/api/v1/auth/me', headers: h })).statusCode).toBe(401);
  });

  it('refuses a token outside its sites, after expiry and after revocation', async () => {
    const { token, record } = await createApiToken(t.app.veil.store, t.clock, {
      role: 'replay_viewer',
      name: 'scoped',
      siteIds: [other.id],
      expiresInDays: 1,
    });
    const auth = { authorization: `Bearer ${token}` };
    const sites = await t.app.inject({ url: '/api/v1/sites', headers: auth });
    expect(sites.json().sites.map((s: { siteKey: string }) => s.siteKey)).toEqual([other.siteKey]);
    for (const url of [
      `/api/v1/sites/${t.site.siteKey}`,
      `/api/v1/sites/${t.site.siteKey}/sessions`,
      `/api/v1/sessions/${sessionId}`,
      `/api/v1/sessions/${sessionId}/events`,
    ]) {
      const res = await t.app.inject({ url, headers: auth });
      expect(res.statusCode, url).toBe(404);
    }
    expect(
      (await t.app.inject({ url: `/api/v1/sites/${other.siteKey}/sessions`, headers: auth })).statusCode,
    ).toBe(200);
    // It cannot mint a broader token either.
    const admin = await createApiToken(t.app.veil.store, t.clock, {
      role: 'admin',
      name: 'a',
      siteIds: [other.id],
    });
    const broader = await t.app.inject({
      method: 'POST',
      url: '/api/v1/tokens',
      headers: { authorization: `Bearer ${admin.token}` },
      payload: { name: 'x', role: 'analyst', sites: null },
    });
    expect(broader.statusCode).toBe(403);
    const escalate = await t.app.inject({
      method: 'POST',
      url: '/api/v1/tokens',
      headers: { authorization: `Bearer ${admin.token}` },
      payload: { name: 'x', role: 'replay_viewer', sites: [other.siteKey] },
    });
    expect(escalate.statusCode).toBe(403);

    t.clock.advance(24 * 60 * 60 * 1000 + 1);
    expect((await t.app.inject({ url: '/api/v1/sites', headers: auth })).statusCode).toBe(401);
    const owner = { authorization: `Bearer ${await t.token('owner')}` };
    const fresh = await t.app.inject({
      method: 'POST',
      url: '/api/v1/tokens',
      headers: owner,
      payload: { name: 'short', role: 'analyst', expiresInDays: 1 },
    });
    expect(fresh.statusCode).toBe(201);
    const freshAuth = { authorization: `Bearer ${fresh.json().token}` };
    expect((await t.app.inject({ url: '/api/v1/sites', headers: freshAuth })).statusCode).toBe(200);
    expect(
      (
        await t.app.inject({
          method: 'DELETE',
          url: `/api/v1/tokens/${fresh.json().record.id}`,
          headers: owner,
        })
      ).statusCode,
    ).toBe(204);
    expect((await t.app.inject({ url: '/api/v1/sites', headers: freshAuth })).statusCode).toBe(401);
    const listed = await t.app.inject({ url: '/api/v1/tokens', headers: owner });
    expect(JSON.stringify(listed.json())).not.toContain(fresh.json().token);
    expect(listed.json().tokens.find((x: { id: string }) => x.id === record.id)).toMatchObject({
      sites: [other.siteKey],
    });
    expect(await auditActions()).toEqual(expect.arrayContaining(['token.created', 'token.revoked']));
  });

  it('lets nobody grant more than they hold, and keeps one owner', async () => {
    const admin = { authorization: `Bearer ${await t.token('admin')}` };
    const asViewer = await t.app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: admin,
      payload: { email: 'v2@test.local', role: 'replay_viewer' },
    });
    expect(asViewer.statusCode).toBe(403);
    const analyst = await t.app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: admin,
      payload: { email: 'a2@test.local', role: 'analyst', sites: [t.site.siteKey] },
    });
    expect(analyst.statusCode).toBe(201);
    expect(analyst.json()).toMatchObject({
      user: { role: 'analyst', sites: [t.site.siteKey] },
      password: expect.any(String),
    });
    const owners = (await t.app.veil.store.users.list()).filter((u) => u.role === 'owner');
    const owner = { authorization: `Bearer ${await t.token('owner')}` };
    const demote = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/users/${owners[0]?.id}`,
      headers: owner,
      payload: { role: 'analyst' },
    });
    expect(demote.statusCode).toBe(409);
    const touchOwner = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/users/${owners[0]?.id}`,
      headers: admin,
    });
    expect(touchOwner.statusCode).toBe(403);
  });

  it('binds raw replay to a purpose, for a limited time, and alerts past the hourly limit', async () => {
    const viewer = { authorization: `Bearer ${await t.token('replay_viewer')}` };
    const none = await t.app.inject({ url: `/api/v1/sessions/${sessionId}/events`, headers: viewer });
    expect(none.json().error.code).toBe('purpose_required');
    const granted = await t.app.inject({
      method: 'POST',
      url: `/api/v1/sessions/${sessionId}/replay-grants`,
      headers: viewer,
      payload: { purpose: 'Checkout bug  on iOS', ticket: 'SUP-1234' },
    });
    expect(granted.statusCode).toBe(201);
    const grant = granted.json().grant;
    expect(grant).toMatchObject({
      purpose: 'Checkout bug on iOS',
      ticket: 'SUP-1234',
      expiresAt: t.clock.now() + REPLAY_GRANT_TTL_MS,
    });
    const read = await t.app.inject({
      url: `/api/v1/sessions/${sessionId}/events?grant=${grant.id}`,
      headers: viewer,
    });
    expect(read.statusCode).toBe(200);
    expect(read.json()).toMatchObject({
      purpose: 'Checkout bug on iOS',
      grant: { id: grant.id, ticket: 'SUP-1234' },
    });
    const someoneElse = { authorization: `Bearer ${await t.token('replay_viewer')}` };
    expect(
      (
        await t.app.inject({
          url: `/api/v1/sessions/${sessionId}/events?grant=${grant.id}`,
          headers: someoneElse,
        })
      ).statusCode,
    ).toBe(403);
    t.clock.advance(REPLAY_GRANT_TTL_MS + 1);
    const late = await t.app.inject({
      url: `/api/v1/sessions/${sessionId}/events?grant=${grant.id}`,
      headers: viewer,
    });
    expect(late.json().error.code).toBe('purpose_required');
    const entries = await t.app.veil.store.audit.query({
      order: 'desc',
      limit: 10,
      actions: ['replay.viewed'],
    });
    expect(entries[0]).toMatchObject({
      siteKey: t.site.siteKey,
      target: { type: 'session', id: sessionId },
      details: { purpose: 'Checkout bug on iOS', ticket: 'SUP-1234', grantId: grant.id },
    });

    // The limit: 2 per hour on this site; the third grant raises one alert, the fourth none more.
    const owner = { authorization: `Bearer ${await t.token('owner')}` };
    const limit = await t.app.inject({
      method: 'PUT',
      url: `/api/v1/sites/${t.site.siteKey}/access-limits`,
      headers: owner,
      payload: { rawReplaysPerHour: 2 },
    });
    expect(limit.statusCode).toBe(200);
    const curious = { authorization: `Bearer ${await t.token('replay_viewer')}` };
    for (let i = 0; i < 4; i++) {
      const res = await readReplay(t.app, curious, sessionId, `look number ${i}`);
      expect(res.statusCode).toBe(200);
    }
    const alerts = await t.app.inject({ url: '/api/v1/alerts/access?open=true', headers: owner });
    expect(alerts.json().alerts).toHaveLength(1);
    expect(alerts.json().alerts[0]).toMatchObject({ count: 3, threshold: 2, siteKey: t.site.siteKey });
    // The same anomaly is in the inbox of every alert kind (whence the sinks), once, naming no purpose.
    const inbox = await t.app.inject({
      url: `/api/v1/alerts?site=${t.site.siteKey}&kind=access_anomaly`,
      headers: owner,
    });
    expect(inbox.json().alerts).toHaveLength(1);
    expect(inbox.json().alerts[0]).toMatchObject({
      kind: 'access_anomaly',
      severity: 'high',
      status: 'open',
      occurrences: 1,
      details: { count: 3, limit: 2 },
    });
    expect(inbox.body).not.toContain('look number');
    const ack = await t.app.inject({
      method: 'POST',
      url: `/api/v1/alerts/access/${alerts.json().alerts[0].id}/acknowledge`,
      headers: owner,
      payload: { note: 'QA sweep, agreed with the DPO' },
    });
    expect(ack.statusCode).toBe(204);
    expect(await auditActions()).toEqual(
      expect.arrayContaining(['replay.access_anomaly', 'alert.acknowledged', 'site.updated']),
    );
    const report = await t.app.inject({ url: '/api/v1/audit/access-report', headers: owner });
    expect(report.json().grants.length).toBeGreaterThanOrEqual(5);
    expect(report.json().grants[0]).toMatchObject({ sessionId, siteKey: t.site.siteKey });
  });

  it('serves a searchable audit view and a verification report', async () => {
    const auditor = { authorization: `Bearer ${await t.token('auditor')}` };
    const page = await t.app.inject({ url: '/api/v1/audit?action=replay.viewed&limit=2', headers: auditor });
    expect(page.statusCode).toBe(200);
    expect(page.json().entries).toHaveLength(2);
    expect(page.json().nextBefore).toBe(page.json().entries[1].seq);
    const search = await t.app.inject({ url: '/api/v1/audit?q=SUP-1234', headers: auditor });
    expect(
      search
        .json()
        .entries.every((e: { details: unknown }) => JSON.stringify(e.details).includes('SUP-1234')),
    ).toBe(true);
    const verify = await t.app.inject({ url: '/api/v1/audit/verify', headers: auditor });
    expect(verify.json()).toMatchObject({ ok: true });
    const csv = await t.app.inject({
      method: 'POST',
      url: '/api/v1/audit/export',
      headers: auditor,
      payload: { format: 'csv', action: 'replay.viewed' },
    });
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.body.split('\r\n')[0]).toBe(
      'seq,time,at,actor_type,actor_id,actor_label,action,site_key,target_type,target_id,details,prev_hash,hash',
    );
    const bad = await t.app.inject({ url: '/api/v1/audit?action=nope', headers: auditor });
    expect(bad.statusCode).toBe(400);
    const restricted = await createApiToken(t.app.veil.store, t.clock, {
      role: 'auditor',
      name: 'r',
      siteIds: [other.id],
    });
    const refused = await t.app.inject({
      url: '/api/v1/audit',
      headers: { authorization: `Bearer ${restricted.token}` },
    });
    expect(refused.statusCode).toBe(403);
  });

  it("gives a credential restricted to sites its sites' audit entries, and nothing of another site's", async () => {
    const mine = await createSite(t.app.veil.store, t.clock, {
      name: 'Scoped audit site',
      origins: ['https://scoped-audit.example'],
      samplingPercent: 100,
    });
    const actor = { type: 'user' as const, id: 'user-audit-scope', label: 'scope@example.test' };
    await t.app.veil.audit.record({
      action: 'replay.viewed',
      actor,
      siteKey: mine.siteKey,
      target: { type: 'session', id: 'session-of-mine' },
      details: { purpose: 'MINE-4711 support ticket' },
    });
    await t.app.veil.audit.record({
      action: 'replay.viewed',
      actor,
      siteKey: t.site.siteKey,
      target: { type: 'session', id: 'session-of-another' },
      details: { purpose: 'OTHER-0815 support ticket' },
    });
    const restricted = await createApiToken(t.app.veil.store, t.clock, {
      role: 'auditor',
      name: 'site auditor',
      siteIds: [mine.id],
    });
    const headers = { authorization: `Bearer ${restricted.token}` };
    const own = await t.app.inject({ url: `/api/v1/sites/${mine.siteKey}/audit?limit=500`, headers });
    expect(own.statusCode).toBe(200);
    const entries = own.json().entries as Array<{ siteKey: string | null; target: { id: string } | null }>;
    expect(entries.map((e) => e.target?.id)).toContain('session-of-mine');
    expect(entries.every((e) => e.siteKey === mine.siteKey)).toBe(true);
    expect(own.body).not.toContain('OTHER-0815');
    // Filters apply within the site; a siteKey in the query cannot widen it (unknown, refused).
    const searched = await t.app.inject({ url: `/api/v1/sites/${mine.siteKey}/audit?q=MINE-4711`, headers });
    expect(searched.json().entries).toHaveLength(1);
    const widened = await t.app.inject({
      url: `/api/v1/sites/${mine.siteKey}/audit?siteKey=${t.site.siteKey}`,
      headers,
    });
    expect(widened.body).not.toContain('OTHER-0815');
    // Another site's log is not there for this credential: 404, as for any object of that site.
    const other = await t.app.inject({ url: `/api/v1/sites/${t.site.siteKey}/audit`, headers });
    expect(other.statusCode).toBe(404);
    expect(other.body).not.toContain('OTHER-0815');
    // An auditor of every site reads the other site's entries there.
    const everyone = { authorization: `Bearer ${await t.token('auditor')}` };
    const all = await t.app.inject({
      url: `/api/v1/sites/${t.site.siteKey}/audit?q=OTHER-0815`,
      headers: everyone,
    });
    expect(all.json().entries).toHaveLength(1);
  });
  it("gives a credential restricted to sites its sites' access report and alerts, nothing of another site's", async () => {
    const { store } = t.app.veil;
    const mine = await createSite(store, t.clock, {
      name: 'Scoped report site',
      origins: ['https://scoped-report.example'],
      samplingPercent: 100,
    });
    const grant = (siteId: string, who: string, session: string, purpose: string) =>
      store.replayGrants.create({
        userId: `user-${who}`,
        apiTokenId: null,
        actorLabel: `${who}@report.example`,
        sessionId: session,
        siteId,
        purpose,
        ticket: null,
        createdAt: t.clock.now(),
        expiresAt: t.clock.now() + REPLAY_GRANT_TTL_MS,
      });
    await grant(mine.id, 'ada', 'session-mine-1', 'MINE-4711 checkout bug');
    await grant(mine.id, 'ada', 'session-mine-2', 'MINE-4712 checkout bug');
    await grant(mine.id, 'bob', 'session-mine-3', 'MINE-4713 login bug');
    // Bob looked at the other site more: totals of this site's report must not count it.
    for (let i = 0; i < 3; i++) await grant(other.id, 'bob', `session-other-${i}`, `OTHER-0815 refund ${i}`);
    const restricted = await createApiToken(store, t.clock, {
      role: 'auditor',
      name: 'site report auditor',
      siteIds: [mine.id],
    });
    const headers = { authorization: `Bearer ${restricted.token}` };

    const own = await t.app.inject({ url: `/api/v1/sites/${mine.siteKey}/access-report`, headers });
    expect(own.statusCode, own.body).toBe(200);
    const report = own.json() as {
      grants: Array<{ sessionId: string; siteKey: string | null }>;
      totals: Array<{ actor: { id: string }; count: number }>;
    };
    expect(report.grants.map((g) => g.sessionId).sort()).toEqual([
      'session-mine-1',
      'session-mine-2',
      'session-mine-3',
    ]);
    expect(report.grants.every((g) => g.siteKey === mine.siteKey)).toBe(true);
    expect(report.totals.map((x) => [x.actor.id, x.count])).toEqual([
      ['user-ada', 2],
      ['user-bob', 1],
    ]);
    expect(own.body).not.toContain('OTHER-0815');
    expect(own.json().total).toBe(3);
    // One grant listed, every grant counted: the totals are not those of the page shown.
    const first = await t.app.inject({ url: `/api/v1/sites/${mine.siteKey}/access-report?limit=1`, headers });
    expect(first.json().grants).toHaveLength(1);
    expect(first.json().total).toBe(3);
    expect(
      first.json().totals.map((x: { actor: { id: string }; count: number }) => [x.actor.id, x.count]),
    ).toEqual([
      ['user-ada', 2],
      ['user-bob', 1],
    ]);
    // The filters apply within the site; a siteKey in the query cannot widen it.
    const ofBob = await t.app.inject({
      url: `/api/v1/sites/${mine.siteKey}/access-report?user=user-bob`,
      headers,
    });
    expect(ofBob.json().grants.map((g: { sessionId: string }) => g.sessionId)).toEqual(['session-mine-3']);
    const widened = await t.app.inject({
      url: `/api/v1/sites/${mine.siteKey}/access-report?siteKey=${other.siteKey}`,
      headers,
    });
    expect(widened.statusCode).toBe(200);
    expect(widened.body).not.toContain('OTHER-0815');
    // Another site's report is not there for this credential: 404, as for a key of no site.
    const theirs = await t.app.inject({ url: `/api/v1/sites/${other.siteKey}/access-report`, headers });
    const nowhere = await t.app.inject({ url: '/api/v1/sites/no_such_site_key_01/access-report', headers });
    expect(theirs.statusCode).toBe(404);
    expect(theirs.json().error.code).toBe('not_found');
    expect(theirs.body.replaceAll(other.siteKey, 'KEY')).toBe(
      nowhere.body.replaceAll('no_such_site_key_01', 'KEY'),
    );
    expect(theirs.body).not.toContain('OTHER-0815');
    // The instance-wide report stays for credentials of every site.
    const wide = await t.app.inject({ url: '/api/v1/audit/access-report', headers });
    expect(wide.statusCode).toBe(403);
    const everyone = { authorization: `Bearer ${await t.token('auditor')}` };
    const all = await t.app.inject({
      url: `/api/v1/sites/${other.siteKey}/access-report`,
      headers: everyone,
    });
    expect(all.json().grants).toHaveLength(3);
    expect(all.json().totals).toEqual([expect.objectContaining({ count: 3 })]);

    // Access alerts: each is one person's count on one site. The restricted auditor sees its
    // site's alert, also when newer alerts of another site (and of no site) outnumber the limit.
    const raise = (of: SiteRecord | null, n: number) =>
      store.accessAlerts.raise({
        kind: 'raw_replay_rate',
        dedupeKey: `scoped-report-${n}`,
        siteId: of?.id ?? null,
        siteKey: of?.siteKey ?? null,
        userId: 'user-bob',
        apiTokenId: null,
        actorLabel: `bob-${n}@report.example`,
        count: 9,
        threshold: 2,
        windowStart: t.clock.now(),
        createdAt: t.clock.now() + n,
        acknowledgedAt: null,
        acknowledgedBy: null,
        note: null,
      });
    const ours = await raise(mine, 1);
    for (let n = 2; n <= 4; n++) await raise(other, n);
    await raise(null, 5);
    const listed = await t.app.inject({ url: '/api/v1/alerts/access?open=true&limit=2', headers });
    expect(listed.statusCode).toBe(200);
    expect(listed.json().alerts.map((a: { id: string }) => a.id)).toEqual([ours?.id]);
    const perSite = await t.app.inject({ url: `/api/v1/sites/${mine.siteKey}/access-alerts`, headers });
    expect(perSite.statusCode, perSite.body).toBe(200);
    expect(perSite.json().alerts.map((a: { id: string }) => a.id)).toEqual([ours?.id]);
    const otherAlerts = await t.app.inject({ url: `/api/v1/sites/${other.siteKey}/access-alerts`, headers });
    expect(otherAlerts.statusCode).toBe(404);
    expect(`${listed.body}${perSite.body}${otherAlerts.body}`).not.toMatch(/bob-[2-5]@report/);
    const allAlerts = await t.app.inject({
      url: `/api/v1/sites/${other.siteKey}/access-alerts?open=true`,
      headers: everyone,
    });
    expect(allAlerts.json().alerts.map((a: { actor: { label: string } }) => a.actor.label)).toEqual([
      'bob-4@report.example',
      'bob-3@report.example',
      'bob-2@report.example',
    ]);
  });
});
