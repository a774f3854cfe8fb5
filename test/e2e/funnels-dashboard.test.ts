/**
 * The Funnels page in real Chromium, by keyboard alone: an analyst defines a funnel by page
 * patterns and a click step, reads exact counts for seeded sessions (as a chart and a table), sees
 * a step below k withheld, follows a step's link to exactly the sessions it counts (with the
 * funnel's range and tag), and reads the top paths after and before a chosen page.
 */
import { EventType, HeatmapTag, parsePrivacyPolicy, type RecordedEvent, VeilCustomTag } from '@veil/core';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SiteRecord } from '../../packages/server/src/storage/sites/SiteRepository.js';
import { launchChromium } from '../support/browser.js';
import { type DashboardServer, ownerFor, signIn, startDashboardServer } from '../support/dashboard.js';

const ORIGIN = 'https://shop.example';
const PAY = 'button#pay';
const UA =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

let veil: DashboardServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let site: SiteRecord;
let visitors = 0;

const meta = (timestamp: number, path: string): RecordedEvent => ({
  type: EventType.Meta,
  timestamp,
  data: { href: `${ORIGIN}${path}`, width: 1280, height: 800 },
});
const payClick = (timestamp: number): RecordedEvent => ({
  type: EventType.Custom,
  timestamp,
  data: {
    tag: HeatmapTag.Click,
    payload: {
      path: '/cart',
      el: PAY,
      rx: 0.5,
      ry: 0.5,
      x: 100,
      y: 100,
      vw: 1280,
      vh: 800,
      dw: 1280,
      dh: 1600,
    },
  },
});

/** One visitor's session through the real ingest endpoint: its pages (`!` after /cart: a click on the pay button there), and the ab=x tag. */
async function visit(paths: string[], tagged: boolean): Promise<void> {
  const t0 = Date.now() - 120_000;
  const events: RecordedEvent[] = [];
  let ts = t0;
  for (const p of paths) {
    const clicked = p.endsWith('!');
    events.push(meta(ts, clicked ? p.slice(0, -1) : p));
    if (clicked) events.push(payClick(ts + 1_000));
    ts += 5_000;
  }
  if (tagged)
    events.push({
      type: EventType.Custom,
      timestamp: ts,
      data: { tag: VeilCustomTag.Tag, payload: { key: 'ab', value: 'x' } },
    });
  events.push({
    type: EventType.IncrementalSnapshot,
    timestamp: ts + 500,
    data: { source: 3, positions: [{ x: 1, y: 1, id: 1, timeOffset: 0 }] },
  } as RecordedEvent);
  visitors += 1;
  const res = await fetch(`${veil.server.url}/ingest/v1/batch`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: ORIGIN, 'user-agent': UA },
    body: JSON.stringify({
      v: 1,
      siteKey: site.siteKey,
      sessionId: `sess_funnel_e2e_${visitors}_${Date.now().toString(36)}`,
      visitorId: `visitor_funnel_e2e_${visitors}`,
      seq: 0,
      sentAt: Date.now(),
      events,
    }),
  });
  if (res.status !== 202) throw new Error(`ingest answered ${res.status}: ${await res.text()}`);
}

/** Presses Tab (at most `max` times) until the focused element matches `selector`. */
async function tabTo(selector: string, max = 80): Promise<void> {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate((s) => document.activeElement?.matches(s) === true, selector)) return;
  }
  throw new Error(`Tab never reached ${selector}`);
}

const stepCells = () => page.getByTestId('funnel-step-sessions').allTextContents();

