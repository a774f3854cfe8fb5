import { readFile } from 'node:fs/promises';
import { EventType } from '@veil/core';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiToken } from '../../packages/server/src/auth/createApiToken.js';
import { TOTP_WINDOW_STEPS, totpStep } from '../../packages/server/src/auth/totp.js';
import type { RunningServer } from '../../packages/server/src/index.js';
import { launchChromium } from '../support/browser.js';
import {
  type DashboardServer,
  ownerFor,
  signIn as signInAs,
  startDashboardServer,
} from '../support/dashboard.js';

// The compliance page in Chromium against the real server and the demo site's data: consent
// decisions from two regions, recorded sessions, raw-replay views with their purposes. The figures
// equal the database's, the charts are drawn, every figure and the download are reached and used
// with the keyboard alone, and the downloaded pack is recorded in the audit log.

const OWNER = ownerFor('compliance');
const ADMIN_EMAIL = OWNER.email;

let dashboard: DashboardServer;
let server: RunningServer;
let browser: Browser;
let siteKey: string;

async function post(url: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await server.app.inject({
    method: 'POST',
    url,
    headers: {
      'content-type': 'text/plain',
      origin: server.url.replace('localhost', '127.0.0.1'),
      ...headers,
    },
    payload: JSON.stringify(body),
  });
  expect(res.statusCode, res.body).toBeLessThan(300);
}

beforeAll(async () => {
  dashboard = await startDashboardServer(OWNER, {
    env: { VEIL_DEMO: 'true', VEIL_REGION_HEADER: 'x-test-country' },
  });
  server = dashboard.server;
  siteKey = server.demoSiteKey ?? '';
  expect(siteKey).not.toBe('');
  const consent = `/r/v1/sites/${siteKey}/consent`;
  const decisions: Array<[string, 'granted' | 'denied', string]> = [
    ['DE', 'granted', 'receipt_de_000001'],
    ['DE', 'granted', 'receipt_de_000002'],
    ['DE', 'denied', ''],
    ['FR', 'granted', 'receipt_fr_000001'],
    ['FR', 'denied', ''],
  ];
  for (const [country, decision, receiptId] of decisions) {
    await post(
      consent,
      decision === 'granted'
        ? {
            v: 1,
            decision,
            receiptId,
            visitorId: `visitor_${receiptId}`,
            granted: ['analytics'],
            denied: [],
            source: 'banner',
          }
        : { v: 1, decision, granted: [], denied: ['analytics'], source: 'banner' },
      { 'x-test-country': country },
    );
  }
  const now = Date.now();
  const sessions = [`session_e2e_a_${now.toString(36)}`, `session_e2e_b_${now.toString(36)}`];
  for (const [i, sessionId] of sessions.entries()) {
    await post('/ingest/v1/batch', {
      v: 1,
      siteKey,
      sessionId,
      visitorId: 'visitor_receipt_de_000001',
      consentReceiptId: 'receipt_de_000001',
      seq: 0,
      sentAt: now,
      events: [
        {
          type: EventType.Meta,
          timestamp: now + i,
          data: { href: `${server.url}/demo/`, width: 1280, height: 800 },
        },
      ],
    });
  }
  const { token } = await createApiToken(
    server.store,
    { now: () => Date.now() },
    { role: 'owner', name: 'e2e viewer' },
  );
  for (const purpose of ['ticket 81: checkout bug', 'ticket 82: layout']) {
    const grant = await server.app.inject({
      method: 'POST',
      url: `/api/v1/sessions/${sessions[0]}/replay-grants`,
      headers: { authorization: `Bearer ${token}` },
      payload: { purpose },
    });
    expect(grant.statusCode, grant.body).toBe(201);
  }
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await dashboard?.close();
});

/** `ahead` ms moves the TOTP code to a later step: a step once used is refused (no replay). */
const signIn = (page: Page, ahead = 0) => signInAs(page, server.url, OWNER, { totpAheadMs: ahead });

/** Presses Tab until the element with this test id has focus (at most `max` presses). */
async function tabTo(page: Page, testId: string, max = 80): Promise<void> {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate((id) => document.activeElement?.getAttribute('data-testid') === id, testId))
      return;
  }
  throw new Error(`Tab never reached ${testId}`);
}

