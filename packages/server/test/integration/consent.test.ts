import { bannerTextHash, DEFAULT_BANNER_TEXTS, resolveBannerTexts, VeilCustomTag } from '@veil/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSite } from '../../src/sites/createSite.js';
import { makeBatch, sessionId, T0 } from '../support/batches.js';
import { grantRegistrationBody } from '../support/consent.js';
import { SITE_ORIGIN, startTestApp, type TestApp } from '../support/testApp.js';

// Consent receipts on a real SQLite file: the browser registers decisions, ingest refuses batches
// without a valid receipt (403 consent_required) and after a withdrawal, the opt-out registry and
// page, the banner's texts, and the statistics the dashboard charts.

const DAY = 86_400_000;
let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t?.close());

function register(body: unknown, headers: Record<string, string> = {}, siteKey = t.site.siteKey) {
  return t.app.inject({
    method: 'POST',
    url: `/r/v1/sites/${siteKey}/consent`,
    headers: { 'content-type': 'text/plain;charset=UTF-8', origin: SITE_ORIGIN, ...headers },
    payload: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

const auth = async (role: Parameters<TestApp['token']>[0]) => ({
  authorization: `Bearer ${await t.token(role)}`,
});

describe('consent registration (POST /r/v1/sites/{siteKey}/consent)', () => {
  it('registers a grant once and answers it again idempotently', async () => {
    const body = grantRegistrationBody('grant_receipt_0001', 'visitor_alpha_01');
    const first = await register({
      ...body,
      source: 'banner',
      bannerTextHash: 'c'.repeat(64),
      language: 'de',
    });
    expect(first.statusCode).toBe(201);
    expect(first.headers['access-control-allow-origin']).toBe(SITE_ORIGIN);
    expect(first.json()).toEqual({ receiptId: 'grant_receipt_0001', decision: 'granted', recordedAt: T0 });
    const again = await register(body);
    expect(again.statusCode).toBe(200);
    const stolen = await register(grantRegistrationBody('grant_receipt_0001', 'visitor_other_01'));
    expect(stolen.statusCode).toBe(409);
    expect(stolen.json().error.code).toBe('conflict');
  });

  it('refuses other origins, bad JSON and malformed decisions', async () => {
    const body = grantRegistrationBody('grant_receipt_0002', 'visitor_alpha_02');
    expect((await register(body, { origin: 'https://evil.example' })).json().error.code).toBe(
      'origin_not_allowed',
    );
    expect((await register('{nope')).json().error.code).toBe('invalid_json');
    const bad = await register({ ...body, source: 'guess' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('validation_failed');
    expect((await register({ ...body, decision: 'denied' })).statusCode).toBe(400); // a refusal carries no ids
    expect((await register(body, {}, 'unknown_site_key')).statusCode).toBe(404);
  });

  it('counts a banner refusal without any identifier', async () => {
    const res = await register({
      v: 1,
      decision: 'denied',
      granted: [],
      denied: ['analytics'],
      source: 'banner',
      bannerTextHash: 'd'.repeat(64),
    });
    expect(res.statusCode).toBe(201);
    expect(res.json().receiptId).toMatch(/^cr_/);
  });
});

describe('ingest and consent receipts', () => {
  const visitorId = 'visitor_ingest_1';
  const receiptId = 'grant_ingest_0001';

  it('refuses a batch without a receipt, or with one nobody registered: 403 consent_required', async () => {
    const none = await t.ingest(
      makeBatch({ siteKey: t.site.siteKey, sessionId: sessionId(), consentReceiptId: undefined }),
    );
    expect(none.statusCode).toBe(403);
    expect(none.json()).toEqual({
      error: { code: 'consent_required', message: expect.stringContaining('consentReceiptId') },
    });
    const unknown = await t.ingest(
      makeBatch({ siteKey: t.site.siteKey, sessionId: sessionId(), consentReceiptId: 'never_registered' }),
    );
    expect(unknown.statusCode).toBe(403);
    expect(unknown.json().error.code).toBe('consent_required');
    expect(t.app.veil.ingest.metrics.snapshot().steps.consent.drops.consent_required).toBeGreaterThanOrEqual(
      2,
    );
  });

  it('accepts batches carrying the visitor’s registered receipt, not another visitor’s', async () => {
    expect((await register(grantRegistrationBody(receiptId, visitorId))).statusCode).toBe(201);
    const ok = await t.ingest(
      makeBatch({ siteKey: t.site.siteKey, sessionId: sessionId(), visitorId, consentReceiptId: receiptId }),
    );
    expect(ok.statusCode).toBe(202);
    const borrowed = await t.ingest(
      makeBatch({
        siteKey: t.site.siteKey,
        sessionId: sessionId(),
        visitorId: 'visitor_ingest_2',
        consentReceiptId: receiptId,
      }),
    );
    expect(borrowed.json().error.code).toBe('consent_required');
  });

  it('after a withdrawal refuses the receipt, and erases the visitor’s recordings (eraseOnWithdrawal)', async () => {
    const recorded = sessionId();
    const before = await t.ingest(
      makeBatch({
        siteKey: t.site.siteKey,
        sessionId: recorded,
        visitorId,
        consentReceiptId: receiptId,
        seq: 0,
      }),
    );
    expect(before.statusCode).toBe(202);
    expect(await t.app.veil.store.recordings.get(recorded)).toBeDefined();

    t.clock.advance(1_000);
    const withdrawal = await register({
      v: 1,
      decision: 'withdrawn',
      receiptId,
      visitorId,
      granted: [],
      denied: ['analytics'],
      source: 'tcf',
    });
    expect(withdrawal.statusCode).toBe(201);
    expect(withdrawal.json()).toMatchObject({
      decision: 'withdrawn',
      receiptId: expect.stringMatching(/^cw_/),
    });

    const after = await t.ingest(
      makeBatch({
        siteKey: t.site.siteKey,
        sessionId: recorded,
        visitorId,
        consentReceiptId: receiptId,
        seq: 1,
      }),
    );
    expect(after.statusCode).toBe(403);
    expect(after.json().error).toEqual({
      code: 'consent_required',
      message: 'the visitor withdrew this consent',
    });
    expect(await t.app.veil.store.recordings.get(recorded)).toBeUndefined();

    // The erasure is in the request log, started by the visitor; the receipts stay as evidence.
    const log = await t.app.inject({
      url: '/api/v1/subject-requests',
      headers: await auth('compliance_officer'),
    });
    const entry = log.json().requests.find((r: { origin: string }) => r.origin === 'withdrawal');
    expect(entry).toMatchObject({
      kind: 'erasure',
      selector: { kind: 'visitorId', visitorId },
      handledBy: 'visitor (consent withdrawal)',
      status: 'completed',
    });
    const receipts = await t.app.inject({
      url: `/api/v1/sites/${t.site.siteKey}/consent/receipts`,
      headers: await auth('auditor'),
    });
    const mine = receipts
      .json()
      .receipts.filter((r: { visitorId: string | null }) => r.visitorId === visitorId);
    expect(mine.map((r: { decision: string }) => r.decision).sort()).toEqual(['granted', 'withdrawn']);
    expect(mine.find((r: { decision: string }) => r.decision === 'withdrawn')).toMatchObject({
      withdraws: receiptId,
      source: 'tcf',
      siteKey: t.site.siteKey,
      lawfulBasis: 'consent',
      policyVersion: (await t.app.veil.store.privacy.latestVersion(t.site.id))?.version ?? null,
    });
  });

  it('records under legitimate interest only with a documented assessment', async () => {
    const store = t.app.veil.store;
    const site = await createSite(store, t.clock, {
      name: 'LI',
      origins: ['https://li.example'],
      samplingPercent: 100,
      lawfulBasis: 'legitimate_interest',
    });
    const batch = () =>
      makeBatch({ siteKey: site.siteKey, sessionId: sessionId(), consentReceiptId: undefined });
    const undocumented = await t.ingest(batch(), { origin: 'https://li.example' });
    expect(undocumented.json().error.code).toBe('consent_required');
    // The loader is told to wait for consent, too.
    const config = await t.app.inject({ url: `/r/v1/sites/${site.siteKey}/config` });
    expect(config.json().lawfulBasis).toBe('consent');
    // The same policy with its assessment (stored as the policy engine would): recorded without consent.
    const documented = await createSite(store, t.clock, {
      name: 'LI2',
      origins: ['https://li2.example'],
      samplingPercent: 100,
    });
    Object.assign(documented.policy, {
      lawfulBasis: 'legitimate_interest',
      legitimateInterestAssessment: { purpose: 'fix bugs', necessity: 'n', balancing: 'b', safeguards: 's' },
    });
    const { consent } = await import('../../src/ingest/steps/consent.js');
    const passed = await consent(
      { store, clock: t.clock },
      {
        request: {
          contentType: 'application/json',
          contentEncoding: undefined,
          origin: undefined,
          referer: undefined,
          body: undefined,
        },
        batch: makeBatch({
          siteKey: documented.siteKey,
          sessionId: sessionId(),
          consentReceiptId: undefined,
        }),
        site: documented,
        origin: 'https://li2.example',
      },
    );
    expect(passed).not.toHaveProperty('drop');
  });
});

describe('opt-out registry', () => {
  it('an opt-out withdrawal keeps the visitor out: no new grant, no batch', async () => {
    const visitorId = 'visitor_optout_1';
    expect((await register(grantRegistrationBody('grant_optout_0001', visitorId))).statusCode).toBe(201);
    const optOut = await register({
      v: 1,
      decision: 'withdrawn',
      receiptId: 'grant_optout_0001',
      visitorId,
      granted: [],
      denied: ['analytics'],
      source: 'optout',
      optOut: true,
    });
    expect(optOut.statusCode).toBe(201);
    const regrant = await register(grantRegistrationBody('grant_optout_0002', visitorId));
    expect(regrant.statusCode).toBe(403);
    expect(regrant.json().error.code).toBe('consent_required');
    const batch = await t.ingest(makeBatch({ siteKey: t.site.siteKey, sessionId: sessionId(), visitorId }));
    expect(batch.json().error).toEqual({ code: 'consent_required', message: 'this visitor opted out' });
    const listed = await t.app.inject({
      url: `/api/v1/sites/${t.site.siteKey}/optouts`,
      headers: await auth('auditor'),
    });
    expect(listed.json().optOuts).toContainEqual(
      expect.objectContaining({ scope: 'site', subject: { kind: 'visitor', visitorId }, source: 'optout' }),
    );
  });

  it('the opt-out page served by Veil registers a visitor without script or cookie', async () => {
    const page = await t.app.inject({
      url: `/optout?site=${t.site.siteKey}&visitor=visitor_page_001&lang=de`,
    });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.headers['content-security-policy']).toContain("default-src 'none'");
    expect(page.body).toContain('<html lang="de">');
    expect(page.body).toContain('value="visitor_page_001"');
    expect(page.body).not.toContain('<script');
    expect(page.headers['set-cookie']).toBeUndefined();

    const posted = await t.app.inject({
      method: 'POST',
      url: '/optout',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: `site=${t.site.siteKey}&visitor=visitor_page_001&scope=instance`,
    });
    expect(posted.statusCode).toBe(200);
    expect(posted.body).toContain('role="status"');
    const other = await createSite(t.app.veil.store, t.clock, {
      name: 'Other',
      origins: ['https://o2.example'],
    });
    expect(await t.app.veil.store.optOuts.isOptedOut(other.id, { visitorId: 'visitor_page_001' })).toBe(true);

    const bad = await t.app.inject({
      method: 'POST',
      url: '/optout',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: `site=${t.site.siteKey}&visitor=%3Cscript%3E`,
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).not.toContain('<script>');
  });

  it('an instance-wide opt-out of a user id refuses sessions identified as that user', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/optouts',
      headers: await auth('compliance_officer'),
      payload: { userId: 'employee-17' },
    });
    expect(res.statusCode).toBe(201);
    expect(res.json().optOut).toMatchObject({
      scope: 'instance',
      subject: { kind: 'user', userHash: t.app.veil.hasher.userHash('employee-17') },
    });
    const identified = makeBatch({ siteKey: t.site.siteKey, sessionId: sessionId() });
    identified.events.push({
      type: 5,
      timestamp: T0 + 1,
      data: { tag: VeilCustomTag.Identify, payload: { userId: 'employee-17' } },
    });
    expect((await t.ingest(identified)).json().error).toEqual({
      code: 'consent_required',
      message: 'this user opted out',
    });
    const analyst = await t.app.inject({
      method: 'POST',
      url: '/api/v1/optouts',
      headers: await auth('analyst'),
      payload: { userId: 'x' },
    });
    expect(analyst.statusCode).toBe(403);
  });
});

describe('banner texts', () => {
  it("serves the site's texts for a language over Veil's, and Veil's nearest language otherwise", async () => {
    const put = await t.app.inject({
      method: 'PUT',
      url: `/api/v1/sites/${t.site.siteKey}/banner-texts/de`,
      headers: await auth('compliance_officer'),
      payload: { accept: 'Einverstanden', privacyUrl: 'https://shop.example/datenschutz' },
    });
    expect(put.statusCode).toBe(200);
    const de = await t.app.inject({
      url: `/r/v1/sites/${t.site.siteKey}/banner?lang=de-AT`,
      headers: { origin: SITE_ORIGIN },
    });
    expect(de.json()).toEqual({
      language: 'de',
      texts: resolveBannerTexts('de', {
        accept: 'Einverstanden',
        privacyUrl: 'https://shop.example/datenschutz',
      }),
    });
    expect(de.headers['access-control-allow-origin']).toBe(SITE_ORIGIN);
    const pt = await t.app.inject({ url: `/r/v1/sites/${t.site.siteKey}/banner?lang=pt` });
    expect(pt.json()).toEqual({ language: 'en', texts: DEFAULT_BANNER_TEXTS.en });
    expect(bannerTextHash(pt.json().texts)).toBe(bannerTextHash(DEFAULT_BANNER_TEXTS.en));

    const invalid = await t.app.inject({
      method: 'PUT',
      url: `/api/v1/sites/${t.site.siteKey}/banner-texts/de`,
      headers: await auth('compliance_officer'),
      payload: { privacyUrl: 'javascript:alert(1)' },
    });
    expect(invalid.statusCode).toBe(400);
    const analyst = await t.app.inject({
      method: 'PUT',
      url: `/api/v1/sites/${t.site.siteKey}/banner-texts/fr`,
      headers: await auth('analyst'),
      payload: { accept: 'Oui' },
    });
    expect(analyst.statusCode).toBe(403);
    const audit = await t.app.veil.store.audit.query({
      actions: ['consent.config_changed'],
      order: 'desc',
      limit: 5,
    });
    expect(audit[0]).toMatchObject({ siteKey: t.site.siteKey, target: { type: 'banner_texts', id: 'de' } });

    const removed = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/sites/${t.site.siteKey}/banner-texts/de`,
      headers: await auth('compliance_officer'),
    });
    expect(removed.statusCode).toBe(204);
  });
});

describe('consent statistics', () => {
  it('counts decisions by day, source and region for the opt-in/opt-out chart', async () => {
    const site = await createSite(t.app.veil.store, t.clock, {
      name: 'Stats',
      origins: ['https://stats.example'],
    });
    const send = (body: unknown) => register(body, { origin: 'https://stats.example' }, site.siteKey);
    t.clock.set(T0 + 10 * DAY);
    await send({ ...grantRegistrationBody('stats_grant_01', 'visitor_stats_1'), source: 'tcf' });
    await send({ ...grantRegistrationBody('stats_grant_02', 'visitor_stats_2'), source: 'banner' });
    await send({ v: 1, decision: 'denied', granted: [], denied: ['analytics'], source: 'banner' });
    t.clock.set(T0 + 11 * DAY);
    await send({
      v: 1,
      decision: 'withdrawn',
      receiptId: 'stats_grant_01',
      visitorId: 'visitor_stats_1',
      granted: [],
      denied: ['analytics'],
      source: 'tcf',
    });
    const res = await t.app.inject({
      url: `/api/v1/sites/${site.siteKey}/consent/stats?from=${T0 + 10 * DAY}&to=${T0 + 12 * DAY}&bucket=day`,
      headers: await auth('compliance_officer'),
    });
    expect(res.statusCode).toBe(200);
    const stats = res.json();
    expect(stats.totals).toEqual({ granted: 2, denied: 1, withdrawn: 1 });
    expect(stats.rows).toEqual([
      { start: T0 + 10 * DAY, source: 'banner', region: null, granted: 1, denied: 1, withdrawn: 0 },
      { start: T0 + 10 * DAY, source: 'tcf', region: null, granted: 1, denied: 0, withdrawn: 0 },
      { start: T0 + 11 * DAY, source: 'tcf', region: null, granted: 0, denied: 0, withdrawn: 1 },
    ]);
    const analyst = await t.app.inject({
      url: `/api/v1/sites/${site.siteKey}/consent/stats`,
      headers: await auth('analyst'),
    });
    expect(analyst.statusCode).toBe(403);
    const tooMany = await t.app.inject({
      url: `/api/v1/sites/${site.siteKey}/consent/stats?from=0&to=${300 * DAY}&bucket=hour`,
      headers: await auth('compliance_officer'),
    });
    expect(tooMany.statusCode).toBe(400);
  });
});

describe('receipt regions', () => {
  it("records the visitor's country from the trusted proxy header, never the address", async () => {
    const r = await startTestApp({ env: { VEIL_REGION_HEADER: 'cf-ipcountry' } });
    try {
      const res = await r.app.inject({
        method: 'POST',
        url: `/r/v1/sites/${r.site.siteKey}/consent`,
        headers: { 'content-type': 'text/plain', origin: SITE_ORIGIN, 'cf-ipcountry': 'de' },
        payload: JSON.stringify(grantRegistrationBody('grant_region_001', 'visitor_region1')),
      });
      expect(res.statusCode).toBe(201);
      const stored = await r.app.veil.store.consent.findGrant(r.site.id, 'grant_region_001');
      expect(stored?.region).toBe('DE');
      expect(JSON.stringify(stored)).not.toContain('127.0.0.1');
    } finally {
      await r.close();
    }
  });
});