beforeAll(async () => {
  // k = 5 distinct visitors (the policy); minimum cohort 10 distinct visitors.
  veil = await startDashboardServer(ownerFor('funnels'), { env: { VEIL_HEATMAP_MIN_COHORT: '10' } });
  site = await veil.server.store.sites.create({
    siteKey: 'site_e2e_funnels',
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
      heatmapMinSessions: 5,
    }),
    createdAt: Date.now(),
  });
  // A: 12 tagged visitors paid and checked out (3 of them reached /thanks); B: 10 only looked at
  // the cart; C: 5 paid on the cart and left; D: 2 went to /about. 29 sessions, one visitor each.
  for (let i = 0; i < 9; i++) await visit(['/', '/item/1', '/cart!', '/checkout'], true);
  for (let i = 0; i < 3; i++) await visit(['/', '/item/1', '/cart!', '/checkout', '/thanks'], true);
  for (let i = 0; i < 10; i++) await visit(['/', '/item/2', '/cart'], false);
  for (let i = 0; i < 5; i++) await visit(['/', '/item/3', '/cart!'], false);
  for (let i = 0; i < 2; i++) await visit(['/', '/about'], false);
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  page = await context.newPage();
  await signIn(page, veil.server.url, veil.owner);
  await page.getByTestId('site-funnels-link').waitFor();
});
afterAll(async () => {
  await context?.close();
  await browser?.close();
  await veil?.close();
});