describe('the compliance page', () => {
  it('shows the demo site’s evidence, drills down and downloads the pack by keyboard', async () => {
    const context = await browser.newContext({
      viewport: { width: 1400, height: 1000 },
      acceptDownloads: true,
    });
    try {
      const page = await context.newPage();
      await signIn(page);
      await page
        .locator(`[data-testid="site-card"][data-site-key="${siteKey}"]`)
        .getByTestId('site-compliance-link')
        .click();
      await page.getByRole('heading', { level: 1, name: 'Compliance' }).waitFor();
      await page.getByTestId('compliance-figures').waitFor();

      // The figures are the database's.
      const site = await server.store.sites.findByKey(siteKey);
      const stored = await server.store.recordings.list({ siteId: site?.id ?? '', limit: 100 });
      let views = 0;
      for (const s of stored) views += (await server.store.accessLog.listForSession(s.id)).length;
      expect(await page.getByTestId('figure-sessions').textContent()).toBe(`Sessions stored${stored.length}`);
      expect(await page.getByTestId('figure-views').textContent()).toBe(`Raw-replay views${views}`);
      expect(views).toBe(2);
      expect(await page.getByTestId('figure-consent').textContent()).toBe('Consent opt-in60 %');
      expect(await page.getByTestId('audit-chain-status').textContent()).toContain('Intact');

      // Charts drawn by the charting library, each with its numbers as a table for screen readers.
      for (const id of ['readiness-chart', 'region-optin-chart']) {
        const figure = page.getByTestId(id);
        await figure.locator('svg.recharts-surface').first().waitFor();
        expect(await figure.locator('table').count()).toBe(1);
      }
      const regionTable = await page.getByTestId('region-optin-chart').locator('table').textContent();
      expect(regionTable).toContain('DE');
      expect(regionTable).toContain('67 %');
      expect(regionTable).toContain('50 %');
      expect(
        await page.getByTestId('readiness-chart').locator('.recharts-bar-rectangle').count(),
      ).toBeGreaterThan(0);
      expect(await page.locator('[data-testid="checklist-item"]').count()).toBe(7 + 19);

      // Keyboard only: a figure drills down to its evidence …
      await page.locator('h1').focus();
      await tabTo(page, 'figure-views');
      await page.keyboard.press('Enter');
      await expect.poll(() => page.evaluate(() => location.hash)).toBe('#access');
      expect(await page.getByTestId('access-views').textContent()).toContain('ticket 81: checkout bug');

      // … and the pack downloads from the keyboard, recorded in the audit log.
      await page.locator('h1').focus();
      await tabTo(page, 'download-pdf');
      const [download] = await Promise.all([
        page.waitForEvent('download', { timeout: 60_000 }),
        page.keyboard.press('Enter'),
      ]);
      expect(download.suggestedFilename()).toMatch(/^veil-compliance-.*\.pdf$/);
      const file = await download.path();
      expect((await readFile(file)).subarray(0, 5).toString()).toBe('%PDF-');
      const audited = await server.store.audit.query({
        actions: ['report.downloaded'],
        order: 'asc',
        limit: 5,
      });
      expect(audited.map((e) => [e.actor.label, e.details.format])).toEqual([[ADMIN_EMAIL, 'pdf']]);
    } finally {
      await context.close();
    }
  });
});

describe('the processor / DPA register', () => {
  it('adds, edits and removes an entry by keyboard alone, each change audited', async () => {
    const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    try {
      const page = await context.newPage();
      await signIn(page, 30_000); // the first test used this step's code
      await page
        .locator(`[data-testid="site-card"][data-site-key="${siteKey}"]`)
        .getByTestId('site-compliance-link')
        .click();
      await page.getByRole('heading', { level: 1, name: 'Compliance' }).waitFor();
      await page.getByTestId('processor-form').waitFor();
      const site = await server.store.sites.findByKey(siteKey);
      const register = () => server.store.compliance.listProcessors(site?.id ?? '');
      const vendorDpas = () =>
        page
          .locator('[data-testid="checklist-item"]', { hasText: 'Vendor DPAs' })
          .getAttribute('data-status');
      const before = (await register()).length;

      // Add: Tab into the form, type each field, Enter submits.
      await page.locator('h1').focus();
      await tabTo(page, 'processor-name', 200);
      await page.keyboard.type('Hetzner Online GmbH');
      await page.keyboard.press('Tab');
      await page.keyboard.press('ArrowDown'); // role: subprocessor
      await page.keyboard.press('Tab');
      await page.keyboard.type('hosts the Veil server');
      await page.keyboard.press('Tab');
      await page.keyboard.type('DE');
      await page.keyboard.press('Tab');
      await page.keyboard.type('01152026'); // the date field's month, day and year
      await tabTo(page, 'processor-dpa-reference'); // Tab also walks the date's own parts
      await page.keyboard.type('contracts/hetzner-dpa.pdf');
      await page.keyboard.press('Enter');
      const row = page.locator('[data-testid="processor-row"][data-name="Hetzner Online GmbH"]');
      await row.waitFor();
      await expect
        .poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid')))
        .toBe('processor-outcome');
      expect(await page.getByTestId('processor-outcome').textContent()).toContain(
        'Added Hetzner Online GmbH',
      );
      const [added] = (await register()).slice(before);
      expect(added).toMatchObject({
        name: 'Hetzner Online GmbH',
        role: 'subprocessor',
        purpose: 'hosts the Veil server',
        location: 'DE',
        dpaSignedAt: Date.UTC(2026, 0, 15),
        dpaReference: 'contracts/hetzner-dpa.pdf',
        updatedBy: ADMIN_EMAIL,
      });
      // The checklist that depends on the register is recomputed: every processor has a signed DPA.
      await expect.poll(vendorDpas).toBe('met');

      // Edit: Enter on the row's Edit button moves focus to the form, filled with the entry.
      await page.locator('h1').focus();
      await tabTo(page, 'processor-edit', 200);
      await page.keyboard.press('Enter');
      await expect
        .poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid')))
        .toBe('processor-name');
      expect(await page.getByTestId('processor-purpose').inputValue()).toBe('hosts the Veil server');
      await page.keyboard.press('Tab');
      await page.keyboard.press('Tab'); // past the role, to the purpose
      await page.keyboard.press('ControlOrMeta+A');
      await page.keyboard.type('hosts Veil and its backups');
      await page.keyboard.press('Enter');
      await expect
        .poll(async () => (await register()).find((p) => p.id === added?.id)?.purpose)
        .toBe('hosts Veil and its backups');
      await expect.poll(() => row.textContent()).toContain('hosts Veil and its backups');

      // Remove: the confirmation takes focus; Enter removes.
      await page.locator('h1').focus();
      await tabTo(page, 'processor-remove', 200);
      await page.keyboard.press('Enter');
      await expect
        .poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid')))
        .toBe('processor-remove-confirm');
      await page.keyboard.press('Enter');
      await row.waitFor({ state: 'detached' });
      expect((await register()).length).toBe(before);

      const changes = await server.store.audit.query({
        actions: ['compliance.processor_changed'],
        order: 'asc',
        limit: 10,
      });
      expect(changes.map((e) => [e.actor.label, e.details.change])).toEqual([
        [ADMIN_EMAIL, 'added'],
        [ADMIN_EMAIL, 'updated'],
        [ADMIN_EMAIL, 'removed'],
      ]);
    } finally {
      await context.close();
    }
  });
});

