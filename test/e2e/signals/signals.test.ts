/**
 * Session signals from real visits: Chromium drives purpose-built pages on their own origin with
 * the real loader and recorder against the real server; each scripted frustration must show on
 * its session and in the session list's filters, and an error message holding an e-mail address
 * must be stored masked.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parsePrivacyPolicy, SIGNAL_KINDS, type SignalCounts } from '@veil/core';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiToken, systemClock } from '../../../packages/server/src/index.js';
import type { SiteRecord } from '../../../packages/server/src/storage/sites/SiteRepository.js';
import { launchChromium } from '../../support/browser.js';
import { signIn } from '../../support/dashboard.js';
import { grantedEventsPath } from '../../support/replayGrant.js';
import { apiGet, eventually, personContext, startVeil, type Veil } from '../heatmaps/support.js';

const here = dirname(fileURLToPath(import.meta.url));
const DEAD_WINDOW_PASSED_MS = 2_300;
const PLANTED_EMAIL = 'jane.planted@example.org';

let veil: Veil;
let browser: Browser;
let pages: Server;
let pagesOrigin: string;
let site: SiteRecord;
let viewer: string;
/** The owner's dashboard, signed in once (a TOTP code is good for one sign-in only). */
let dashboard: BrowserContext | undefined;

beforeAll(async () => {
  veil = await startVeil({ VEIL_DEMO: 'false' });
  browser = await launchChromium();
  const html = readFileSync(join(here, 'pages', 'app.html'), 'utf8');
  pages = createServer((req, res) => {
    if (req.url?.startsWith('/api/')) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end('{"error":"missing"}');
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(html.replaceAll('{{VEIL_ORIGIN}}', veil.baseUrl).replaceAll('{{SITE_KEY}}', site.siteKey));
  });
  await new Promise<void>((resolve) => pages.listen(0, '127.0.0.1', resolve));
  pagesOrigin = `http://localhost:${(pages.address() as AddressInfo).port}`;
  site = await veil.server.store.sites.create({
    siteKey: 'site_e2e_signals',
    name: 'Signals',
    origins: [pagesOrigin],
    policy: parsePrivacyPolicy({
      lawfulBasis: 'legitimate_interest',
      legitimateInterestAssessment: {
        purpose: 'find where visitors struggle',
        necessity: 'signals per session',
        balancing: 'redacted, purpose-bound replay',
        safeguards: 'errors redacted like page text',
      },
      samplingPercent: 100,
    }),
    createdAt: Date.now(),
  });
  viewer = (
    await createApiToken(veil.server.store, systemClock, {
      role: 'replay_viewer',
      name: 'signals e2e',
      expiresInDays: null,
    })
  ).token;
});
afterAll(async () => {
  await dashboard?.close();
  await browser?.close();
  pages?.closeAllConnections();
  await new Promise((r) => pages?.close(r));
  await veil?.close();
});

async function recorded(page: Page, path: string): Promise<void> {
  const recorder = page.waitForResponse((r) => r.url().includes('/r/v1/recorder.js'));
  await page.goto(`${pagesOrigin}${path}`);
  await recorder;
  await page.waitForFunction(() => sessionStorage.getItem('veil:segment') !== null);
}

async function flush(page: Page): Promise<void> {
  const sent = page.waitForResponse((r) => r.url().endsWith('/ingest/v1/batch') && r.status() === 202);
  await page.evaluate(() => (window as unknown as { veil: (...a: unknown[]) => void }).veil('flush'));
  await sent;
}

/** A new tab of the owner's dashboard, signing in on first use. */
async function dashboardPage(): Promise<Page> {
  if (dashboard === undefined) {
    dashboard = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    const page = await dashboard.newPage();
    await signIn(page, veil.baseUrl, veil.owner);
    await page.getByTestId('site-card').first().waitFor();
    return page;
  }
  return dashboard.newPage();
}

