import type { Browser, BrowserContext, Page, Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../packages/server/src/index.js';
import { REPLAY_GRANT_TTL_MS } from '../../packages/server/src/replay/replayGrants.js';
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

// The Access report for a user restricted to some sites (#12), in Chromium against the real server:
// the page offers the sites the user holds and reads the chosen site's report through
// `GET /api/v1/sites/{siteKey}/access-report` (never another site's grants, and each person's total
// counts the chosen site's grants only), works by keyboard, and says so when a load fails. A user of
// every site keeps the instance-wide report. Built dashboard required (`npm run build`).

const OWNER = ownerFor('access-report-sites');
const AUDITOR_A = {
  email: 'auditor-a@access-report-sites.e2e',
  password: 'e2e-report-sites-AuditorA-Passw0rd!',
};
const AUDITOR_AC = {
  email: 'auditor-ac@access-report-sites.e2e',
  password: 'e2e-report-sites-AuditorAC-Passw0rd!',
};

let veil: DashboardServer | undefined;
let server: RunningServer;
let browser: Browser;
let siteA: SiteRecord;
let siteB: SiteRecord;
let siteC: SiteRecord;
/** Signed in once each: an auditor of site A, one of sites A and C, and the owner (every site). */
let auditorAContext: BrowserContext;
let auditorACContext: BrowserContext;
let ownerContext: BrowserContext;

/** A raw replay grant, as the server stores one when someone opens a raw replay with a purpose. */
async function granted(site: SiteRecord, who: string, sessionId: string, purpose: string): Promise<void> {
  const now = Date.now();
  await server.store.replayGrants.create({
    userId: `user-${who}`,
    apiTokenId: null,
    actorLabel: `${who}@access-report-sites.e2e`,
    sessionId,
    siteId: site.id,
    purpose,
    ticket: null,
    createdAt: now,
    expiresAt: now + REPLAY_GRANT_TTL_MS,
  });
}

function unavailable(route: Route): Promise<void> {
  return route.fulfill({
    status: 503,
    contentType: 'application/json',
    body: JSON.stringify({ error: { code: 'unavailable', message: 'the database does not answer' } }),
  });
}

async function signedInContext(sign: (page: Page) => Promise<void>): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  const page = await context.newPage();
  await sign(page);
  await page.getByTestId('site-card').first().waitFor();
  await page.close();
  return context;
}

beforeAll(async () => {
  veil = await startDashboardServer(OWNER);
  server = veil.server;
  const clock = { now: () => Date.now() };
  const site = (name: string, host: string) =>
    createSite(server.store, clock, {
      name,
      origins: [`https://${host}.access-report-sites.e2e`],
      samplingPercent: 100,
    });
  siteA = await site('Alpha shop', 'alpha');
  siteB = await site('Bravo shop', 'bravo');
  siteC = await site('Charlie shop', 'charlie');
  await granted(siteA, 'ada', 'session-a-1', 'ALPHA-4711 checkout bug');
  await granted(siteA, 'ada', 'session-a-2', 'ALPHA-4712 checkout bug');
  await granted(siteA, 'bob', 'session-a-3', 'ALPHA-4713 login bug');
  // Bob looked at site B much more: none of it is site A's, in the rows or in his total.
  for (let i = 0; i < 4; i++) await granted(siteB, 'bob', `session-b-${i}`, `BRAVO-0815 refund ${i}`);
  await granted(siteC, 'cyd', 'session-c-1', 'CHARLIE-2024 search bug');
  await createUser(server, AUDITOR_A, 'auditor', { siteIds: [siteA.id] });
  await createUser(server, AUDITOR_AC, 'auditor', { siteIds: [siteA.id, siteC.id] });

  browser = await launchChromium();
  auditorAContext = await signedInContext((page) => signInWithPassword(page, server.url, AUDITOR_A));
  auditorACContext = await signedInContext((page) => signInWithPassword(page, server.url, AUDITOR_AC));
  ownerContext = await signedInContext((page) => signIn(page, server.url, OWNER));
});

afterAll(async () => {
  await auditorAContext?.close();
  await auditorACContext?.close();
  await ownerContext?.close();
  await browser?.close();
  await veil?.close();
});

const rows = (page: Page) => page.getByTestId('access-grant');
const rowSites = (page: Page) =>
  rows(page).evaluateAll((trs) => [...new Set(trs.map((tr) => tr.getAttribute('data-site')))]);
const sessions = (page: Page) =>
  rows(page).evaluateAll((trs) => trs.map((tr) => tr.querySelector('code')?.textContent ?? '').sort());
const totals = (page: Page) =>
  page
    .getByTestId('access-total')
    .evaluateAll((lis) => lis.map((li) => li.textContent?.replace(/\s+/g, ' ')));

/** From the sites page to the Access report by keyboard. */
async function openByKeyboard(page: Page): Promise<void> {
  await page.goto(`${server.url}/`);
  await page.getByTestId('site-card').first().waitFor();
  await page.getByRole('link', { name: 'Access report' }).focus();
  await page.keyboard.press('Enter');
  await page.waitForURL('**/audit/access');
}

