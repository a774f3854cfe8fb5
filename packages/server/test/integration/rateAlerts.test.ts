import type { PrivacyPolicy } from '@veil/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectConsentRateDrops } from '../../src/consent/consentRateDrop.js';
import { createSite } from '../../src/sites/createSite.js';
import type { SiteRecord } from '../../src/storage/sites/SiteRepository.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/alertReceivers.js';
import { makeBatch, sessionId, T0 } from '../support/batches.js';
import { createTestDatabase, postgresAvailable, type TestDatabase } from '../support/postgres.js';
import { SITE_ORIGIN, startTestApp, type TestApp } from '../support/testApp.js';

// The two threshold detectors, on both engines, through the real endpoints: restricted-region
// drops past the hourly limit raise `restricted_region_spike` at ingest; an opt-in rate that fell
// more than the policy's points below the previous week's raises `consent_rate_drop` (scheduled
// check). Each is raised past its threshold, not at or below it, folds when repeated, and reaches
// a real webhook receiver on loopback once.

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const SPIKE_LIMIT = 5;

const engines: Array<'sqlite' | 'postgres'> = ['sqlite'];
if (await postgresAvailable()) engines.push('postgres');

describe.each(engines)('rate alerts on %s', (engine) => {
  let t: TestApp;
  let db: TestDatabase | undefined;
  let hook: WebhookReceiver;
  let headers: Record<string, string>;
  let receipt = 0;

  async function api(method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown) {
    return t.app.inject({
      method,
      url,
      headers,
      ...(payload === undefined ? {} : { payload: payload as object }),
    });
  }

  async function routeToHook(site: SiteRecord, change: Partial<PrivacyPolicy> = {}) {
    const sink = await api('POST', `/api/v1/sites/${site.siteKey}/alert-sinks`, {
      type: 'webhook',
      name: 'hook',
      url: hook.url,
      signingSecret: 'whsec-rate-alerts-0123456789',
    });
    expect(sink.statusCode, sink.body).toBe(201);
    const current = await api('GET', `/api/v1/sites/${site.siteKey}/policy`);
    const policy = current.json().policy as PrivacyPolicy;
    const res = await api('PUT', `/api/v1/sites/${site.siteKey}/policy`, {
      policy: {
        ...policy,
        ...change,
        alerts: { ...policy.alerts, ...change.alerts, routes: [{ kinds: ['*'], sinks: ['hook'] }] },
      },
      reason: 'rate alerts to the webhook',
    });
    expect(res.statusCode, res.body).toBe(200);
  }

  async function alertsOf(site: SiteRecord, kind: string) {
    const res = await api('GET', `/api/v1/alerts?site=${site.siteKey}&kind=${kind}`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json().alerts as Array<{ id: string; occurrences: number; status: string; details: object }>;
  }

  function hooked(kind: string) {
    return hook.received.map((r) => JSON.parse(r.body).veil).filter((v) => v.alert?.kind === kind);
  }

  beforeAll(async () => {
    hook = await startWebhookReceiver();
    const env: Record<string, string> = { VEIL_REGION_HEADER: 'cf-ipcountry' };
    if (engine === 'postgres') {
      db = await createTestDatabase();
      env.VEIL_DATABASE_URL = db.url;
    }
    t = await startTestApp({ env });
    // A token, not a login: the test moves the clock by days, past any login session's idle limit.
    headers = { authorization: `Bearer ${await t.token('compliance_officer')}` };
  });
  afterAll(async () => {
    await t?.close();
    await db?.drop();
    await hook?.close();
  });

  describe('restricted_region_spike', () => {
    async function dropFromRestricted(n: number) {
      for (let i = 0; i < n; i++) {
        const res = await t.ingest(makeBatch({ siteKey: t.site.siteKey, sessionId: sessionId() }), {
          'cf-ipcountry': 'RU',
        });
        expect(res.statusCode, res.body).toBe(403);
      }
    }

    it('is raised by the drop past the hourly limit, once per hour, folded across hours, delivered once', async () => {
      await routeToHook(t.site, {
        restrictedRegions: ['RU'],
        alerts: {
          routes: [],
          maxPerSinkPerHour: 100,
          restrictedRegionSpikePerHour: SPIKE_LIMIT,
          consentRateDropPoints: 20,
        },
      });
      const hourStart = Math.ceil((T0 + DAY) / HOUR) * HOUR;
      t.clock.set(hourStart + 5 * 60_000);
      // A visitor from an allowed country is recorded and counts nothing.
      const allowed = await t.ingest(makeBatch({ siteKey: t.site.siteKey, sessionId: sessionId() }), {
        'cf-ipcountry': 'DE',
      });
      expect(allowed.statusCode, allowed.body).toBe(202);
      await dropFromRestricted(SPIKE_LIMIT);
      expect(await alertsOf(t.site, 'restricted_region_spike')).toEqual([]);

      await dropFromRestricted(1);
      const [raised] = await alertsOf(t.site, 'restricted_region_spike');
      expect(raised).toMatchObject({
        occurrences: 1,
        status: 'open',
        details: { drops: SPIKE_LIMIT + 1, limit: SPIKE_LIMIT, hourStart: new Date(hourStart).toISOString() },
      });
      // More drops in the same hour raise nothing more.
      t.clock.advance(30 * 60_000);
      await dropFromRestricted(3);
      expect((await alertsOf(t.site, 'restricted_region_spike'))[0]?.occurrences).toBe(1);
      await t.app.veil.alerts.dispatch();
      expect(hooked('restricted_region_spike')).toHaveLength(1);

      // The next hour starts from zero: at the limit nothing, past it the spike folds into the open alert.
      t.clock.set(hourStart + HOUR + 60_000);
      await dropFromRestricted(SPIKE_LIMIT);
      expect((await alertsOf(t.site, 'restricted_region_spike'))[0]?.occurrences).toBe(1);
      await dropFromRestricted(1);
      const folded = await alertsOf(t.site, 'restricted_region_spike');
      expect(folded).toHaveLength(1);
      expect(folded[0]).toMatchObject({ id: raised?.id, occurrences: 2 });
      await t.app.veil.alerts.dispatch();
      expect(hooked('restricted_region_spike')).toHaveLength(1);
      const body = hook.received.find(
        (r) => JSON.parse(r.body).veil.alert?.kind === 'restricted_region_spike',
      )!.body;
      expect(body).not.toMatch(/"RU"/);

      // Once resolved, the next spiking hour is a new alert, notified again.
      const resolved = await api('POST', `/api/v1/alerts/${raised?.id}/resolve`, {
        note: 'proxy misconfigured',
      });
      expect(resolved.statusCode, resolved.body).toBe(200);
      t.clock.set(hourStart + 2 * HOUR + 60_000);
      await dropFromRestricted(SPIKE_LIMIT + 1);
      expect(await alertsOf(t.site, 'restricted_region_spike')).toHaveLength(2);
      await t.app.veil.alerts.dispatch();
      expect(hooked('restricted_region_spike')).toHaveLength(2);
    });
  });

  describe('consent_rate_drop', () => {
    async function decide(site: SiteRecord, decision: 'granted' | 'denied') {
      receipt += 1;
      const body =
        decision === 'granted'
          ? {
              v: 1,
              decision,
              receiptId: `rate_receipt_${receipt}`,
              granted: ['analytics'],
              denied: [],
              source: 'banner',
            }
          : { v: 1, decision, granted: [], denied: ['analytics'], source: 'banner' };
      const res = await t.app.inject({
        method: 'POST',
        url: `/r/v1/sites/${site.siteKey}/consent`,
        headers: { 'content-type': 'text/plain', origin: SITE_ORIGIN },
        payload: JSON.stringify(body),
      });
      expect(res.statusCode, res.body).toBe(201);
    }

    /** `granted` grants then `denied` refusals, one every `stepMs` from the clock's time. */
    async function decisions(site: SiteRecord, granted: number, denied: number, stepMs: number) {
      for (let i = 0; i < granted + denied; i++) {
        await decide(site, i < granted ? 'granted' : 'denied');
        t.clock.advance(stepMs);
      }
    }

    it('compares the last 24 h with the 7 days before: past the points with enough decisions only, folded', async () => {
      const start = T0 + 20 * DAY;
      t.clock.set(start);
      const make = (name: string) =>
        createSite(t.app.veil.store, t.clock, { name, origins: [SITE_ORIGIN], samplingPercent: 100 });
      const tiny = await make('Tiny');
      const edge = await make('Edge');
      const drop = await make('Drop');
      await routeToHook(drop);
      // The previous week: 80 % opt-in on each site (40 of 50), spread over four days.
      for (const site of [tiny, edge, drop]) {
        t.clock.set(start);
        await decisions(site, 40, 10, 2 * HOUR);
      }
      // The last 24 hours: 0 % of 10 decisions (too few), exactly 20 points down, 30 points down.
      const recent = start + 6 * DAY;
      t.clock.set(recent);
      await decisions(tiny, 0, 10, 60_000);
      t.clock.set(recent);
      await decisions(edge, 30, 20, 60_000);
      t.clock.set(recent);
      await decisions(drop, 25, 25, 60_000);
      // A withdrawal is no banner decision: it moves neither rate.
      const withdrawal = await t.app.inject({
        method: 'POST',
        url: `/r/v1/sites/${drop.siteKey}/consent`,
        headers: { 'content-type': 'text/plain', origin: SITE_ORIGIN },
        payload: JSON.stringify({
          v: 1,
          decision: 'withdrawn',
          receiptId: 'rate_receipt_1',
          granted: [],
          denied: ['analytics'],
          source: 'banner',
        }),
      });
      expect(withdrawal.statusCode, withdrawal.body).toBe(201);

      t.clock.set(recent + HOUR);
      const raised = await detectConsentRateDrops({
        store: t.app.veil.store,
        clock: t.clock,
        alerts: t.app.veil.alerts,
      });
      expect(raised).toEqual([{ siteKey: drop.siteKey, dropPoints: 30, created: true }]);
      expect(await alertsOf(tiny, 'consent_rate_drop')).toEqual([]);
      expect(await alertsOf(edge, 'consent_rate_drop')).toEqual([]);
      const [alert] = await alertsOf(drop, 'consent_rate_drop');
      expect(alert).toMatchObject({
        occurrences: 1,
        details: {
          recentRatePercent: 50,
          baselineRatePercent: 80,
          dropPoints: 30,
          limit: 20,
          recentDecisions: 50,
          baselineDecisions: 50,
        },
      });
      await t.app.veil.alerts.dispatch();
      expect(hooked('consent_rate_drop')).toHaveLength(1);
      expect(hooked('consent_rate_drop')[0].alert.siteKey).toBe(drop.siteKey);

      // The next hourly check finds the same drop: it folds, nobody is notified again.
      t.clock.advance(HOUR);
      const again = await detectConsentRateDrops({
        store: t.app.veil.store,
        clock: t.clock,
        alerts: t.app.veil.alerts,
      });
      expect(again).toEqual([{ siteKey: drop.siteKey, dropPoints: 30, created: false }]);
      expect((await alertsOf(drop, 'consent_rate_drop'))[0]).toMatchObject({ id: alert?.id, occurrences: 2 });
      await t.app.veil.alerts.dispatch();
      expect(hooked('consent_rate_drop')).toHaveLength(1);

      // A week later the bad day is the baseline's and the recent window is empty: nothing.
      t.clock.set(recent + 8 * DAY);
      expect(
        await detectConsentRateDrops({ store: t.app.veil.store, clock: t.clock, alerts: t.app.veil.alerts }),
      ).toEqual([]);
    });
  });
});
