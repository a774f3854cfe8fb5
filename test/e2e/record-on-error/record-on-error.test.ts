/**
 * Record-on-error through the real loader, recorder and server in Chromium. The site's policy
 * keeps the last 5 s in the browser and sends them only on an uncaught exception, then 2 s more.
 * Every byte the browser sends passes a tap (beacons included). A visit without errors sends no
 * batch at all and leaves no session; a visit that throws sends one window that starts with a
 * full snapshot, reaches back at least 5 s before the error (and not to the page's start), holds
 * the error, ends 2 s after it, never carries the typed value unmasked, and replays in the
 * dashboard's player. Under consent (a second site, lawful basis `consent`) nothing of Veil's but
 * the loader is on the page before consent, not even for an error; after consent the window is
 * kept in memory until an error, then sent.
 *
 * Each visit is on its own site and goes through its own tap (none sees another's batches or
 * sessions). The visit without errors runs beside the visit that throws: both spend over two
 * windows of the policy busy, which is most of this file's time; only one of them sends.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EventType, parsePrivacyPolicy, type RecordedEvent, VeilCustomTag } from '@veil/core';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiToken, systemClock } from '../../../packages/server/src/index.js';
import type { SiteRecord } from '../../../packages/server/src/storage/sites/SiteRepository.js';
import { launchChromium } from '../../support/browser.js';
import { signIn } from '../../support/dashboard.js';
import { type IngestTap, startIngestTap } from '../../support/ingestCapture.js';
import { grantedEventsPath } from '../../support/replayGrant.js';
import { eventually } from '../../support/waitFor.js';
import { apiGet, DESKTOP_CHROME_UA, startVeil, type Veil } from '../heatmaps/support.js';

const here = dirname(fileURLToPath(import.meta.url));
const WINDOW_S = 5;
const AFTER_S = 2;
const PLANTED = 'planted.buyer@example.org';

let veil: Veil;
let browser: Browser;
let tap: IngestTap;
/** The taps of the visit without errors and of the consent site's visit, which run beside the others. */
let quietTap: IngestTap;
let consentTap: IngestTap;
let pages: Server;
let pagesOrigin: string;
let site: SiteRecord;
/** The site of the visit without errors: the same policy as `site`. */
let quietSite: SiteRecord;
let consentSite: SiteRecord;
let viewer: string;

beforeAll(async () => {
  veil = await startVeil({ VEIL_DEMO: 'false' });
  browser = await launchChromium();
  tap = await startIngestTap();
  quietTap = await startIngestTap();
  consentTap = await startIngestTap();
  const html = readFileSync(join(here, 'pages', 'app.html'), 'utf8');
  pages = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    // Under /consent/ the page of the consent site: its loader waits for consent (no hint).
    const underConsent = req.url?.startsWith('/consent/') === true;
    // Under /quiet/ the page of the site of the visit without errors.
    const quiet = req.url?.startsWith('/quiet/') === true;
    const page = underConsent ? html.replace(' data-lawful-basis="legitimate_interest"', '') : html;
    const siteKey = underConsent ? consentSite.siteKey : quiet ? quietSite.siteKey : site.siteKey;
    res.end(page.replaceAll('{{VEIL_ORIGIN}}', veil.baseUrl).replaceAll('{{SITE_KEY}}', siteKey));
  });
  await new Promise<void>((resolve) => pages.listen(0, '127.0.0.1', resolve));
  pagesOrigin = `http://localhost:${(pages.address() as AddressInfo).port}`;
  const onErrorPolicy = () =>
    parsePrivacyPolicy({
      lawfulBasis: 'legitimate_interest',
      legitimateInterestAssessment: {
        purpose: 'fix checkout errors',
        necessity: 'only the seconds before an error',
        balancing: 'nothing leaves the browser without an error',
        safeguards: 'masked in the browser and on the server',
      },
      samplingPercent: 100,
      recordOnError: { enabled: true, windowSeconds: WINDOW_S, afterSeconds: AFTER_S, triggers: ['error'] },
    });
  site = await veil.server.store.sites.create({
    siteKey: 'site_e2e_on_error',
    name: 'On error',
    origins: [pagesOrigin],
    policy: onErrorPolicy(),
    createdAt: Date.now(),
  });
  quietSite = await veil.server.store.sites.create({
    siteKey: 'site_e2e_on_error_quiet',
    name: 'On error, no error',
    origins: [pagesOrigin],
    policy: onErrorPolicy(),
    createdAt: Date.now(),
  });
  consentSite = await veil.server.store.sites.create({
    siteKey: 'site_e2e_on_error_consent',
    name: 'On error, under consent',
    origins: [pagesOrigin],
    policy: parsePrivacyPolicy({
      lawfulBasis: 'consent',
      samplingPercent: 100,
      recordOnError: { enabled: true, windowSeconds: WINDOW_S, afterSeconds: AFTER_S, triggers: ['error'] },
    }),
    createdAt: Date.now(),
  });
  viewer = (
    await createApiToken(veil.server.store, systemClock, {
      role: 'replay_viewer',
      name: 'record-on-error e2e',
      expiresInDays: null,
    })
  ).token;
});
afterAll(async () => {
  await browser?.close();
  await tap?.close();
  await quietTap?.close();
  await consentTap?.close();
  pages?.closeAllConnections();
  await new Promise((r) => pages?.close(r));
  await veil?.close();
});