describe('attestations', () => {
  it('records one by keyboard alone: listed, counted in the readiness score, audited', async () => {
    const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    try {
      const page = await context.newPage();
      // The earlier tests used this step's code and the next: sign in with the first one unused.
      const used = (await server.store.users.findByEmail(ADMIN_EMAIL))?.totpLastStep ?? 0;
      const next = used + 1;
      while (totpStep(Date.now()) + TOTP_WINDOW_STEPS < next) await new Promise((r) => setTimeout(r, 500));
      await signIn(page, next * 30_000 + 1_000 - Date.now());
      await page
        .locator(`[data-testid="site-card"][data-site-key="${siteKey}"]`)
        .getByTestId('site-compliance-link')
        .click();
      await page.getByRole('heading', { level: 1, name: 'Compliance' }).waitFor();
      await page.getByTestId('attestation-form').waitFor();
      const area = page.locator('[data-testid="readiness-areas"] tr', { hasText: 'Cross-team review' });
      expect(await area.textContent()).toContain('0 of 2');

      await page.locator('h1').focus();
      await tabTo(page, 'attestation-kind', 300);
      await page.keyboard.type('Cross'); // the select jumps to "Cross-team review held"
      await page.keyboard.press('Tab');
      await page.keyboard.type('Product, legal and security reviewed the recording scope');
      await page.keyboard.press('Tab');
      await page.keyboard.type('wiki/privacy/review-2026');
      await page.keyboard.press('Enter');
      await expect
        .poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid')))
        .toBe('attestation-outcome');
      expect(await page.getByTestId('attestation-outcome').textContent()).toContain(
        `Recorded “Cross-team review held” by ${ADMIN_EMAIL}`,
      );
      const row = page.locator('[data-testid="attestation-row"][data-kind="cross_team_review_held"]');
      await row.waitFor();
      expect(await row.textContent()).toContain('wiki/privacy/review-2026');
      // The page recomputes the score: the area now counts the attestation.
      await expect.poll(() => area.textContent()).toContain('2 of 2');
      expect(await area.textContent()).toContain('attestation');

      const site = await server.store.sites.findByKey(siteKey);
      const [stored] = await server.store.compliance.listAttestations(site?.id ?? '');
      expect(stored).toMatchObject({
        kind: 'cross_team_review_held',
        statement: 'Product, legal and security reviewed the recording scope',
        reference: 'wiki/privacy/review-2026',
        attestedBy: ADMIN_EMAIL,
      });
      expect((stored?.expiresAt ?? 0) - (stored?.attestedAt ?? 0)).toBe(365 * 86_400_000);
      const audited = await server.store.audit.query({
        actions: ['compliance.attested'],
        order: 'asc',
        limit: 5,
      });
      expect(audited.map((e) => e.actor.label)).toEqual([ADMIN_EMAIL]);
    } finally {
      await context.close();
    }
  });
});
