/**
 * Rage and dead clicks, page patterns and heatmap-only capture in real Chromium against the real
 * server: purpose-built pages on their own origin (a site recording under a documented legitimate
 * interest, k = 2), the real loader and recorder, the real API.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parsePrivacyPolicy } from '@veil/core';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SiteRecord } from '../../../packages/server/src/storage/sites/SiteRepository.js';
import { launchChromium } from '../../support/browser.js';
import { apiGet, type ClickHeatmapBody, eventually, personContext, startVeil, type Veil } from './support.js';

const here = dirname(fileURLToPath(import.meta.url));
const DEAD_WINDOW_PASSED_MS = 2_300;

let veil: Veil;
let browser: Browser;
let pages: Server;
let pagesOrigin: string;
let site: SiteRecord;

beforeAll(async () => {
  veil = await startVeil({ VEIL_DEMO: 'false' });
  browser = await launchChromium();
  const html = readFileSync(join(here, 'pages', 'shop.html'), 'utf8');
  pages = createServer((_req, res) => {
    // Every path is the same shop page: /orders/1001, /orders/1002, /checkout/pay …
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(html.replaceAll('{{VEIL_ORIGIN}}', veil.baseUrl).replaceAll('{{SITE_KEY}}', site.siteKey));
  });
  await new Promise<void>((resolve) => pages.listen(0, '127.0.0.1', resolve));
  pagesOrigin = `http://localhost:${(pages.address() as AddressInfo).port}`;
  site = await veil.server.store.sites.create({
    siteKey: 'site_e2e_rage_dead',
    name: 'Shop',
    origins: [pagesOrigin],
    policy: parsePrivacyPolicy({
      lawfulBasis: 'legitimate_interest',
      legitimateInterestAssessment: {
        purpose: 'find broken controls',
        necessity: 'aggregates only',
        balancing: 'k-anonymous, text-free',
        safeguards: 'no replay on checkout',
      },
      samplingPercent: 100,
      heatmapMinSessions: 2,
      heatmapOnlyPages: ['/checkout/**'],
    }),
    createdAt: Date.now(),
  });
});
afterAll(async () => {
  await browser?.close();
  pages?.closeAllConnections();
  await new Promise((r) => pages?.close(r));
  await veil?.close();
});

async function open(path: string): Promise<{ page: Page; close: () => Promise<void> }> {
  const context = await personContext(browser, 1280);
  const page = await context.newPage();
  const recorder = page.waitForResponse((r) => r.url().includes('/r/v1/recorder.js'));
  await page.goto(`${pagesOrigin}${path}`);
  await recorder;
  await page.waitForFunction(() => sessionStorage.getItem('veil:segment') !== null);
  return { page, close: () => context.close() };
}

async function flush(page: Page): Promise<void> {
  const sent = page.waitForResponse((r) => r.url().endsWith('/ingest/v1/batch') && r.status() === 202);
  await page.evaluate(() => (window as unknown as { veil: (...a: unknown[]) => void }).veil('flush'));
  await sent;
}

/** One visitor on an order page: a working button, a burst on a broken one, a dead one, a slow one. */
async function shopper(path: string): Promise<void> {
  const { page, close } = await open(path);
  try {
    await page.click('#live');
    await page.waitForTimeout(DEAD_WINDOW_PASSED_MS);
    for (let i = 0; i < 4; i++) await page.click('#rage', { delay: 20, position: { x: 100 + i * 3, y: 20 } });
    await page.waitForTimeout(DEAD_WINDOW_PASSED_MS);
    await page.click('#dead');
    await page.waitForTimeout(DEAD_WINDOW_PASSED_MS);
    await page.click('#slow');
    await page.waitForTimeout(DEAD_WINDOW_PASSED_MS);
    await flush(page);
  } finally {
    await close();
  }
}

const clicks = (q: string) =>
  apiGet<ClickHeatmapBody>(veil, `/api/v1/sites/${site.siteKey}/heatmaps/clicks?${q}`);

describe('rage and dead clicks, grouped by page pattern', () => {
  it('flags a burst on a broken button as rage (and dead), a control that does nothing as dead', async () => {
    await Promise.all(['/orders/1001', '/orders/1002', '/orders/1003'].map(shopper));
    const body = await eventually(
      async () => {
        const r = await clicks('page=/orders/:id');
        return r.status === 200 && r.body.totals.clicks >= 21 ? r.body : undefined;
      },
      10_000,
      '21 clicks on /orders/:id',
    );
    expect(body.page).toBe('/orders/:id');
    expect(body.totals).toMatchObject({ sessions: 3, clicks: 21, rage: 12, dead: 15 });
    const by = Object.fromEntries(body.elements.map((e) => [e.path, e]));
    expect(by['button#rage']).toMatchObject({ clicks: 12, rage: 12, dead: 12, sessions: 3 });
    expect(by['span#dead']).toMatchObject({ clicks: 3, rage: 0, dead: 3 });
    expect(by['button#live']).toMatchObject({ clicks: 3, rage: 0, dead: 0 });
    expect(by['button#slow']).toMatchObject({ clicks: 3, rage: 0, dead: 0 });
    // A concrete path finds its pattern; the page list names the pattern, never an order number.
    expect((await clicks('page=/orders/42')).body.page).toBe('/orders/:id');
    const list = await apiGet<{ pages: Array<{ pattern: string }> }>(
      veil,
      `/api/v1/sites/${site.siteKey}/heatmaps/pages`,
    );
    expect(list.body.pages.map((p) => p.pattern)).toEqual(['/orders/:id']);
  });
});

describe('heatmap-only capture on the real server', () => {
  it('counts clicks and keeps a text-free layout, and stores no recording', async () => {
    for (const n of [1, 2]) {
      const { page, close } = await open(`/checkout/pay?step=${n}`);
      await page.click('#live');
      await page.click('#dead');
      await page.waitForTimeout(3_000);
      await flush(page);
      await close();
    }
    const body = await eventually(
      async () => {
        const r = await clicks('page=/checkout/pay');
        return r.body.totals?.clicks >= 4 ? r.body : undefined;
      },
      10_000,
      'heatmap-only clicks',
    );
    expect(body.totals).toMatchObject({ sessions: 2, clicks: 4 });
    const snapshot = await apiGet<{ source: string; node: unknown }>(
      veil,
      `/api/v1/sites/${site.siteKey}/heatmaps/snapshot?page=/checkout/pay&device=desktop`,
    );
    expect(snapshot.status).toBe(200);
    expect(snapshot.body.source).toBe('heatmap');
    const json = JSON.stringify(snapshot.body.node);
    expect(json).toContain('"id":"live"');
    for (const planted of ['Jane', 'Plantedname', 'plantedname@', 'Apply coupon'])
      expect(json).not.toContain(planted);
    // The shoppers' order-page sessions are there; the checkout sessions are not.
    const sessions = await apiGet<{ sessions: Array<{ entryUrl: string }> }>(
      veil,
      `/api/v1/sites/${site.siteKey}/sessions`,
    );
    expect(sessions.body.sessions.length).toBe(3);
    expect(sessions.body.sessions.every((s) => s.entryUrl.includes('/orders/'))).toBe(true);
  });
});
