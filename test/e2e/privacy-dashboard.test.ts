import { EventType, VeilCustomTag } from '@veil/core';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../packages/server/src/index.js';
import { createSite } from '../../packages/server/src/sites/createSite.js';
import type { SiteRecord } from '../../packages/server/src/storage/sites/SiteRepository.js';
import { launchChromium } from '../support/browser.js';
import { type DashboardServer, ownerFor, signIn, startDashboardServer } from '../support/dashboard.js';

// The dashboard's compliance screens in Chromium against the real server: a site's consent rates
// chart (SVG) and receipts, then a data-subject erasure through the form with its receipt and its
// entry in the request log. Built dashboard required (`npm run build`).

const OWNER = ownerFor('privacy');
const ORIGIN = 'https://shop.e2e.example';
const USER_ID = 'dana@example.com';

let veil: DashboardServer | undefined;
let server: RunningServer;
let browser: Browser;
let site: SiteRecord;
let sessionId: string;

async function post(url: string, body: unknown) {
  const res = await server.app.inject({
    method: 'POST',
    url,
    headers: { 'content-type': 'text/plain', origin: ORIGIN },
    payload: JSON.stringify(body),
  });
  expect(res.statusCode, res.body).toBeLessThan(300);
}

beforeAll(async () => {
  veil = await startDashboardServer(OWNER);
  server = veil.server;
  site = await createSite(
    server.store,
    { now: () => Date.now() },
    {
      name: 'E2E shop',
      origins: [ORIGIN],
      // Not a sampling test: every session is in the sample (the server checks it per batch).
      samplingPercent: 100,
    },
  );
  const consentUrl = `/r/v1/sites/${site.siteKey}/consent`;
  const grant = (receiptId: string, visitorId: string, source: string) => ({
    v: 1,
    decision: 'granted',
    receiptId,
    visitorId,
    granted: ['analytics'],
    denied: [],
    source,
  });
  await post(consentUrl, grant('receipt_dana_0001', 'visitor_dana_001', 'banner'));
  await post(consentUrl, grant('receipt_eve_00001', 'visitor_eve_0001', 'tcf'));
  await post(consentUrl, { v: 1, decision: 'denied', granted: [], denied: ['analytics'], source: 'banner' });
  sessionId = `session_dana_${Date.now().toString(36)}`;
  const now = Date.now();
  await post('/ingest/v1/batch', {
    v: 1,
    siteKey: site.siteKey,
    sessionId,
    visitorId: 'visitor_dana_001',
    consentReceiptId: 'receipt_dana_0001',
    seq: 0,
    sentAt: now,
    events: [
      { type: EventType.Meta, timestamp: now, data: { href: `${ORIGIN}/account`, width: 1280, height: 800 } },
      {
        type: EventType.Custom,
        timestamp: now + 1,
        data: { tag: VeilCustomTag.Identify, payload: { userId: USER_ID } },
      },
    ],
  });
  expect(await server.store.recordings.get(sessionId)).toBeDefined();
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await veil?.close();
});

describe('compliance screens of the dashboard', () => {
  it('charts consent rates, lists receipts, and erases a data subject through the form', async () => {
    const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    try {
      const page = await context.newPage();
      await signIn(page, server.url, OWNER);

      await page
        .locator(`[data-testid="site-card"][data-site-key="${site.siteKey}"]`)
        .getByTestId('site-consent-link')
        .click();
      await page.getByRole('heading', { level: 1, name: 'Consent' }).waitFor();
      const inLine = page.getByTestId('opt-in-line');
      await inLine.waitFor({ state: 'attached' });
      // Today: 2 grants, 1 refusal → opt-in 67 %; the line has a point.
      expect(await inLine.getAttribute('d')).toMatch(/^M\d/);
      expect(await page.getByTestId('consent-chart').locator('svg').getAttribute('role')).toBe('img');
      await expect.poll(() => page.getByTestId('consent-receipts').locator('tbody tr').count()).toBe(3);
      await page.getByText('The numbers').click();
      await expect.poll(() => page.getByTestId('consent-chart').getByText('67 %').count()).toBeGreaterThan(0);

      // The banner's texts per language: empty fields keep Veil's wording.
      await page.getByLabel('Language (two letters)').fill('de');
      await page.getByLabel('Accept button', { exact: true }).fill('Einverstanden');
      await page.getByRole('button', { name: 'Save de texts' }).click();
      await page.getByText('Saved the de texts.').waitFor();
      const banner = await server.app.inject({ url: `/r/v1/sites/${site.siteKey}/banner?lang=de` });
      expect(banner.json().texts).toMatchObject({ accept: 'Einverstanden', reject: 'Ablehnen' });

      await page.getByRole('link', { name: 'Privacy requests' }).click();
      await page.getByTestId('subject-value').fill(USER_ID);
      await page.getByTestId('erase-button').click();
      // Refused until the irreversible step is confirmed.
      await page.getByRole('alert').filter({ hasText: 'Tick the confirmation' }).waitFor();
      await page.getByTestId('erase-confirm').check();
      await page.getByTestId('erase-button').click();
      const receipt = page.getByTestId('erasure-receipt');
      await receipt.waitFor();
      expect(await receipt.textContent()).toContain('Deleted 1 sessions');
      await expect
        .poll(() => page.locator('[data-testid="request-row"][data-status="completed"]').count())
        .toBe(1);
      expect(await page.getByTestId('request-log').textContent()).not.toContain(USER_ID);
      expect(await server.store.recordings.get(sessionId)).toBeUndefined();
    } finally {
      await context.close();
    }
  });
});
