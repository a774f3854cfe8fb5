/**
 * The site overview in real Chromium, as an analyst: the trend of each frustration signal drawn by
 * recharts with a keyboard-readable table of the same numbers, and the pages with most frustration
 * linking to the sessions list filtered to them.
 */
import { EventType, HeatmapTag, parsePrivacyPolicy, type RecordedEvent, VeilCustomTag } from '@veil/core';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SiteRecord } from '../../packages/server/src/storage/sites/SiteRepository.js';
import { launchChromium } from '../support/browser.js';
import { createUser, signInWithPassword } from '../support/dashboard.js';
import { DESKTOP_CHROME_UA, startVeil, type Veil } from './heatmaps/support.js';

const ORIGIN = 'https://shop.example';
const ANALYST = { email: 'analyst@overview.e2e', password: 'analyst-Overview-e2e-1' };

let veil: Veil;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let site: SiteRecord;

async function ingest(sessionId: string, events: RecordedEvent[]): Promise<void> {
  const res = await fetch(`${veil.baseUrl}/ingest/v1/batch`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: ORIGIN, 'user-agent': DESKTOP_CHROME_UA },
    body: JSON.stringify({ v: 1, siteKey: site.siteKey, sessionId, seq: 0, sentAt: Date.now(), events }),
  });
  if (res.status !== 202) throw new Error(`ingest answered ${res.status}: ${await res.text()}`);
}

const custom = (timestamp: number, tag: string, payload: object): RecordedEvent => ({
  type: EventType.Custom,
  timestamp,
  data: { tag, payload },
});
const meta = (timestamp: number, path: string): RecordedEvent => ({
  type: EventType.Meta,
  timestamp,
  data: { href: `${ORIGIN}${path}`, width: 1280, height: 800 },
});

/** 6 sessions rage-clicking on /checkout (4 of them with an error too), 2 calm ones on /. */
async function seed(): Promise<void> {
  const t0 = Date.now() - 60_000;
  for (let s = 0; s < 8; s++) {
    const frustrated = s < 6;
    const path = frustrated ? '/checkout' : '/';
    const events: RecordedEvent[] = [meta(t0, '/'), ...(frustrated ? [meta(t0 + 1_000, path)] : [])];
    if (frustrated) {
      const click = (t: number) =>
        custom(t, HeatmapTag.Click, {
          path,
          el: 'button#pay',
          rx: 0.5,
          ry: 0.5,
          x: 100,
          y: 100,
          vw: 1280,
          vh: 800,
          dw: 1280,
          dh: 1600,
          rage: true,
          dead: false,
        });
      events.push(click(t0 + 2_000), click(t0 + 2_200), click(t0 + 2_400));
      if (s < 4)
        events.push(
          custom(t0 + 2_500, VeilCustomTag.Error, { kind: 'error', message: 'pay failed', stack: '', path }),
        );
    }
    events.push({
      type: EventType.IncrementalSnapshot,
      timestamp: t0 + 5_000,
      data: { source: 3, positions: [{ x: 1, y: 1, id: 1, timeOffset: 0 }] },
    } as RecordedEvent);
    await ingest(`sess_overview_${s}_${Date.now().toString(36)}`, events);
  }
}

beforeAll(async () => {
  veil = await startVeil({ VEIL_DEMO: 'false' });
  const store = veil.server.store;
  site = await store.sites.create({
    siteKey: 'site_e2e_overview',
    name: 'Shop',
    origins: [ORIGIN],
    policy: parsePrivacyPolicy({
      lawfulBasis: 'legitimate_interest',
      legitimateInterestAssessment: {
        purpose: 'ux',
        necessity: 'aggregates',
        balancing: 'k-anonymous',
        safeguards: 'text-free',
      },
      samplingPercent: 100,
      heatmapMinSessions: 3,
    }),
    createdAt: Date.now(),
  });
  await createUser(veil.server, ANALYST, 'analyst');
  await seed();
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  page = await context.newPage();
  await signInWithPassword(page, veil.baseUrl, ANALYST);
  await page.getByTestId('site-overview-link').first().waitFor();
});
afterAll(async () => {
  await context?.close();
  await browser?.close();
  await veil?.close();
});

describe('site overview', () => {
  it('draws each signal trend with recharts, readable as a table by keyboard', async () => {
    await page.getByTestId('site-overview-link').first().click();
    const trend = page.getByRole('figure', { name: /Sessions with each frustration signal/ });
    await trend.waitFor();
    // The drawing: one recharts line per signal, hidden from assistive technology.
    expect(await trend.locator('.recharts-wrapper').count()).toBe(1);
    expect(await trend.locator('.recharts-line').count()).toBe(7);
    expect(await trend.locator('[aria-hidden="true"] .recharts-wrapper').count()).toBe(1);
    // Nothing inside the hidden drawing takes focus.
    expect(await trend.locator('[aria-hidden="true"] [tabindex]:not([tabindex="-1"])').count()).toBe(0);

    // Its numbers: reached and opened with the keyboard alone.
    const table = page.getByTestId('signal-trend-table');
    expect(await table.isVisible()).toBe(false);
    await page.getByTestId('overview-range').focus();
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('SUMMARY');
    await page.keyboard.press('Enter');
    await table.waitFor({ state: 'visible' });
    const today = new Date().toISOString().slice(0, 10);
    const row = table.locator('tbody tr', { has: page.locator(`th:text-is("${today}")`) });
    const cells = await row.locator('td').allTextContents();
    // Sessions, then the signals in order: 8 sessions, 6 with rage clicks, 4 with JS errors.
    expect(cells[0]).toBe('8');
    expect(cells[1]).toBe('6');
    expect(cells[6]).toBe('4');
    // Dead clicks: none, withheld like "a few" would be.
    expect(cells[2]).toBe('withheld (< 3)');
  });

  it('lists the pages with most frustration, each linking to its sessions', async () => {
    const rows = page.getByTestId('overview-page');
    await rows.first().waitFor();
    expect(await rows.count()).toBe(2);
    expect(await rows.first().locator('th').textContent()).toBe('/checkout');
    expect(await rows.first().locator('td').first().textContent()).toBe('6');
    const link = rows.first().getByTestId('overview-page-link');
    expect(await link.getAttribute('href')).toBe(`/sites/${site.siteKey}/sessions?page=%2Fcheckout`);
    const signal = rows.first().getByTestId('overview-signal-link').filter({ hasText: 'JS errors' });
    expect(await signal.getAttribute('href')).toBe(
      `/sites/${site.siteKey}/sessions?page=%2Fcheckout&signals=jsErrors`,
    );
    await signal.click();
    await page.waitForURL(/\/sessions\?page=%2Fcheckout&signals=jsErrors$/);
    await expect.poll(() => page.getByTestId('session-row').count(), { timeout: 10_000 }).toBe(4);
  });
});
