import { createHmac } from 'node:crypto';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../packages/server/src/index.js';
import {
  startWebhookReceiver,
  type WebhookReceiver,
} from '../../packages/server/test/support/alertReceivers.js';
import { launchChromium } from '../support/browser.js';
import { type DashboardServer, ownerFor, signIn, startDashboardServer } from '../support/dashboard.js';

// Alert sinks configured in the dashboard, in Chromium against the real server: a webhook sink is
// added (its URL and signing secret typed once, never shown again), scope drift is routed to it
// (a published policy version), and an alert raised by the server reaches a real HTTP receiver on
// loopback, signed, and shows as delivered in the dashboard's delivery log.

const OWNER = ownerFor('alert-sinks');
const SIGNING_SECRET = 'e2e-signing-secret-7f3a9c';

let dashboard: DashboardServer;
let server: RunningServer;
let browser: Browser;
let hook: WebhookReceiver;
let siteKey: string;

beforeAll(async () => {
  dashboard = await startDashboardServer(OWNER, { env: { VEIL_DEMO: 'true' } });
  server = dashboard.server;
  siteKey = server.demoSiteKey ?? '';
  expect(siteKey).not.toBe('');
  hook = await startWebhookReceiver();
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await hook?.close();
  await dashboard?.close();
});

describe('alert sinks in the dashboard', () => {
  it('configures a webhook sink and routing, and a raised alert reaches the receiver and the delivery log', async () => {
    const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    try {
      const page = await context.newPage();
      const answers: string[] = [];
      page.on('response', async (res) => {
        if (res.url().includes('/alert-sinks')) answers.push(await res.text().catch(() => ''));
      });
      await signIn(page, server.url, OWNER);
      await page
        .locator(`[data-testid="site-card"][data-site-key="${siteKey}"]`)
        .getByTestId('site-alert-sinks-link')
        .click();
      await page.getByRole('heading', { level: 1, name: 'Alert sinks' }).waitFor();

      // Add the webhook sink (the form's default type).
      await page.getByTestId('sink-name').fill('security-hook');
      await page.getByTestId('sink-url').fill(hook.url);
      await page.getByTestId('sink-signing-secret').fill(SIGNING_SECRET);
      await page.getByTestId('sink-save').click();
      const row = page.locator('[data-testid="sink-row"][data-name="security-hook"]');
      await row.waitFor();
      // Write-only: the page shows the host, never the URL's path (its token) or the secret.
      expect(await row.textContent()).toContain(new URL(hook.url).host);
      expect(await row.textContent()).toContain('stored, encrypted');
      const body = await page.locator('main').innerHTML();
      expect(body).not.toContain('secret-path-token');
      expect(body).not.toContain(SIGNING_SECRET);
      expect(answers.join('\n')).not.toContain('secret-path-token');
      expect(answers.join('\n')).not.toContain(SIGNING_SECRET);
      // Stored encrypted: the row in the database holds neither.
      const site = await server.store.sites.findByKey(siteKey);
      const [stored] = await server.store.alertSinks.list(site?.id ?? '');
      expect(JSON.stringify(stored)).not.toContain('secret-path-token');
      expect(JSON.stringify(stored)).not.toContain(SIGNING_SECRET);

      // Route scope drift to it, by keyboard: Space toggles the box, Enter in the reason submits.
      await page.getByTestId('route-security-hook-scope_drift').focus();
      await page.keyboard.press('Space');
      await page.getByTestId('routing-reason').fill('scope drift goes to the security channel');
      await page.keyboard.press('Enter');
      await expect
        .poll(() => page.getByTestId('sink-outcome').textContent())
        .toContain('alert routing saved');
      const policy = await server.store.privacy.latestVersion(site?.id ?? '');
      expect(policy?.policy.alerts.routes).toEqual([{ kinds: ['scope_drift'], sinks: ['security-hook'] }]);
      expect(policy?.reason).toBe('scope drift goes to the security channel');

      // An alert of that kind, raised by the server, reaches the receiver once, signed; another kind does not.
      await server.app.veil.alerts.raise('scope_drift', siteKey, {
        subject: 'e2e-new-page',
        summary: 'new page /e2e-drift seen',
        details: { pagePattern: '/e2e-drift' },
      });
      await server.app.veil.alerts.raise('consent_rate_drop', siteKey, {
        subject: 'e2e-consent',
        summary: 'consent rate fell',
        details: { points: 25 },
      });
      await expect.poll(() => hook.received.length, { timeout: 20_000 }).toBe(1);
      const [received] = hook.received;
      const ts = String(received?.headers['x-veil-timestamp']);
      expect(received?.headers['x-veil-signature']).toBe(
        `v1=${createHmac('sha256', SIGNING_SECRET).update(`${ts}.${received?.body}`).digest('hex')}`,
      );
      expect(JSON.parse(received?.body ?? '{}').veil.alert).toMatchObject({ kind: 'scope_drift', siteKey });

      // The delivery log in the dashboard shows it delivered.
      await expect
        .poll(
          async () => {
            await page.getByTestId('deliveries-refresh').click();
            return page
              .locator('[data-testid="delivery-row"][data-sink="security-hook"]')
              .first()
              .getAttribute('data-status', { timeout: 2_000 })
              .catch(() => null);
          },
          { timeout: 20_000 },
        )
        .toBe('delivered');
    } finally {
      await context.close();
    }
  });
});
