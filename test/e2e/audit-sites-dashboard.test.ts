import type { Browser, BrowserContext, Page, Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../packages/server/src/index.js';
import { createSite } from '../../packages/server/src/sites/createSite.js';
import type { SiteRecord } from '../../packages/server/src/storage/sites/SiteRepository.js';
import { launchChromium } from '../support/browser.js';
import {
  createUser,
  type DashboardServer,
  ownerFor,
  signIn,
  signInWithPassword,
  startDashboardServer,
} from '../support/dashboard.js';

// The Audit page for a user restricted to some sites (#12), in Chromium against the real server:
// the page offers the sites the user holds, reads the chosen site's entries through
// `GET /api/v1/sites/{siteKey}/audit` (never another site's, nor the entries of no site), pages and
// searches there, works by keyboard, and says so when a load fails. A user of every site keeps the
// instance-wide log, with the site choice too. Built dashboard required (`npm run build`).

const OWNER = ownerFor('audit-sites');
const AUDITOR = { email: 'auditor@audit-sites.e2e', password: 'e2e-audit-sites-Auditor-Passw0rd!' };
/** More entries of site A than one page (100) holds. */
const SITE_A_ROUTINE = 104;

let veil: DashboardServer | undefined;
let server: RunningServer;
let browser: Browser;
let siteA: SiteRecord;
let siteB: SiteRecord;
let siteC: SiteRecord;
/** Signed in once each: the auditor (sites A and C) and the owner (every site). */
let auditorContext: BrowserContext;
let ownerContext: BrowserContext;

async function viewed(siteKey: string | null, id: string, purpose: string): Promise<void> {
  await server.app.veil.audit.record({
    action: 'replay.viewed',
    actor: { type: 'user', id: 'user-support-desk', label: 'desk@audit-sites.e2e' },
    siteKey,
    target: { type: 'session', id },
    details: { purpose },
  });
}

function unavailable(route: Route): Promise<void> {
  return route.fulfill({
    status: 503,
    contentType: 'application/json',
    body: JSON.stringify({ error: { code: 'unavailable', message: 'the database does not answer' } }),
  });
}

beforeAll(async () => {
  veil = await startDashboardServer(OWNER);
  server = veil.server;
  const clock = { now: () => Date.now() };
  siteA = await createSite(server.store, clock, {
    name: 'Alpha shop',
    origins: ['https://alpha.audit-sites.e2e'],
    samplingPercent: 100,
  });
  siteB = await createSite(server.store, clock, {
    name: 'Bravo shop',
    origins: ['https://bravo.audit-sites.e2e'],
    samplingPercent: 100,
  });
  siteC = await createSite(server.store, clock, {
    name: 'Charlie shop',
    origins: ['https://charlie.audit-sites.e2e'],
    samplingPercent: 100,
  });
  for (let i = 0; i < SITE_A_ROUTINE; i++)
    await viewed(siteA.siteKey, `session-a-${i}`, `ROUTINE-A-${i} check`);
  await viewed(siteB.siteKey, 'session-b-1', 'BRAVO-0815 refund ticket');
  await viewed(siteC.siteKey, 'session-c-1', 'CHARLIE-2024 login ticket');
  await viewed(null, 'session-none', 'NOSITE-9999 instance entry');
  // Newest of site A: the first row of its log.
  await viewed(siteA.siteKey, 'session-a-ticket', 'ALPHA-4711 checkout ticket');
  await createUser(server, AUDITOR, 'auditor', { siteIds: [siteA.id, siteC.id] });

  browser = await launchChromium();
  auditorContext = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  const auditorPage = await auditorContext.newPage();
  await signInWithPassword(auditorPage, server.url, AUDITOR);
  await auditorPage.getByTestId('site-card').first().waitFor();
  await auditorPage.close();
  ownerContext = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  const ownerPage = await ownerContext.newPage();
  await signIn(ownerPage, server.url, OWNER);
  await ownerPage.getByTestId('site-card').first().waitFor();
  await ownerPage.close();
});

afterAll(async () => {
  await auditorContext?.close();
  await ownerContext?.close();
  await browser?.close();
  await veil?.close();
});

const rows = (page: Page) => page.getByTestId('audit-entry');
const rowWith = (page: Page, text: string) => rows(page).filter({ hasText: text });
const rowSites = (page: Page) =>
  rows(page).evaluateAll((trs) => [...new Set(trs.map((tr) => tr.getAttribute('data-site')))]);

describe('the Audit page of a user restricted to sites', () => {
  it("shows its sites' entries only, pages, searches and switches sites by keyboard", async () => {
    const page = await auditorContext.newPage();
    try {
      await page.goto(`${server.url}/`);
      await page.getByTestId('site-card').first().waitFor();
      // To the Audit page by keyboard.
      await page.getByRole('link', { name: 'Audit log' }).focus();
      await page.keyboard.press('Enter');
      await page.waitForURL('**/audit');

      // Site A's first page (the server's own jobs may add entries of it too): its newest entries
      // first, nothing of site B or of no site.
      await expect.poll(() => rows(page).count(), { timeout: 15_000 }).toBe(100);
      expect(await rowSites(page)).toEqual([siteA.siteKey]);
      expect(await rowWith(page, 'ALPHA-4711').count()).toBe(1);
      expect(await rowWith(page, 'ROUTINE-A-0 ').count()).toBe(0);
      const text = (await page.locator('main').textContent()) ?? '';
      expect(text).not.toContain('BRAVO-0815');
      expect(text).not.toContain('NOSITE-9999');
      expect(text).not.toContain('Could not');
      // The site picker offers the sites the auditor holds, not the other one.
      const picker = page.getByLabel('Site', { exact: true });
      const options = await picker.locator('option').allTextContents();
      expect(options.join(' | ')).toContain('Alpha shop');
      expect(options.join(' | ')).toContain('Charlie shop');
      expect(options.join(' | ')).not.toContain('Bravo shop');
      expect(await picker.inputValue()).toBe(siteA.siteKey);
      // The instance-wide verification and exports are not offered (they need every site).
      await page.getByTestId('audit-scope-note').waitFor();
      expect(await page.getByTestId('audit-export-jsonl').count()).toBe(0);

      // Older entries, by keyboard: the rest of site A.
      await page.getByTestId('audit-more').focus();
      await page.keyboard.press('Enter');
      await expect.poll(() => rowWith(page, 'ROUTINE-A-0 ').count()).toBe(1);
      expect(await rows(page).count()).toBeGreaterThan(SITE_A_ROUTINE);
      expect(await rowSites(page)).toEqual([siteA.siteKey]);
      expect(await page.getByTestId('audit-more').count()).toBe(0);

      // Site C by keyboard: its one entry replaces site A's.
      await picker.focus();
      await page.keyboard.press('ArrowDown');
      expect(await picker.inputValue()).toBe(siteC.siteKey);
      await expect.poll(() => rowSites(page)).toEqual([siteC.siteKey]);
      expect(await rowWith(page, 'CHARLIE-2024').count()).toBe(1);
      expect(await rowWith(page, 'ALPHA-4711').count()).toBe(0);
      await page.keyboard.press('ArrowUp');
      await expect.poll(() => rows(page).count()).toBe(100);
      expect(await rowSites(page)).toEqual([siteA.siteKey]);

      // A text search within the site, typed and sent with Enter.
      await page.getByTestId('audit-q').focus();
      await page.keyboard.type('ALPHA-4711');
      await page.keyboard.press('Enter');
      await expect.poll(() => rows(page).count()).toBe(1);
      const row = rows(page).first();
      expect(await row.textContent()).toContain('ALPHA-4711');
      // The entry's details open by keyboard.
      await row.locator('summary').focus();
      await page.keyboard.press('Enter');
      await expect.poll(() => row.locator('details').getAttribute('open')).not.toBeNull();
      expect(await row.locator('pre').textContent()).toContain('ALPHA-4711 checkout ticket');

      // The same search in site B's log is not there to be made: B is not offered, and its key in
      // the search does not widen site A's log.
      await page.getByTestId('audit-q').fill('BRAVO-0815');
      await page.keyboard.press('Enter');
      await page.getByText('No entry matches.').waitFor();
    } finally {
      await page.close();
    }
  });

  it('says when the entries or the older entries cannot be loaded instead of showing none', async () => {
    const page = await auditorContext.newPage();
    try {
      await page.route('**/api/v1/sites/*/audit?*', unavailable);
      await page.goto(`${server.url}/audit`);
      await page.getByText('Could not load the audit log').waitFor();
      expect(await page.getByText('No entry matches.').count()).toBe(0);
      await page.unroute('**/api/v1/sites/*/audit?*');
      await page.getByRole('region', { name: 'Entries' }).getByRole('button', { name: 'Try again' }).click();
      await expect.poll(() => rows(page).count()).toBe(100);

      await page.route('**/api/v1/sites/*/audit?*before=*', unavailable);
      await page.getByTestId('audit-more').click();
      await page.getByText('Could not load the older entries').waitFor();
      expect(await rows(page).count()).toBe(100);
    } finally {
      await page.close();
    }
  });
});

describe('the Audit page of a user of every site', () => {
  it('keeps the instance-wide log and offers every site to narrow it', async () => {
    const page = await ownerContext.newPage();
    try {
      await page.goto(`${server.url}/audit`);
      const picker = page.getByLabel('Site', { exact: true });
      await picker.waitFor();
      expect(await picker.inputValue()).toBe('');
      await page.getByTestId('audit-q').fill('ticket');
      await page.keyboard.press('Enter');
      await expect
        .poll(() => rowSites(page))
        .toEqual(expect.arrayContaining([siteA.siteKey, siteB.siteKey, siteC.siteKey]));
      await page.getByTestId('audit-q').fill('NOSITE-9999');
      await page.keyboard.press('Enter');
      await expect.poll(() => rows(page).count()).toBe(1);
      await page.getByTestId('audit-q').fill('');
      await picker.selectOption(siteB.siteKey);
      await expect.poll(() => rowSites(page)).toEqual([siteB.siteKey]);
      expect(await page.locator('main').textContent()).toContain('BRAVO-0815');
      await page.getByTestId('audit-verify').waitFor();
      expect(await page.getByTestId('audit-export-jsonl').count()).toBe(1);
    } finally {
      await page.close();
    }
  });
});