describe('the Access report of a user restricted to sites', () => {
  it("shows its site's grants and totals only, by keyboard", async () => {
    const page = await auditorAContext.newPage();
    try {
      await openByKeyboard(page);
      await expect
        .poll(() => sessions(page), { timeout: 15_000 })
        .toEqual(['session-a-1', 'session-a-2', 'session-a-3']);
      expect(await rowSites(page)).toEqual([siteA.siteKey]);
      // Totals over site A's grants: Bob's four replays of site B are not counted.
      expect(await totals(page)).toEqual([
        'ada@access-report-sites.e2e — 2 replays',
        'bob@access-report-sites.e2e — 1 replay',
      ]);
      const text = (await page.locator('main').textContent()) ?? '';
      expect(text).not.toContain('BRAVO-0815');
      expect(text).not.toContain('CHARLIE-2024');
      expect(text).not.toContain(siteB.siteKey);
      expect(text).not.toContain('Could not');
      await page.getByTestId('access-report-scope-note').waitFor();
      // The picker offers the one site the auditor holds.
      const picker = page.getByLabel('Site', { exact: true });
      expect(await picker.locator('option').allTextContents()).toEqual([`Alpha shop (${siteA.siteKey})`]);
      expect(await picker.inputValue()).toBe(siteA.siteKey);

      // One person's grants, by keyboard, and back to everyone.
      await page.getByRole('button', { name: 'bob@access-report-sites.e2e' }).focus();
      await page.keyboard.press('Enter');
      await expect.poll(() => sessions(page)).toEqual(['session-a-3']);
      expect(await page.locator('main').textContent()).not.toContain('BRAVO-0815');
      await page.getByRole('button', { name: 'Everyone' }).focus();
      await page.keyboard.press('Enter');
      await expect.poll(() => rows(page).count()).toBe(3);
    } finally {
      await page.close();
    }
  });

  it('switches between the sites it holds with the keyboard, never to another', async () => {
    const page = await auditorACContext.newPage();
    try {
      await openByKeyboard(page);
      await expect.poll(() => rows(page).count(), { timeout: 15_000 }).toBe(3);
      expect(await rowSites(page)).toEqual([siteA.siteKey]);
      const picker = page.getByLabel('Site', { exact: true });
      const options = (await picker.locator('option').allTextContents()).join(' | ');
      expect(options).toContain('Alpha shop');
      expect(options).toContain('Charlie shop');
      expect(options).not.toContain('Bravo shop');
      await picker.focus();
      await page.keyboard.press('ArrowDown');
      expect(await picker.inputValue()).toBe(siteC.siteKey);
      await expect.poll(() => sessions(page)).toEqual(['session-c-1']);
      expect(await rowSites(page)).toEqual([siteC.siteKey]);
      expect(await totals(page)).toEqual(['cyd@access-report-sites.e2e — 1 replay']);
      await page.keyboard.press('ArrowUp');
      await expect.poll(() => rows(page).count()).toBe(3);
      expect(await rowSites(page)).toEqual([siteA.siteKey]);
      expect(await page.locator('main').textContent()).not.toContain('BRAVO-0815');
    } finally {
      await page.close();
    }
  });

  it('shows an error when the report cannot be loaded, never an empty report', async () => {
    const page = await auditorAContext.newPage();
    try {
      await page.route('**/api/v1/sites/*/access-report*', unavailable);
      await page.goto(`${server.url}/audit/access`);
      const error = page.getByTestId('access-report-error');
      await error.waitFor();
      expect(await error.textContent()).toContain('Could not load the report');
      expect(await page.getByText('Nobody has opened a raw replay').count()).toBe(0);
      expect(await page.getByTestId('access-grants').count()).toBe(0);
      await page.unroute('**/api/v1/sites/*/access-report*');
      await error.getByRole('button', { name: 'Try again' }).focus();
      await page.keyboard.press('Enter');
      await expect.poll(() => rows(page).count()).toBe(3);
    } finally {
      await page.close();
    }
  });
});

describe('the Access report of a user of every site', () => {
  it('keeps the instance-wide report and offers every site to narrow it', async () => {
    const page = await ownerContext.newPage();
    try {
      await openByKeyboard(page);
      await expect.poll(() => rows(page).count(), { timeout: 15_000 }).toBe(8);
      expect((await rowSites(page)).sort()).toEqual([siteA.siteKey, siteB.siteKey, siteC.siteKey].sort());
      expect(await totals(page)).toContain('bob@access-report-sites.e2e — 5 replays');
      const picker = page.getByLabel('Site', { exact: true });
      expect(await picker.inputValue()).toBe('');
      await picker.selectOption(siteB.siteKey);
      await expect.poll(() => rowSites(page)).toEqual([siteB.siteKey]);
      expect(await rows(page).count()).toBe(4);
      expect(await totals(page)).toEqual(['bob@access-report-sites.e2e — 4 replays']);
    } finally {
      await page.close();
    }
  });
});
