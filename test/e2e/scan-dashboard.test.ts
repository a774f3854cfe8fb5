/**
 * The compliance view's pre-consent scans in Chromium against the real server: a compliance lead
 * turns the site's schedule on and sets the consent buttons with the keyboard only, starts a scan
 * with "Scan now", and reads the result (a session recorder firing before consent) in the list;
 * the scan ran the real scanner in its own Chromium against a page on 127.0.0.1 and raised one
 * `pre_consent_tracker` alert. Built dashboard required (`npm run build`).
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type FixtureServer,
  startFixtureServer,
  TEST_SETTLE,
} from '../../packages/scanner/test/support/fixtureServer.js';
import type { RunningServer } from '../../packages/server/src/index.js';
import { createSite } from '../../packages/server/src/sites/createSite.js';
import type { SiteRecord } from '../../packages/server/src/storage/sites/SiteRepository.js';
import { CHROMIUM_PATH, launchChromium } from '../support/browser.js';
import { type DashboardServer, ownerFor, signIn, startDashboardServer } from '../support/dashboard.js';

const OWNER = ownerFor('scans');

let veil: DashboardServer | undefined;
let server: RunningServer;
let browser: Browser;
let fixture: FixtureServer;
let site: SiteRecord;

beforeAll(async () => {
  fixture = await startFixtureServer({
    '/': `<!doctype html><title>Shop</title><button id="accept">Accept</button>
<script>window.hj = function () {};</script>
<script async src="https://static.hotjar.com/c/hotjar-1.js?sv=6"></script>`,
  });
  veil = await startDashboardServer(OWNER, {
    env: { VEIL_CHROMIUM_PATH: CHROMIUM_PATH },
    deps: {
      siteScanOptions: { offline: true, settle: TEST_SETTLE },
    },
  });
  server = veil.server;
  site = await createSite(
    server.store,
    { now: () => Date.now() },
    { name: 'Scanned shop', origins: [fixture.origin] },
  );
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await veil?.close();
  await fixture?.close();
});

describe('pre-consent scans in the compliance view', () => {
  it('sets the schedule, runs a scan and shows its findings, all by keyboard', async () => {
    const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    try {
      const page = await context.newPage();
      await signIn(page, server.url, OWNER);
      await page.getByTestId('site-card').first().waitFor();
      await page.goto(`${server.url}/sites/${site.siteKey}/consent`);

      const panel = page.getByTestId('scan-panel');
      await panel.getByRole('heading', { name: 'Pre-consent scans' }).waitFor();
      await panel.getByText('No scan has run yet.').waitFor();

      // The schedule, by keyboard: Space ticks the box, typing fills fields, Enter submits.
      const enabled = panel.getByTestId('scan-enabled');
      await enabled.focus();
      await page.keyboard.press('Space');
      expect(await enabled.isChecked()).toBe(true);
      await page.keyboard.press('Tab');
      await page.keyboard.press('Tab');
      await page.keyboard.press('Tab');
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => document.activeElement?.getAttribute('placeholder'))).toBe(
        '#accept-all',
      );
      await page.keyboard.type('#accept');
      await page.keyboard.press('Enter');
      await panel.getByText(/^Saved\. Next scheduled scan/).waitFor();
      const saved = await server.store.siteScans.getSchedule(site.id);
      expect(saved).toMatchObject({
        enabled: true,
        intervalHours: 24,
        acceptSelector: '#accept',
        paths: ['/'],
      });

      // Scan now: Enter on the button; the list follows the run until it completes.
      const scanNow = panel.getByRole('button', { name: 'Scan now' });
      await scanNow.focus();
      await page.keyboard.press('Enter');
      await panel.getByText('Scan started. Results appear below when it finishes.').waitFor();
      const row = panel.getByTestId('scan-run').first();
      await expect.poll(() => row.getAttribute('data-status'), { timeout: 45_000 }).toBe('completed');
      expect(await row.getByTestId('scan-run-high').textContent()).toBe('1');

      // The findings open and close by keyboard, announced by aria-expanded.
      const toggle = row.getByRole('button', { name: /Show findings/ });
      await toggle.focus();
      await page.keyboard.press('Enter');
      const hide = panel.getByRole('button', { name: 'Hide findings' });
      expect(await hide.getAttribute('aria-expanded')).toBe('true');
      expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Hide findings');
      const finding = panel.getByTestId('scan-finding').filter({ hasText: 'Hotjar' });
      await finding.waitFor();
      expect(await finding.textContent()).toContain(
        'Hotjar (session recorder) fires before the visitor consents',
      );
      expect(await finding.textContent()).toContain('https://static.hotjar.com/c/hotjar-1.js');
      expect(await finding.textContent()).toContain('ePrivacy Art. 5(3)');
      await page.keyboard.press('Space');
      expect(await panel.getByTestId('scan-finding').count()).toBe(0);

      const alerts = await server.store.alerts.list({
        siteIds: [site.id],
        kind: 'pre_consent_tracker',
        limit: 10,
      });
      expect(alerts).toHaveLength(1);
    } finally {
      await context.close();
    }
  }, 90_000);
});