describe('funnels page', () => {
  it('defines a funnel with a click step by keyboard and shows exact counts, a step below k withheld, as a chart too', async () => {
    // To the Funnels page and into the steps box, by keyboard.
    await tabTo('[data-testid="site-funnels-link"]');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/sites\/site_e2e_funnels\/funnels$/);
    await page.getByTestId('funnel-table').waitFor();
    await tabTo('#funnel-steps');
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.press('Delete');
    await page.keyboard.type(`/\n/item/:id\n/cart @ ${PAY}\n/checkout\n/thanks`);
    // Device (all), range (30 days), tag (none), then the button.
    await tabTo('[data-testid="funnel-submit"]');
    await page.keyboard.press('Enter');
    await expect
      .poll(() => page.getByTestId('funnel-step').allTextContents(), { timeout: 20_000 })
      .toHaveLength(5);
    // 29 reached home, 27 an item page, 17 paid on the cart (A and C), 12 checked out; 3 reached
    // /thanks: fewer than k, withheld.
    await expect
      .poll(stepCells, { timeout: 20_000 })
      .toEqual(['29', '27', '17', '12', 'withheld (< 5 visitors)']);
    const rows = page.getByTestId('funnel-step');
    expect(await rows.nth(2).textContent()).toContain(`(click on ${PAY})`);
    expect(await rows.nth(1).locator('td').nth(2).textContent()).toMatch(/^93(\.1)?\s?%$/);
    expect(await rows.nth(2).locator('td').nth(3).textContent()).toBe('10');
    // A withheld step is not a link to its sessions (they would tell its count).
    expect(await rows.nth(4).getByTestId('funnel-step-link').count()).toBe(0);
    expect(await page.getByTestId('funnel-step-link').count()).toBe(4);

    // The chart: one bar per step, the withheld one a stub; hidden from assistive technology,
    // nothing in it takes focus (the table is its readable form).
    const chart = page.getByRole('figure', { name: /Sessions reaching each step/ });
    await chart.waitFor();
    expect(await chart.locator('[aria-hidden="true"] .recharts-wrapper').count()).toBe(1);
    expect(await chart.locator('[data-testid="funnel-bar"]').count()).toBe(4);
    expect(await chart.locator('[data-testid="funnel-bar-withheld"]').count()).toBe(1);
    expect(await chart.locator('.recharts-label-list text').allTextContents()).toEqual([
      '29',
      '27',
      '17',
      '12',
      'withheld',
    ]);
    expect(await chart.locator('[aria-hidden="true"] [tabindex]:not([tabindex="-1"])').count()).toBe(0);
  });

  it("a step's link lists exactly the sessions it counts", async () => {
    // Step 3 (the pay click) by keyboard: 17 sessions.
    await tabTo('[data-testid="funnel-step"]:nth-child(3) [data-testid="funnel-step-link"]');
    const href = await page.evaluate(() => document.activeElement?.getAttribute('href') ?? '');
    const query = new URL(href, veil.server.url).searchParams;
    expect(query.getAll('step')).toEqual(['/', '/item/:id', '/cart', '/checkout', '/thanks']);
    expect([query.get('click.2'), query.get('reached')]).toEqual([PAY, '3']);
    // The funnel's range as it answered: the last 30 days up to the server's now.
    const range = Number(query.get('receivedTo')) - Number(query.get('receivedFrom'));
    expect(range).toBeGreaterThanOrEqual(30 * 86_400_000);
    expect(range).toBeLessThan(30 * 86_400_000 + 60_000);
    expect(Math.abs(Number(query.get('receivedTo')) - Date.now())).toBeLessThan(120_000);
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/sessions\?/);
    await page.getByTestId('funnel-filter').waitFor();
    await expect.poll(() => page.getByTestId('session-row').count(), { timeout: 20_000 }).toBe(17);
    expect(await page.getByTestId('funnel-filter').textContent()).toContain('step 3 of');
    expect(await page.getByTestId('funnel-filter').textContent()).toContain('received');
    await page.goBack();
    await page.getByTestId('funnel-table').waitFor();
  });

  it('keeps the tag segment in the link: the tagged funnel and its sessions agree', async () => {
    await tabTo('#funnel-tag');
    await page.keyboard.type('ab=x');
    await page.keyboard.press('Enter');
    // Tagged: A's 12 reached every step but /thanks (3, withheld).
    await expect
      .poll(stepCells, { timeout: 20_000 })
      .toEqual(['12', '12', '12', '12', 'withheld (< 5 visitors)']);
    await tabTo('[data-testid="funnel-step"]:nth-child(2) [data-testid="funnel-step-link"]');
    const href = await page.evaluate(() => document.activeElement?.getAttribute('href') ?? '');
    expect(new URL(href, veil.server.url).searchParams.get('tagKey')).toBe('ab');
    await page.keyboard.press('Enter');
    await page.waitForURL(/tagValue=x/);
    // Without the tag the list would hold the 27 sessions that reached an item page.
    await expect.poll(() => page.getByTestId('session-row').count(), { timeout: 20_000 }).toBe(12);
    expect(await page.getByTestId('funnel-filter').textContent()).toContain('tagged ab=x');
    await page.goBack();
    await page.getByTestId('funnel-table').waitFor();
  });

  it('lists the top paths after and before a chosen page', async () => {
    const table = page.getByTestId('paths-table');
    await tabTo('#paths-page');
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type('/item/:id');
    await page.keyboard.press('Enter');
    // After an item page: the cart (27 sessions).
    await expect
      .poll(async () => (await table.locator('tbody tr').allTextContents()).join(' | '), { timeout: 20_000 })
      .toBe('/cart27');
    // Before /cart: the direction (the field before the page's) with the arrow keys.
    await page.keyboard.press('Shift+Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('paths-direction');
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => page.locator('#paths-direction').inputValue()).toBe('before');
    await page.keyboard.press('Tab');
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type('/cart');
    await page.keyboard.press('Enter');
    // An item page (27) led to the cart.
    await expect
      .poll(async () => (await table.locator('tbody tr').allTextContents()).join(' | '), { timeout: 20_000 })
      .toBe('/item/:id27');
    // After home: item pages 27; /about's 2 visitors are fewer than k: withheld.
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('ArrowUp');
    await expect.poll(() => page.locator('#paths-direction').inputValue()).toBe('after');
    await page.keyboard.press('Tab');
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type('/');
    await page.keyboard.press('Enter');
    await expect
      .poll(async () => (await table.locator('tbody tr').allTextContents()).join(' | '), { timeout: 20_000 })
      .toBe('/item/:id27 | 1 more withheld (fewer than 5 distinct visitors each)');
    // The shown rows drawn as bars too.
    expect(await page.getByTestId('paths-chart').locator('.recharts-bar-rectangle').count()).toBe(1);
  });
});
