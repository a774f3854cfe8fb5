import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bannerTextHash, DEFAULT_PRIVACY_POLICY, resolveBannerTexts } from '@veil/core';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../../../../test/support/browser.js';
import { startVeilTestServer, type VeilTestServer } from '../support/veilTestServer.js';

// Consent in real Chromium: the page API with server-registered receipts, withdrawal, GPC, the
// built-in banner (keyboard only) and the embeddable opt-out control. The stand-in server
// refuses batches without a registered, unwithdrawn receipt (403 consent_required), as the real
// one does, so "recording flows" means the server accepted the batches.

const here = dirname(fileURLToPath(import.meta.url));
const recorderDir = join(here, '../../..');
const SITE_KEY = 'site_e2e_cons1';
/** The site's German banner texts (two fields; the rest are Veil's). */
const GERMAN_OVERRIDES = { accept: 'Einverstanden', reject: 'Nein, danke' };

let browser: Browser;
let server: VeilTestServer;

beforeAll(async () => {
  execFileSync(process.execPath, ['build.mjs'], { cwd: recorderDir, stdio: 'pipe' });
  server = await startVeilTestServer({
    distDir: join(recorderDir, 'dist'),
    pagesDir: join(here, 'pages'),
    siteKey: SITE_KEY,
    config: () => ({
      siteKey: SITE_KEY,
      lawfulBasis: 'consent',
      samplingPercent: 100,
      policy: { ...DEFAULT_PRIVACY_POLICY, samplingPercent: 100 },
    }),
    consent: {
      enforce: true,
      bannerTexts: (lang) => (lang === 'de' ? { language: 'de', texts: GERMAN_OVERRIDES } : null),
    },
  });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function waitFor(check: () => boolean, what: string, timeoutMs = 8_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const storage = (page: Page) =>
  page.evaluate(async () => ({
    local: Object.keys(localStorage),
    session: Object.keys(sessionStorage),
    idb: (await indexedDB.databases()).map((d) => d.name),
    cookie: document.cookie,
  }));
const EMPTY = { local: [], session: [], idb: [], cookie: '' };
const veil = (page: Page, ...args: unknown[]) =>
  page.evaluate((a) => (window as unknown as { veil: (...x: unknown[]) => void }).veil(...a), args);

/** Requests to the Veil host since `from`, as paths. */
const veilPaths = (from: number) =>
  server.requests
    .slice(from)
    .filter((r) => `http://${r.host}` === server.veilOrigin)
    .map((r) => r.path);

describe('page API consent with registered receipts', () => {
  let context: BrowserContext;
  let page: Page;
  let from: number;
  const seen: string[] = [];

  beforeAll(async () => {
    context = await browser.newContext();
    page = await context.newPage();
    page.on('request', (r) => seen.push(r.url()));
    from = server.requests.length;
  });
  afterAll(() => context?.close());

  it('before consent: the request log, cookie jar and every storage area hold nothing but the loader', async () => {
    await page.goto(`${server.pageOrigin}/pages/consent-api.html`);
    await page.waitForFunction(() => (window as { veil?: { loaded?: boolean } }).veil?.loaded === true);
    await page.locator('#email').pressSequentially('before@example.com');
    await page.waitForTimeout(500);
    expect(veilPaths(from)).toEqual(['/r/v1/loader.js']);
    expect(seen.filter((u) => u.startsWith(server.veilOrigin))).toEqual([
      `${server.veilOrigin}/r/v1/loader.js`,
    ]);
    expect(await storage(page)).toEqual(EMPTY);
    expect(await context.cookies()).toEqual([]);
  });

  it('after consent: the grant is registered first, then batches carry its receipt and are accepted', async () => {
    await veil(page, 'consent', { analytics: true });
    const grant = () =>
      server.consentRegistrations().find((r) => r.decision === 'granted' && r.source === 'api');
    await waitFor(() => grant() !== undefined, 'the grant receipt');
    await page.locator('h1').click();
    await veil(page, 'flush');
    const receiptId = grant()!.receiptId as string;
    const mine = () => server.batches().filter((b) => b.batch.consentReceiptId === receiptId);
    await waitFor(() => mine().length >= 1, 'a batch');
    expect(mine().every((b) => b.request.status === 202)).toBe(true);
    expect(grant()).toEqual({
      v: 1,
      decision: 'granted',
      receiptId,
      visitorId: mine()[0]!.batch.visitorId,
      granted: ['analytics'],
      denied: [],
      source: 'api',
    });
    const registeredAt = server.requests.findIndex((r) => r.path.endsWith('/consent'));
    const firstBatchAt = server.requests.findIndex((r) => r.path === '/ingest/v1/batch');
    expect(registeredAt).toBeLessThan(firstBatchAt);
    expect((await storage(page)).local.sort()).toEqual(['veil:receipt', 'veil:receipt-ok', 'veil:visitor']);
  });

  it('after withdrawal: a withdrawal receipt, no request after one second, storage clean', async () => {
    const receiptId = server.consentRegistrations().find((r) => r.decision === 'granted')!.receiptId;
    await veil(page, 'consent', { analytics: false });
    const withdrawnAt = Date.now();
    await page.mouse.move(10, 300);
    await page.locator('h1').click();
    await veil(page, 'flush');
    // Longer than the 5 s flush interval: a recorder still running would have sent a batch.
    await page.waitForTimeout(6_000);
    const withdrawal = server.consentRegistrations().find((r) => r.decision === 'withdrawn');
    expect(withdrawal).toMatchObject({ receiptId, source: 'api', denied: ['analytics'] });
    expect(server.requests.filter((r) => r.at > withdrawnAt + 1_000)).toEqual([]);
    expect(await storage(page)).toEqual(EMPTY);
    expect(await context.cookies()).toEqual([]);
  });
});

describe('Global Privacy Control', () => {
  it('nothing is recorded, asked or stored, whatever the page says', async () => {
    const context = await browser.newContext();
    try {
      await context.addInitScript(() => {
        Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', {
          get: () => true,
          configurable: true,
        });
      });
      const page = await context.newPage();
      const from = server.requests.length;
      await page.goto(`${server.pageOrigin}/pages/consent-banner.html`);
      await page.waitForFunction(() => (window as { veil?: { loaded?: boolean } }).veil?.loaded === true);
      await veil(page, 'consent', { analytics: true });
      await page.locator('#before').click();
      await page.waitForTimeout(1_000);
      expect(veilPaths(from)).toEqual(['/r/v1/loader.js']); // no banner, no config, no recorder
      expect(await page.locator('#veil-consent-banner').count()).toBe(0);
      expect(await storage(page)).toEqual(EMPTY);
    } finally {
      await context.close();
    }
  });
});

describe('built-in banner', () => {
  let context: BrowserContext;
  let page: Page;
  const germanTexts = resolveBannerTexts('de', GERMAN_OVERRIDES);

  beforeAll(async () => {
    context = await browser.newContext();
    page = await context.newPage();
  });
  afterAll(() => context?.close());

  const banner = () => page.locator('#veil-consent-banner [role="dialog"]');

  it("asks in the page's language with the site's texts; nothing stored or sent before an answer", async () => {
    const from = server.requests.length;
    await page.goto(`${server.pageOrigin}/pages/consent-banner.html`);
    await banner().waitFor();
    expect(veilPaths(from)).toEqual([
      '/r/v1/loader.js',
      '/r/v1/banner.js',
      `/r/v1/sites/${SITE_KEY}/banner?lang=de`,
    ]);
    expect(await storage(page)).toEqual(EMPTY);
    await expect(banner().getAttribute('lang')).resolves.toBe('de');
    await expect(banner().locator('h2').textContent()).resolves.toBe(germanTexts.title);
    // Reject is a first-layer button exactly like Accept.
    const buttons = banner().locator('.row').first().locator('button');
    await expect(buttons.allTextContents()).resolves.toEqual([
      'Einverstanden',
      'Nein, danke',
      germanTexts.settings,
    ]);
    const [acceptStyle, rejectStyle] = await buttons.evaluateAll((els) =>
      els.slice(0, 2).map((el) => {
        const s = getComputedStyle(el);
        return [
          s.backgroundColor,
          s.color,
          s.fontSize,
          s.fontWeight,
          el.getBoundingClientRect().height,
        ].join();
      }),
    );
    expect(rejectStyle).toBe(acceptStyle);
  });

  it('is keyboard accessible: focus starts in the banner, Tab and Enter refuse; the refusal is counted anonymously', async () => {
    const focused = () => page.evaluate(() => document.activeElement?.id ?? '');
    expect(await focused()).toBe('veil-consent-banner'); // focus is inside its shadow root
    const from = server.requests.length;
    await page.keyboard.press('Tab'); // Einverstanden
    await page.keyboard.press('Tab'); // Nein, danke
    await page.keyboard.press('Enter');
    await banner().waitFor({ state: 'detached' });
    await waitFor(() => veilPaths(from).length === 1, 'the refusal');
    const refusal = server.consentRegistrations().at(-1)!;
    expect(refusal).toEqual({
      v: 1,
      decision: 'denied',
      granted: [],
      denied: ['analytics'],
      source: 'banner',
      bannerTextHash: bannerTextHash(germanTexts),
      language: 'de',
    });
    // The refusal is remembered (the one key Veil keeps without consent): not asked again.
    expect(await storage(page)).toEqual({ ...EMPTY, local: ['veil:choice'] });
    await page.reload();
    await page.waitForFunction(() => (window as { veil?: { banner?: unknown } }).veil?.banner !== undefined);
    await page.waitForTimeout(300);
    expect(await page.locator('#veil-consent-banner').count()).toBe(0);
  });

  it('opens again from a privacy-settings link; the category layer grants with a checkbox and Save', async () => {
    await page.locator('#settings').click();
    await banner().waitFor();
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab'); // Auswählen
    await page.keyboard.press('Enter');
    const checkbox = banner().locator('input[type="checkbox"]');
    expect(await checkbox.isChecked()).toBe(false); // nothing pre-ticked
    await page.keyboard.press('Space'); // focus moved to the checkbox
    expect(await checkbox.isChecked()).toBe(true);
    await page.keyboard.press('Tab'); // Auswahl speichern
    await page.keyboard.press('Enter');
    await banner().waitFor({ state: 'detached' });
    const grant = () =>
      server.consentRegistrations().find((r) => r.decision === 'granted' && r.source === 'banner');
    await waitFor(() => grant() !== undefined, 'the grant');
    expect(grant()).toMatchObject({ bannerTextHash: bannerTextHash(germanTexts), language: 'de' });
    await page.locator('#before').click();
    await veil(page, 'flush');
    const receiptId = grant()!.receiptId;
    await waitFor(
      () => server.batches().some((b) => b.batch.consentReceiptId === receiptId && b.request.status === 202),
      'an accepted batch',
    );
    expect((await storage(page)).local).toContain('veil:choice');
  });
});

describe('opt-out control on the privacy page', () => {
  it('opts out in first-party storage, registers it, and keeps the visitor out', async () => {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto(`${server.pageOrigin}/pages/consent-optout.html`);
      const button = page.locator('.veil-optout__button');
      await button.waitFor();
      await expect(page.locator('.veil-optout__status').getAttribute('role')).resolves.toBe('status');
      await veil(page, 'consent', { analytics: true });
      const grants = () => server.consentRegistrations().filter((r) => r.decision === 'granted');
      const before = grants().length;
      await waitFor(() => grants().length === before + 1, 'the grant');
      const { receiptId, visitorId } = grants().at(-1)!;

      await button.click();
      await waitFor(
        () => server.consentRegistrations().some((r) => r.optOut === true && r.receiptId === receiptId),
        'the opt-out',
      );
      expect(server.consentRegistrations().find((r) => r.optOut === true)).toMatchObject({
        decision: 'withdrawn',
        visitorId,
        source: 'optout',
      });
      await expect(button.getAttribute('aria-pressed')).resolves.toBe('true');
      expect(await storage(page)).toEqual({ ...EMPTY, local: ['veil:optout'] });

      const from = server.requests.length;
      await page.reload();
      await page.waitForFunction(() => (window as { veil?: { loaded?: boolean } }).veil?.loaded === true);
      await veil(page, 'consent', { analytics: true });
      await page.waitForTimeout(800);
      expect(veilPaths(from)).toEqual(['/r/v1/loader.js', '/r/v1/optout.js']);
    } finally {
      await context.close();
    }
  });
});