interface Listed {
  id: string;
  signals: SignalCounts;
}
const listSessions = async (query = '') =>
  (await apiGet<{ sessions: Listed[] }>(veil, `/api/v1/sites/${site.siteKey}/sessions${query}`)).body
    .sessions;

describe('signals from scripted visits', () => {
  let frustrated: Listed;
  let calm: Listed;

  it('counts every signal a visit produced on its session', async () => {
    // A calm visitor: one working click, nothing else.
    const calmContext = await personContext(browser, 1280);
    const calmPage = await calmContext.newPage();
    await recorded(calmPage, '/calm');
    await calmPage.waitForTimeout(500);
    await flush(calmPage);
    await calmContext.close();

    const context = await personContext(browser, 1280);
    const page = await context.newPage();
    try {
      await recorded(page, '/list');
      for (let i = 0; i < 4; i++)
        await page.click('#rage', { delay: 20, position: { x: 100 + i * 3, y: 20 } });
      await page.waitForTimeout(DEAD_WINDOW_PASSED_MS);
      await page.click('#dead');
      await page.waitForTimeout(DEAD_WINDOW_PASSED_MS);
      await page.click('#boom');
      await page.waitForTimeout(300);
      await page.click('#fail');
      await page.waitForTimeout(300);
      await page.click('#plan');
      // Up and down the long page, looking for something.
      for (const y of [1500, 200, 1800, 100, 2000, 0]) {
        await page.evaluate((to) => window.scrollTo(0, to), y);
        await page.waitForTimeout(250);
      }
      await flush(page);
      // To an item and straight back: a quick back.
      await page.click('#next');
      await page.waitForURL('**/item/7');
      await page.waitForFunction(() => sessionStorage.getItem('veil:segment') !== null);
      await page.waitForTimeout(800);
      await page.goBack();
      await page.waitForURL('**/list');
      await page.waitForTimeout(800);
      await flush(page);
    } finally {
      await context.close();
    }

    const sessions = await eventually(
      async () => {
        const all = await listSessions();
        const f = all.find((s) => s.signals.quickBacks > 0);
        return all.length >= 2 && f ? all : undefined;
      },
      15_000,
      'two sessions, one with a quick back',
    );
    expect(sessions).toHaveLength(2);
    frustrated = sessions.find((s) => s.signals.rageClicks > 0) as Listed;
    calm = sessions.find((s) => s !== frustrated) as Listed;
    expect(frustrated.signals).toMatchObject({
      quickBacks: 1,
      excessiveScrolls: 1,
      errorClicks: 1,
      jsErrors: 1,
      failedRequests: 1,
    });
    expect(frustrated.signals.rageClicks).toBeGreaterThanOrEqual(3);
    expect(frustrated.signals.deadClicks).toBeGreaterThanOrEqual(2);
    expect(Object.values(calm.signals).every((n) => n === 0)).toBe(true);
  });

  it('finds the session by each of its signals, and never the calm one', async () => {
    for (const kind of SIGNAL_KINDS) {
      const ids = (await listSessions(`?signals=${kind}`)).map((s) => s.id);
      expect(ids, kind).toEqual([frustrated.id]);
    }
    const sorted = await listSessions('?sort=rageClicks');
    expect(sorted.map((s) => s.id)).toEqual([frustrated.id, calm.id]);
  });

  it('stores the error message masked, the request without its query', async () => {
    const path = await grantedEventsPath(
      veil.baseUrl,
      viewer,
      frustrated.id,
      'signals e2e: is the error masked',
    );
    const res = await fetch(`${veil.baseUrl}${path}`, { headers: { authorization: `Bearer ${viewer}` } });
    expect(res.status).toBe(200);
    const body = await res.text();
    // The browser masked it (the server would have too): same-length asterisks.
    expect(body).toContain(`no profile for ${'*'.repeat(PLANTED_EMAIL.length)}`);
    expect(body).not.toContain(PLANTED_EMAIL);
    expect(body).not.toContain('jane.planted');
    expect(body).toContain('/api/missing');
    expect(body).not.toContain('s3cret');
  });

  it('filters the session list by each signal and sorts it by rage clicks, by keyboard; badges the frustrated row', async () => {
    const page = await dashboardPage();
    try {
      await page.goto(`${veil.baseUrl}/sites/${site.siteKey}/sessions`);
      const rows = page.getByTestId('session-row');
      const listed = () => rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-session-id')));
      await expect.poll(() => rows.count()).toBe(2);

      // The frustrated row badges each of its signals with its count; the calm row has none.
      const frustratedRow = page.locator(`[data-testid="session-row"][data-session-id="${frustrated.id}"]`);
      const badges = frustratedRow.getByTestId('signal-badges').locator('[data-signal]');
      expect(await badges.evaluateAll((els) => els.map((e) => e.getAttribute('data-signal')))).toEqual([
        ...SIGNAL_KINDS,
      ]);
      const rage = frustratedRow.locator('[data-signal="rageClicks"]');
      expect(Number(await rage.getAttribute('data-count'))).toBe(frustrated.signals.rageClicks);
      expect(await rage.textContent()).toBe(`Rage clicks ${frustrated.signals.rageClicks}`);
      const calmRow = page.locator(`[data-testid="session-row"][data-session-id="${calm.id}"]`);
      expect(await calmRow.getByTestId('signal-badges').count()).toBe(0);

      // Sort by rage clicks: the URL says so and the frustrated session leads.
      const sort = page.getByTestId('filter-sort');
      await sort.focus();
      await sort.selectOption('rageClicks');
      await page.waitForURL(/[?&]sort=rageClicks/);
      await expect.poll(listed).toEqual([frustrated.id, calm.id]);

      // Each signal box, from the sort by Tab, ticked and unticked by Space: only the frustrated
      // session while ticked, both again after; focus stays on the box.
      const focusedId = () => page.evaluate(() => document.activeElement?.getAttribute('data-testid'));
      for (const kind of SIGNAL_KINDS) {
        await page.keyboard.press('Tab');
        expect(await focusedId(), kind).toBe(`filter-signal-${kind}`);
        await page.keyboard.press('Space');
        await page.waitForURL(new RegExp(`[?&]signals=${kind}(&|$)`));
        await expect.poll(listed, { message: kind }).toEqual([frustrated.id]);
        expect(await page.getByTestId(`filter-signal-${kind}`).isChecked()).toBe(true);
        expect(await focusedId(), kind).toBe(`filter-signal-${kind}`);
        await page.keyboard.press('Space');
        await expect.poll(listed, { message: kind }).toEqual([frustrated.id, calm.id]);
        expect(await focusedId(), kind).toBe(`filter-signal-${kind}`);
      }
    } finally {
      await page.close();
    }
  });

  it('lists the activity beside the replay; an entry jumps the replay to its moment, also by keyboard', async () => {
    const page = await dashboardPage();
    try {
      await page.goto(`${veil.baseUrl}/sessions/${encodeURIComponent(frustrated.id)}`);
      await page.getByTestId('purpose-input').fill('signals e2e: the activity panel jumps the replay');
      await page.getByTestId('purpose-submit').click();
      const stage = page.getByTestId('player-container');
      await expect.poll(() => stage.getAttribute('data-state'), { timeout: 20_000 }).toBe('ready');

      const panel = page.getByTestId('activity-panel');
      const kinds = await panel
        .getByTestId('activity-item')
        .evaluateAll((els) => els.map((e) => e.getAttribute('data-kind')));
      for (const kind of ['page', 'rage', 'dead', 'error', 'request']) expect(kinds, kind).toContain(kind);
      // The error entry shows the masked message, never the address.
      const error = panel.locator('[data-testid="activity-item"][data-kind="error"]').first();
      expect(await error.textContent()).toContain('no profile for ***');
      expect(await panel.textContent()).not.toContain(PLANTED_EMAIL);

      const seekPosition = async () =>
        Number(await page.getByTestId('timeline').getAttribute('aria-valuenow'));
      const errorAt = Number(await error.getAttribute('data-offset'));
      expect(errorAt).toBeGreaterThan(1_000);
      await error.click();
      await expect.poll(seekPosition, { timeout: 5_000 }).toBeGreaterThanOrEqual(errorAt - 50);
      expect(await seekPosition()).toBeLessThan(errorAt + 1_000);
      expect(await error.getAttribute('aria-current')).toBe('true');

      // Keyboard: from the error entry, ↑ to the entry before it, Enter jumps there.
      await error.focus();
      await page.keyboard.press('ArrowUp');
      const focused = page.locator('[data-testid="activity-item"]:focus');
      const before = Number(await focused.getAttribute('data-offset'));
      expect(before).toBeLessThanOrEqual(errorAt);
      await page.keyboard.press('Enter');
      await expect.poll(seekPosition, { timeout: 5_000 }).toBeLessThan(before + 1_000);
      expect(await seekPosition()).toBeGreaterThanOrEqual(before - 50);

      // Clicks are hidden until their kind is ticked (by keyboard); the tag is listed.
      const itemKinds = () =>
        panel.getByTestId('activity-item').evaluateAll((els) => els.map((e) => e.getAttribute('data-kind')));
      expect(await itemKinds()).not.toContain('click');
      await panel.getByTestId('activity-kind-click').focus();
      await page.keyboard.press('Space');
      await expect.poll(itemKinds).toContain('click');
      const tag = panel.locator('[data-testid="activity-item"][data-kind="tag"]');
      expect(await tag.count()).toBe(1);
      expect(await tag.textContent()).toContain('plan = pro');
      // Unticking a kind hides its entries.
      await panel.getByTestId('activity-kind-rage').uncheck();
      await expect.poll(itemKinds).not.toContain('rage');
      expect(await itemKinds()).toContain('error');

      // Ticks on the timeline for rage and dead clicks, errors and failed requests, each kind
      // named (the tick's title, and the slider's description for screen readers).
      const timeline = page.getByTestId('timeline');
      const titles = async (kind: string) =>
        page
          .getByTestId(`timeline-marker-${kind}`)
          .evaluateAll((els) => els.map((e) => e.getAttribute('title')));
      expect((await titles('rage'))[0]).toMatch(/^(Rage click|\d+ rage clicks)/);
      expect((await titles('dead'))[0]).toMatch(/^(Dead click|\d+ dead clicks)/);
      expect(await titles('error')).toEqual([expect.stringMatching(/^Error: no profile for \*+ at /)]);
      expect(await titles('request')).toEqual([
        expect.stringMatching(/^Failed request: GET \/api\/missing → 404 at /),
      ]);
      expect(
        await page
          .locator('.timeline__marker')
          .evaluateAll((els) => els.map((e) => e.getAttribute('title')).join()),
      ).not.toContain(PLANTED_EMAIL);
      const description = page.getByTestId('timeline-description');
      expect(await timeline.getAttribute('aria-describedby')).toBe(await description.getAttribute('id'));
      const described = (await description.textContent()) ?? '';
      for (const words of ['rage click', 'dead click', '1 error', '1 failed request'])
        expect(described, words).toContain(words);

      // A tick is a jump target: pressed off its centre, the replay goes to its very moment.
      const request = page.getByTestId('timeline-marker-request');
      const requestAt = Number(await request.getAttribute('data-offset-ms'));
      expect(Math.abs((await seekPosition()) - requestAt)).toBeGreaterThan(200);
      await request.click({ position: { x: 1, y: 5 } });
      await expect.poll(seekPosition, { timeout: 5_000 }).toBe(requestAt);
    } finally {
      await page.close();
    }
  });
});
