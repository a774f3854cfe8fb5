import { scanRunListSchema, scanRunResponseSchema, scanScheduleResponseSchema } from '@veil/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type FixtureServer,
  startFixtureServer,
  TEST_SETTLE,
} from '../../../scanner/test/support/fixtureServer.js';
import { SITE_SCAN_CHECK_INTERVAL_MS } from '../../src/jobs/SiteScanJob.js';
import { createSite } from '../../src/sites/createSite.js';
import type { SiteRecord } from '../../src/storage/sites/SiteRepository.js';
import { startTestApp, type TestApp } from '../support/testApp.js';

// Scheduled pre-consent scans with the real scanner in real Chromium against pages on 127.0.0.1:
// a page with a session recorder hard-coded (script on the vendor's host, global, cookie) is
// flagged, the finding stored without page content and one `pre_consent_tracker` alert raised,
// folded on the next run; a page gating the recorder behind a stand-in consent platform raises
// nothing. The schedule is opt-in and runs at most once per interval.

const PLANTED_TEXT = 'Zelda Plantedtext';
const PLANTED_QUERY = 'planted_query_value';

const TRACKED_PAGE = `<!doctype html><title>${PLANTED_TEXT}</title><p>${PLANTED_TEXT}</p>
<script>window.hj = function () {}; document.cookie = '_hjSessionUser_1=${PLANTED_QUERY}; path=/';</script>
<script async src="https://static.hotjar.com/c/hotjar-1.js?sv=6&id=${PLANTED_QUERY}"></script>`;

const GATED_PAGE = `<!doctype html><title>Gated</title>
<div id="cmp"><button id="accept">Accept</button><button id="reject">Reject</button></div>
<script>
  const load = () => {
    window.hj = function () {};
    const s = document.createElement('script');
    s.src = 'https://static.hotjar.com/c/hotjar-1.js?sv=6';
    document.head.append(s);
  };
  if (localStorage.getItem('cmp') === 'yes') load();
  document.getElementById('accept').onclick = () => { localStorage.setItem('cmp', 'yes'); load(); };
  document.getElementById('reject').onclick = () => localStorage.setItem('cmp', 'no');
</script>`;

let t: TestApp;
let trackedServer: FixtureServer;
let gatedServer: FixtureServer;
let tracked: SiteRecord;
let gated: SiteRecord;
let officer: string;

beforeAll(async () => {
  trackedServer = await startFixtureServer({ '/': TRACKED_PAGE });
  gatedServer = await startFixtureServer({ '/': GATED_PAGE });
  t = await startTestApp({
    env: { VEIL_CHROMIUM_PATH: process.env.VEIL_CHROMIUM_PATH ?? '/usr/bin/chromium' },
    siteScanOptions: { offline: true, settle: TEST_SETTLE },
  });
  tracked = await createSite(t.app.veil.store, t.clock, { name: 'Tracked', origins: [trackedServer.origin] });
  gated = await createSite(t.app.veil.store, t.clock, { name: 'Gated', origins: [gatedServer.origin] });
  officer = await t.token('compliance_officer');
}, 60_000);

afterAll(async () => {
  await t?.close();
  await trackedServer?.close();
  await gatedServer?.close();
});

