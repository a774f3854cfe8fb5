/**
 * The dashboard's alert inbox in Chromium against the real server, by keyboard: alerts raised by
 * the server's alert service are listed for their site only (kind, severity, summary, details,
 * occurrences), an open one is acknowledged with a note and then resolved with another, each
 * recorded in the audit log with its note, and the status filter moves it from the unresolved
 * list to the resolved one. Built dashboard required (`npm run build`).
 */
import { ALERT_KIND_TITLES } from '@veil/core';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../packages/server/src/clock.js';
import { createSite } from '../../packages/server/src/sites/createSite.js';
import type { SiteRecord } from '../../packages/server/src/storage/sites/SiteRepository.js';
import { launchChromium } from '../support/browser.js';
import { type DashboardServer, ownerFor, signIn, startDashboardServer } from '../support/dashboard.js';

let veil: DashboardServer;
let browser: Browser;
let site: SiteRecord;

beforeAll(async () => {
  veil = await startDashboardServer(ownerFor('alert-inbox'));
  site = await createSite(veil.server.store, systemClock, {
    name: 'Clinic portal',
    origins: ['https://clinic.e2e.example'],
    samplingPercent: 100,
  });
  const other = await createSite(veil.server.store, systemClock, {
    name: 'Other shop',
    origins: ['https://other.e2e.example'],
    samplingPercent: 100,
  });
  const alerts = veil.server.app.veil.alerts;
  await alerts.raise('masking_failure', site.siteKey, {
    subject: 'mask:/intake:form>input',
    summary: 'the server masked an email on /intake',
    details: { pagePattern: '/intake', elementPath: 'form>input[name="contact"]', detector: 'email' },
  });
  await alerts.raise('masking_failure', site.siteKey, {
    subject: 'mask:/intake:form>input',
    summary: 'the server masked an email on /intake',
  });
  await alerts.raise('scope_drift', site.siteKey, {
    subject: 'page:/referral',
    summary: 'new page /referral',
    details: { pagePattern: '/referral' },
  });
  await alerts.raise('canary', other.siteKey, { subject: 'c', summary: 'another site’s canary' });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await veil?.close();
});

const focused = (page: Page) => page.evaluate(() => document.activeElement?.getAttribute('data-testid'));

describe('alert inbox in the dashboard', () => {
  it('lists a site’s alerts; acknowledges and resolves with a note, audited, by keyboard', async () => {
    const context = await browser.newContext({ viewport: { width: 1300, height: 1000 } });
    const page = await context.newPage();
    try {
      await signIn(page, veil.server.url, veil.owner);
      await page.getByRole('link', { name: 'Alert inbox of Clinic portal' }).click();
      const items = page.getByTestId('inbox-alert');
      await expect.poll(() => items.count()).toBe(2);
      const text = (await page.getByTestId('inbox-list').textContent()) ?? '';
      expect(text).not.toContain('another site');
      const failure = page.locator('[data-testid="inbox-alert"][data-kind="masking_failure"]');
      const failureText = (await failure.textContent()) ?? '';
      expect(failureText).toContain(ALERT_KIND_TITLES.masking_failure);
      expect(failureText).toContain('high');
      expect(failureText).toContain('form>input[name="contact"]');
      expect(failureText).toContain('2 times');

      // Acknowledge with a note: focus the note, type, Tab to Acknowledge, Enter.
      await failure.getByLabel('Note on this alert (optional)').focus();
      await page.keyboard.type('Ticket FE-4711: mask the contact field');
      await page.keyboard.press('Tab');
      expect(await focused(page)).toBe('inbox-acknowledge');
      await page.keyboard.press('Enter');
      await expect.poll(() => page.getByTestId('inbox-outcome').textContent()).toContain('Acknowledged');
      await expect.poll(() => focused(page)).toBe('inbox-outcome');
      await expect.poll(() => failure.getAttribute('data-status')).toBe('acknowledged');
      expect(await failure.getByTestId('inbox-note').textContent()).toContain('Ticket FE-4711');
      expect(await failure.getByTestId('inbox-acknowledge').count()).toBe(0);

      // Resolve with another note: it leaves the unresolved list.
      await failure.getByLabel('Note on this alert (optional)').focus();
      await page.keyboard.type('Fixed in release 4.2');
      await page.keyboard.press('Tab');
      expect(await focused(page)).toBe('inbox-resolve');
      await page.keyboard.press('Enter');
      await expect.poll(() => page.getByTestId('inbox-outcome').textContent()).toContain('Resolved');
      await expect.poll(() => items.count()).toBe(1);
      expect(await items.first().getAttribute('data-kind')).toBe('scope_drift');

      await page.getByTestId('inbox-status').focus();
      await page.getByTestId('inbox-status').selectOption('resolved');
      await expect.poll(() => items.count()).toBe(1);
      expect(await items.first().getAttribute('data-kind')).toBe('masking_failure');
      expect(await items.first().getByTestId('inbox-note').textContent()).toContain('Fixed in release 4.2');
      expect(await items.first().getByTestId('inbox-resolve').count()).toBe(0);

      // Kind filter: only scope drift among all.
      await page.getByTestId('inbox-status').selectOption('all');
      await page.getByTestId('inbox-kind').selectOption('scope_drift');
      await expect.poll(() => items.count()).toBe(1);
      expect(await items.first().getAttribute('data-kind')).toBe('scope_drift');

      const audited = await veil.server.store.audit.query({
        actions: ['alert.acknowledged', 'alert.resolved'],
        order: 'asc',
        limit: 10,
      });
      expect(audited.map((e) => [e.action, e.actor.label, e.details.kind, e.details.note])).toEqual([
        ['alert.acknowledged', veil.owner.email, 'masking_failure', 'Ticket FE-4711: mask the contact field'],
        ['alert.resolved', veil.owner.email, 'masking_failure', 'Fixed in release 4.2'],
      ]);

      // A failed load (#12) shows an error, never "No alert here.": the server answers 503, also
      // after a filter change.
      await page.route('**/api/v1/alerts?*', (route) =>
        route.fulfill({
          status: 503,
          contentType: 'application/json',
          body: JSON.stringify({ error: { code: 'unavailable', message: 'the database does not answer' } }),
        }),
      );
      await page.getByTestId('inbox-kind').selectOption('canary');
      const error = page.getByTestId('inbox-error');
      await error.waitFor();
      expect(await error.textContent()).toContain('the database does not answer');
      expect(await page.getByTestId('inbox-empty').count()).toBe(0);
      expect(await page.getByTestId('inbox-list').count()).toBe(0);
      expect(await page.getByText('No alert here.').count()).toBe(0);
      await page.reload();
      await error.waitFor();
      expect(await page.getByTestId('inbox-empty').count()).toBe(0);
    } finally {
      await context.close();
    }
  });
});