/** Opens the checkout page (of `site`, or under `/quiet/` of `quietSite`) through `via`. */
async function open(
  via: IngestTap = tap,
  path = '/checkout',
): Promise<{ page: Page; close: () => Promise<void> }> {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 800 },
    userAgent: DESKTOP_CHROME_UA,
    proxy: { server: via.server },
  });
  const page = await context.newPage();
  const recorder = page.waitForResponse((r) => r.url().includes('/r/v1/recorder.js'));
  await page.goto(`${pagesOrigin}${path}`);
  await recorder;
  await page.waitForFunction(() => sessionStorage.getItem('veil:segment') !== null);
  return { page, close: () => context.close() };
}

/** A visitor busy for `ms`: mouse moves every 150 ms (rrweb's checkouts happen on events). */
async function busy(page: Page, ms: number): Promise<void> {
  const until = Date.now() + ms;
  let i = 0;
  while (Date.now() < until) {
    await page.mouse.move(300 + (i % 40) * 5, 200 + (i % 7) * 10);
    i++;
    await page.waitForTimeout(150);
  }
}

const pageTime = (page: Page, name: string) =>
  page.evaluate((n) => (window as unknown as Record<string, number>)[`__${n}At`] ?? 0, name);

describe('record-on-error', () => {
  // The visits of `site` and `quietSite` run at once (each proves what it did alone).
  // Concurrent tests assert with their own `expect` (expect.poll needs to know its test).
  it.concurrent('sends nothing from a page view without an error', async ({ expect }) => {
    const { page, close } = await open(quietTap, '/quiet/checkout');
    await page.locator('#email').fill(PLANTED);
    await page.click('#early');
    await busy(page, 2 * WINDOW_S * 1000 + 500);
    await page.click('#step');
    await page.evaluate(() => (window as unknown as { veil: (...a: unknown[]) => void }).veil('flush'));
    await page.waitForTimeout(500);
    await close(); // pagehide: no final beacon either
    await new Promise((r) => setTimeout(r, 1_000));
    expect(quietTap.batches).toEqual([]);
    const { body } = await apiGet<{ sessions: unknown[] }>(
      veil,
      `/api/v1/sites/${quietSite.siteKey}/sessions`,
    );
    expect(body.sessions).toEqual([]);
  });

  it.concurrent('sends the window before an uncaught exception and the seconds after it, replayable', async ({
    expect,
  }) => {
    const { page, close } = await open();
    let earlyAt = 0;
    let boomAt = 0;
    let lateAt = 0;
    try {
      await page.click('#early');
      earlyAt = await pageTime(page, 'early');
      await page.locator('#email').fill(PLANTED);
      // Long enough for two checkouts after the early click, so it falls out of the window.
      await busy(page, 2 * WINDOW_S * 1000 + 1_500);
      await page.click('#step');
      await page.waitForTimeout(300);
      expect(tap.batches, 'nothing before the error').toEqual([]);
      const sent = page.waitForResponse((r) => r.url().endsWith('/ingest/v1/batch'));
      await page.click('#boom');
      boomAt = await pageTime(page, 'boom');
      expect((await sent).status()).toBe(202);
      // The moves below run through the time after (what it sends reaches past errorAt + 300).
      await page.click('#after');
      // Past the time after: back to keeping the window in memory only.
      await busy(page, AFTER_S * 1000 + 1_000);
      await page.click('#late');
      lateAt = await pageTime(page, 'late');
      await busy(page, 1_000);
      await page.evaluate(() => (window as unknown as { veil: (...a: unknown[]) => void }).veil('flush'));
      await page.waitForTimeout(500);
    } finally {
      await close();
    }
    await new Promise((r) => setTimeout(r, 1_000));

    expect(tap.batches.length).toBeGreaterThan(0);
    for (const batch of tap.batches) {
      expect(batch.status).toBe(202);
      // Masked in the browser: the typed address never crossed the wire.
      expect(batch.body.toString('utf8')).not.toContain(PLANTED);
      expect(batch.body.toString('utf8')).not.toContain('planted.buyer');
    }
    // The first batch opens with the error (the server accepts a window only with one).
    const first = JSON.parse(tap.batches[0]?.body.toString('utf8') ?? '{}') as { events: RecordedEvent[] };
    const opening = first.events[0]?.data as { tag?: string } | undefined;
    expect(opening?.tag).toBe(VeilCustomTag.Error);

    const { body } = await apiGet<{ sessions: { id: string; signals: { jsErrors: number } }[] }>(
      veil,
      `/api/v1/sites/${site.siteKey}/sessions`,
    );
    expect(body.sessions).toHaveLength(1);
    const session = body.sessions[0] as { id: string; signals: { jsErrors: number } };
    expect(session.signals.jsErrors).toBe(1);

    const path = await grantedEventsPath(veil.baseUrl, viewer, session.id, 'record-on-error e2e: the window');
    const res = await fetch(`${veil.baseUrl}${path}`, { headers: { authorization: `Bearer ${viewer}` } });
    expect(res.status).toBe(200);
    const { events } = (await res.json()) as { events: RecordedEvent[] };
    const errors = events.filter(
      (e) => e.type === EventType.Custom && (e.data as { tag?: string }).tag === VeilCustomTag.Error,
    );
    expect(errors).toHaveLength(1);
    expect(JSON.stringify(errors[0])).toContain('checkout exploded');
    const errorAt = errors[0]?.timestamp ?? 0;
    expect(errorAt).toBeGreaterThanOrEqual(boomAt);

    const times = events.map((e) => e.timestamp);
    const start = Math.min(...times);
    const end = Math.max(...times);
    // Starts with a full snapshot taken before the error, at least the window before it…
    const snapshots = events.filter((e) => e.type === EventType.FullSnapshot).map((e) => e.timestamp);
    expect(snapshots.length).toBeGreaterThan(0);
    expect(Math.min(...snapshots)).toBeLessThanOrEqual(errorAt - WINDOW_S * 1000);
    expect(events.some((e) => e.type === EventType.Meta && e.timestamp === start)).toBe(true);
    // …but not back to the page's start: the early click fell out of the window.
    expect(start).toBeGreaterThan(earlyAt);
    expect(errorAt - start).toBeLessThanOrEqual(2 * WINDOW_S * 1000 + 1_000);
    // Ends with the time after: nothing of the late click.
    expect(end).toBeLessThanOrEqual(errorAt + AFTER_S * 1000 + 500);
    expect(end).toBeLessThan(lateAt);
    expect(events.some((e) => e.timestamp > errorAt + 300)).toBe(true);

    // And it replays: the dashboard's player rebuilds it and lists the error.
    const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    const dash = await context.newPage();
    try {
      await signIn(dash, veil.baseUrl, veil.owner);
      await dash.getByTestId('site-card').first().waitFor();
      await dash.goto(`${veil.baseUrl}/sessions/${encodeURIComponent(session.id)}`);
      await dash.getByTestId('purpose-input').fill('record-on-error e2e: the window replays');
      await dash.getByTestId('purpose-submit').click();
      const stage = dash.getByTestId('player-container');
      await expect.poll(() => stage.getAttribute('data-state'), { timeout: 20_000 }).toBe('ready');
      const error = dash.locator('[data-testid="activity-item"][data-kind="error"]');
      await expect.poll(() => error.count()).toBe(1);
      expect(await error.textContent()).toContain('checkout exploded');
    } finally {
      await context.close();
    }
  });

  // After the two: its batches beside those of the error visit were shed (503) on a loaded machine.
  it('under consent: nothing loaded, kept or sent before consent, even on an error; after consent an error sends its window', async () => {
    const context = await browser.newContext({
      viewport: { width: 1280, height: 800 },
      userAgent: DESKTOP_CHROME_UA,
      proxy: { server: consentTap.server },
    });
    const veilRequests: string[] = [];
    const page = await context.newPage();
    page.on('request', (r) => {
      if (r.url().startsWith(veil.baseUrl)) veilRequests.push(new URL(r.url()).pathname);
    });
    const veilStorage = () =>
      page.evaluate(() =>
        [...Object.keys(localStorage), ...Object.keys(sessionStorage)].filter((k) => k.startsWith('veil:')),
      );
    const from = consentTap.batches.length;
    const sent = () => consentTap.batches.slice(from);
    let consentAt = 0;
    try {
      const loader = page.waitForResponse((r) => r.url().includes('/r/v1/loader.js'));
      await page.goto(`${pagesOrigin}/consent/checkout`);
      await loader;
      await page.locator('#email').fill(PLANTED);
      // An error before consent opens nothing: the recorder is not even on the page.
      await page.click('#boom');
      await page.waitForFunction(() => document.getElementById('log')?.textContent?.includes('boom'));
      await busy(page, 1_000);
      expect(veilRequests, 'only the loader before consent').toEqual(['/r/v1/loader.js']);
      expect(await veilStorage(), 'no storage before consent').toEqual([]);
      expect(sent(), 'nothing sent before consent').toEqual([]);

      const recorder = page.waitForResponse((r) => r.url().includes('/r/v1/recorder.js'));
      consentAt = Date.now();
      await page.evaluate(() =>
        (window as unknown as { veil: (...a: unknown[]) => void }).veil('consent', { analytics: true }),
      );
      await recorder;
      await page.waitForFunction(() => sessionStorage.getItem('veil:segment') !== null);
      // Consented, recording into the window in memory: still nothing sent without an error, not
      // even when the page asks for a flush.
      await busy(page, 500);
      await page.evaluate(() => (window as unknown as { veil: (...a: unknown[]) => void }).veil('flush'));
      await busy(page, 500);
      expect(sent(), 'nothing sent after consent until an error').toEqual([]);
      const windowSent = page.waitForResponse((r) => r.url().endsWith('/ingest/v1/batch'));
      await page.click('#boom');
      expect((await windowSent).status()).toBe(202);
      // Still in the time after: the flush sends what it recorded (with the receipt too).
      await busy(page, 1_000);
      await page.evaluate(() => (window as unknown as { veil: (...a: unknown[]) => void }).veil('flush'));
    } finally {
      await context.close();
    }
    const { body } = await eventually(async () => {
      const listed = await apiGet<{ sessions: { id: string; signals: { jsErrors: number } }[] }>(
        veil,
        `/api/v1/sites/${consentSite.siteKey}/sessions`,
      );
      return listed.body.sessions.length === 1 ? listed : undefined;
    }, 'the consented session listed');
    const session = body.sessions[0] as { id: string; signals: { jsErrors: number } };
    expect(session.signals.jsErrors).toBe(1);
    expect(sent().length).toBeGreaterThan(0);
    for (const batch of sent()) {
      expect(batch.status).toBe(202);
      const text = batch.body.toString('utf8');
      expect(text).not.toContain(PLANTED);
      expect((JSON.parse(text) as { consentReceiptId?: string }).consentReceiptId).toEqual(
        expect.any(String),
      );
    }
    const first = JSON.parse(sent()[0]?.body.toString('utf8') ?? '{}') as { events: RecordedEvent[] };
    expect((first.events[0]?.data as { tag?: string } | undefined)?.tag).toBe(VeilCustomTag.Error);
    // Only the error after consent: the one before it was never seen by Veil.
    const path = await grantedEventsPath(veil.baseUrl, viewer, session.id, 'record-on-error e2e: consent');
    const res = await fetch(`${veil.baseUrl}${path}`, { headers: { authorization: `Bearer ${viewer}` } });
    const { events } = (await res.json()) as { events: RecordedEvent[] };
    const errors = events.filter(
      (e) => e.type === EventType.Custom && (e.data as { tag?: string }).tag === VeilCustomTag.Error,
    );
    expect(errors).toHaveLength(1);
    expect(errors[0]?.timestamp).toBeGreaterThan(consentAt);
    expect(events.some((e) => e.type === EventType.FullSnapshot)).toBe(true);
  });
});