async function api(method: 'GET' | 'PUT' | 'POST', url: string, payload?: unknown, token = officer) {
  return t.app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${token}` },
    ...(payload === undefined ? {} : { payload: payload as object }),
  });
}

async function openAlerts(site: SiteRecord) {
  return t.app.veil.store.alerts.list({ siteIds: [site.id], kind: 'pre_consent_tracker', limit: 50 });
}

describe('scheduled pre-consent scans', () => {
  it('scans nothing until a site opts in', async () => {
    const res = await api('GET', `/api/v1/sites/${tracked.siteKey}/scan-schedule`);
    expect(res.statusCode).toBe(200);
    const { schedule } = scanScheduleResponseSchema.parse(res.json());
    expect(schedule).toMatchObject({ enabled: false, intervalHours: 24, paths: ['/'], nextRunAt: null });
    const pass = await t.app.veil.jobs.siteScans.runOnce();
    expect(pass).toEqual({ queued: 0, completed: 0, failed: 0, alertsCreated: 0 });
  });

  it('flags a recorder firing before consent: findings stored without page content, one alert, folded on the next run', async () => {
    const put = await api('PUT', `/api/v1/sites/${tracked.siteKey}/scan-schedule`, {
      enabled: true,
      intervalHours: 1,
    });
    expect(put.statusCode, put.body).toBe(200);
    expect(scanScheduleResponseSchema.parse(put.json()).schedule).toMatchObject({
      enabled: true,
      intervalHours: 1,
    });

    const first = await t.app.veil.jobs.siteScans.runOnce();
    expect(first).toEqual({ queued: 1, completed: 1, failed: 0, alertsCreated: 1 });

    const runs = scanRunListSchema.parse(
      (await api('GET', `/api/v1/sites/${tracked.siteKey}/scans`)).json(),
    ).runs;
    expect(runs).toHaveLength(1);
    const [run] = runs;
    expect(run).toMatchObject({
      trigger: 'schedule',
      status: 'completed',
      urls: [`${trackedServer.origin}/`],
    });
    expect(run?.summary).toMatchObject({ pagesScanned: 1, high: 1 });
    const hotjar = run?.findings.find((f) => f.vendorId === 'hotjar');
    expect(hotjar).toMatchObject({ severity: 'high', phase: 'before_consent', pageCount: 1 });
    expect(hotjar?.rules).toEqual(expect.arrayContaining(['ePrivacy Art. 5(3)', 'GDPR Art. 6(1)(a)']));
    expect(hotjar?.evidence).toEqual(
      expect.arrayContaining([
        { kind: 'request', value: 'https://static.hotjar.com/c/hotjar-1.js', failed: true },
        { kind: 'global', value: 'hj' },
      ]),
    );
    // What is stored is a summary: no page text, no query string, no cookie value.
    const stored = JSON.stringify(await t.app.veil.store.siteScans.listRuns(tracked.id, 10));
    expect(stored).not.toContain(PLANTED_TEXT);
    expect(stored).not.toContain(PLANTED_QUERY);

    const alerts = await openAlerts(tracked);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ kind: 'pre_consent_tracker', severity: 'high', occurrences: 1 });
    expect(alerts[0]?.details).toMatchObject({
      vendorId: 'hotjar',
      phase: 'before_consent',
      scanRunId: run?.id,
    });

    // Not due again within the interval.
    expect((await t.app.veil.jobs.siteScans.runOnce()).queued).toBe(0);

    // An hour later the next run finds it again: folded into the open alert, nobody notified twice.
    t.clock.advance(60 * 60 * 1000 + SITE_SCAN_CHECK_INTERVAL_MS);
    const second = await t.app.veil.jobs.siteScans.runOnce();
    expect(second).toEqual({ queued: 1, completed: 1, failed: 0, alertsCreated: 0 });
    const folded = await openAlerts(tracked);
    expect(folded).toHaveLength(1);
    expect(folded[0]?.occurrences).toBe(2);
  }, 60_000);

  it('raises nothing for a recorder gated behind the consent platform (accept and reject phases run)', async () => {
    const put = await api('PUT', `/api/v1/sites/${gated.siteKey}/scan-schedule`, {
      enabled: true,
      acceptSelector: '#accept',
      rejectSelector: '#reject',
    });
    expect(put.statusCode, put.body).toBe(200);
    const pass = await t.app.veil.jobs.siteScans.runOnce();
    expect(pass).toMatchObject({ queued: 1, completed: 1, failed: 0, alertsCreated: 0 });
    const [run] = scanRunListSchema.parse(
      (await api('GET', `/api/v1/sites/${gated.siteKey}/scans`)).json(),
    ).runs;
    expect(run?.status).toBe('completed');
    expect(run?.summary).toMatchObject({ high: 0, medium: 0, phaseErrors: [] });
    expect(run?.findings).toEqual([]);
    expect(await openAlerts(gated)).toEqual([]);
  }, 60_000);

  it('runs now on request (202, 409 while active), the run stored when it finishes', async () => {
    const res = await api('POST', `/api/v1/sites/${gated.siteKey}/scans`);
    expect(res.statusCode, res.body).toBe(202);
    const { run } = scanRunResponseSchema.parse(res.json());
    expect(run).toMatchObject({
      trigger: 'manual',
      status: 'queued',
      requestedBy: 'token test compliance_officer',
    });
    const again = await api('POST', `/api/v1/sites/${gated.siteKey}/scans`);
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('conflict');
    await t.app.veil.jobs.siteScans.idle();
    const stored = await t.app.veil.store.siteScans.getRun(run.id);
    expect(stored?.status).toBe('completed');
    expect(await openAlerts(gated)).toEqual([]);
  }, 60_000);

  it('refuses a bad selector (400 invalid_selector), an analyst (403), and records schedule changes in the audit log', async () => {
    const bad = await api('PUT', `/api/v1/sites/${gated.siteKey}/scan-schedule`, {
      acceptSelector: 'button[',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('invalid_selector');
    const badPath = await api('PUT', `/api/v1/sites/${gated.siteKey}/scan-schedule`, { paths: ['/a?x=1'] });
    expect(badPath.statusCode).toBe(400);
    const analyst = await t.token('analyst');
    expect((await api('GET', `/api/v1/sites/${gated.siteKey}/scans`, undefined, analyst)).statusCode).toBe(
      403,
    );
    expect((await api('POST', `/api/v1/sites/${gated.siteKey}/scans`, undefined, analyst)).statusCode).toBe(
      403,
    );
    const changes = await t.app.veil.store.audit.query({
      actions: ['scan.schedule_changed'],
      order: 'asc',
      limit: 100,
    });
    expect(changes.map((e) => e.siteKey)).toEqual(expect.arrayContaining([tracked.siteKey, gated.siteKey]));
  });
});
