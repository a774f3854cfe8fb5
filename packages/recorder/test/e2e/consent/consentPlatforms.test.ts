import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_PRIVACY_POLICY } from '@veil/core';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../../../../test/support/browser.js';
import { startVeilTestServer, type VeilTestServer } from '../support/veilTestServer.js';

// Each consent-platform adapter in real Chromium, driven by a stand-in that implements the
// platform's page API (consent/pages/consent-cmp.html): before the platform reports consent the page
// holds nothing of Veil's but the loader and the adapters chunk; a grant registers a receipt and
// recording flows with it; a withdrawal in the platform stops capture, registers the withdrawal
// and leaves Veil's storage empty. The stand-in server refuses batches without a registered,
// unwithdrawn receipt, as the real one does.

const here = dirname(fileURLToPath(import.meta.url));
const recorderDir = join(here, '../../..');
const SITE_KEY = 'site_e2e_cmp1';

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
    consent: { enforce: true },
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

describe.each(['tcf', 'gcm', 'onetrust', 'cookiebot', 'osano'] as const)('%s adapter', (cmp) => {
  it('records only after the platform reports consent and stops when it is withdrawn', async () => {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      const from = server.requests.length;
      const veilPaths = () =>
        server.requests
          .slice(from)
          .filter((r) => `http://${r.host}` === server.veilOrigin)
          .map((r) => r.path);
      const cmpTest = (action: 'grant' | 'deny') =>
        page.evaluate(
          (a) => (window as unknown as { cmpTest: Record<string, () => void> }).cmpTest[a]!(),
          action,
        );

      await page.goto(`${server.pageOrigin}/pages/consent-cmp.html?cmp=${cmp}`);
      await waitFor(() => veilPaths().includes('/r/v1/cmp.js'), 'the adapters chunk');
      await page.locator('#act').click();
      await page.waitForTimeout(400);
      // Before consent: the loader and the adapters, nothing stored, no cookie.
      expect(veilPaths()).toEqual(['/r/v1/loader.js', '/r/v1/cmp.js']);
      expect(await storage(page)).toEqual(EMPTY);
      expect(await context.cookies()).toEqual([]);

      await cmpTest('grant');
      const grants = () =>
        server.consentRegistrations().filter((r) => r.source === cmp && r.decision === 'granted');
      await waitFor(() => grants().length === 1, 'the grant receipt');
      const receiptId = grants()[0]!.receiptId;
      await page.locator('#act').click();
      await page.evaluate(() => (window as unknown as { veil: (...a: unknown[]) => void }).veil('flush'));
      const mine = () => server.batches().filter((b) => b.batch.consentReceiptId === receiptId);
      await waitFor(() => mine().some((b) => b.request.status === 202), 'an accepted batch');
      // The receipt was registered before the first batch left, so the server accepted them all.
      expect(mine().every((b) => b.request.status === 202)).toBe(true);
      expect(grants()[0]).toMatchObject({
        granted: ['analytics'],
        denied: [],
        visitorId: mine()[0]!.batch.visitorId,
      });

      await cmpTest('deny');
      const withdrawnAt = Date.now();
      await waitFor(
        () =>
          server.consentRegistrations().some((r) => r.decision === 'withdrawn' && r.receiptId === receiptId),
        'the withdrawal receipt',
      );
      expect(await storage(page)).toEqual(EMPTY);
      await page.locator('#act').click();
      await page.mouse.move(30, 200);
      await page.waitForTimeout(1_500);
      const late = server.requests
        .slice(from)
        .filter((r) => r.path === '/ingest/v1/batch' && r.at > withdrawnAt + 1_000);
      expect(late).toEqual([]);
      expect(await storage(page)).toEqual(EMPTY);
    } finally {
      await context.close();
    }
  });
});
