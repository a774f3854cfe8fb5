import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  DEFAULT_PRIVACY_POLICY,
  EventType,
  IncrementalSource,
  MASKED_INPUT_VALUE,
  VeilCustomTag,
} from '@veil/core';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../../../test/support/browser.js';
import { type CapturedBatch, startVeilTestServer, type VeilTestServer } from './support/veilTestServer.js';

// Real headless Chromium against the built bundles; the "server" is a plain node:http listener
// that captures the raw bytes of every request. Pages live on http://localhost:PORT, Veil on
// http://127.0.0.1:PORT: the recorder works cross-origin, as it does on a customer's site.

const here = dirname(fileURLToPath(import.meta.url));
const recorderDir = join(here, '../..');
const SITE_KEY = 'site_e2e_0001';

/** Planted personal data: none of it may appear in any byte the browser sends. */
const TYPED = {
  email: 'alice.typed@example.com',
  password: 'Hunter2-Secret!',
  note: 'diabetes type 2, HIV+',
};
const PLANTED = [
  TYPED.email,
  'alice.typed',
  TYPED.password,
  'Hunter2',
  'diabetes',
  'HIV+',
  'HIDDEN-TOKEN-7f3a9c', // hidden input value
  '4111 1111 1111 1111', // card number in a text node
  '4111111111111111',
  '1HGCM82633A004352', // VIN in a veil-block element
  'jane.roe@example.org', // email in an .fs-mask span
  'jane.roe',
  'QUERYSECRET', // query string of the page URL
  'frag-secret', // fragment of the page URL
];

let browser: Browser;
let server: VeilTestServer;
const policyOverrides: Record<string, unknown> = {};

const ingest = () => server.requests.filter((r) => r.path === '/ingest/v1/batch');
/** Requests to the Veil host (the pages are served from another origin of the same server). */
const veilRequests = (from = 0) =>
  server.requests.slice(from).filter((r) => `http://${r.host}` === server.veilOrigin);

async function waitFor(check: () => boolean, what: string, timeoutMs = 8_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function storageSnapshot(page: Page) {
  return page.evaluate(async () => ({
    local: Object.keys(localStorage),
    session: Object.keys(sessionStorage),
    idb: (await indexedDB.databases()).map((d) => d.name),
    cookie: document.cookie,
  }));
}

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
      policy: { ...DEFAULT_PRIVACY_POLICY, samplingPercent: 100, ...policyOverrides },
    }),
  });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('recorder in Chromium (consent mode)', () => {
  let context: BrowserContext;
  let page: Page;
  const browserRequests: string[] = [];

  beforeAll(async () => {
    context = await browser.newContext();
    page = await context.newPage();
    page.on('request', (r) => browserRequests.push(r.url()));
  });
  afterAll(() => context?.close());

  it('does nothing before consent: only loader.js is fetched, no storage is written', async () => {
    await page.goto(`${server.pageOrigin}/pages/checkout.html?reset_token=QUERYSECRET#frag-secret`);
    await page.waitForFunction(() => (window as { veil?: { loaded?: boolean } }).veil?.loaded === true);
    await page.locator('#email').pressSequentially('pre-consent@example.com');
    await page.mouse.move(40, 40);
    // Commands before consent wait in memory; they are sent only once recording starts.
    await page.evaluate(() => {
      const veil = (window as unknown as { veil: (...a: unknown[]) => void }).veil;
      veil('identify', 'user-42');
      veil('tag', 'plan', 'pro');
    });
    await page.waitForTimeout(1_000);

    expect(veilRequests().map((r) => r.path)).toEqual(['/r/v1/loader.js']);
    expect(browserRequests.filter((u) => u.startsWith(server.veilOrigin))).toEqual([
      `${server.veilOrigin}/r/v1/loader.js`,
    ]);
    expect(await storageSnapshot(page)).toEqual({ local: [], session: [], idb: [], cookie: '' });
    expect(await context.cookies()).toEqual([]);
  });

  it('after consent sends gzip batches with increasing seq that decode to rrweb events', async () => {
    await page.evaluate(() =>
      (window as unknown as { veil: (...a: unknown[]) => void }).veil('consent', { analytics: true }),
    );
    await waitFor(
      () => ingest().length >= 1 || server.requests.some((r) => r.path === '/r/v1/recorder.js'),
      'recorder',
    );
    await page.locator('#email').fill('');
    await page.locator('#email').pressSequentially(TYPED.email);
    await page.locator('#password').pressSequentially(TYPED.password);
    await page.locator('#note').pressSequentially(TYPED.note);
    await page.locator('h1').click();
    await page.evaluate(() => (window as unknown as { veil: (...a: unknown[]) => void }).veil('flush'));
    await waitFor(() => ingest().length >= 1, 'a first batch');
    await page.mouse.move(200, 150);
    await page.locator('#card').click(); // rrweb emits clicks at once (mouse moves are throttled)
    await page.evaluate(() => (window as unknown as { veil: (...a: unknown[]) => void }).veil('flush'));
    await waitFor(() => ingest().length >= 2, 'a second batch');

    const batches = server.batches();
    expect(batches.every((b) => b.gzip)).toBe(true);
    expect(batches.every((b) => b.request.contentType.startsWith('text/plain'))).toBe(true);
    expect(server.requests.some((r) => r.method === 'OPTIONS')).toBe(false); // no CORS preflight
    const seqs = batches.map((b) => b.batch.seq);
    expect(seqs[0]).toBe(0);
    for (let i = 1; i < seqs.length; i++) expect(seqs[i]).toBeGreaterThan(seqs[i - 1]!);
    expect(new Set(batches.map((b) => b.batch.sessionId)).size).toBe(1);
    expect(batches[0]!.batch.sessionId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(batches[0]!.batch.visitorId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(batches[0]!.batch.consentReceiptId).toMatch(/^[A-Za-z0-9_-]{22}$/);

    const events = batches.flatMap((b) => b.batch.events);
    expect(events.some((e) => e.type === EventType.FullSnapshot)).toBe(true);
    const meta = events.find((e) => e.type === EventType.Meta);
    expect(meta?.data.href).toBe(`${server.pageOrigin}/pages/checkout.html`);
    const pageView = events.find((e) => e.type === EventType.Custom && e.data.tag === 'veil.pageview');
    expect(pageView?.data.payload).toEqual({
      url: `${server.pageOrigin}/pages/checkout.html`,
      title: 'Checkout',
    });
    const custom = events.filter((e) => e.type === EventType.Custom).map((e) => e.data);
    expect(custom).toContainEqual({ tag: 'veil.identify', payload: { userId: 'user-42' } });
    expect(custom).toContainEqual({ tag: 'veil.tag', payload: { key: 'plan', value: 'pro' } });
  });

  it('sends none of the planted personal data; typed values are the fixed mask', async () => {
    const batches = server.batches();
    // Positive controls: the page itself was captured, so the absence below means something.
    const all = batches.map((b) => b.text).join('\n');
    expect(all).toContain('"textContent":"Checkout"');
    expect(all).toContain('Card on file: **** **** **** ****');
    expect(all).toMatch(/"class":"veil-block","rr_width":"\d+px","rr_height":"\d+px"\},"childNodes":\[\]/);
    for (const value of PLANTED) {
      for (const b of batches) {
        expect(b.request.raw.includes(Buffer.from(value)), `${value} in raw bytes`).toBe(false);
        expect(b.text.includes(value), `${value} in decoded batch ${b.batch.seq}`).toBe(false);
      }
    }
    const inputs = batches
      .flatMap((b) => b.batch.events)
      .filter((e) => e.type === EventType.IncrementalSnapshot && e.data.source === IncrementalSource.Input);
    expect(inputs.length).toBeGreaterThanOrEqual(3);
    for (const e of inputs) expect([MASKED_INPUT_VALUE, '']).toContain(e.data.text);
    expect(inputs.some((e) => e.data.text === MASKED_INPUT_VALUE)).toBe(true);
  });

  it('keeps the session id and continues seq on the next page', async () => {
    const before = server.batches();
    const sessionId = before[0]!.batch.sessionId;
    const lastSeq = Math.max(...before.map((b) => b.batch.seq));
    const stored = await page.evaluate(() => sessionStorage.getItem('veil:session'));
    expect(JSON.parse(stored!).id).toBe(sessionId);

    await page.mouse.move(60, 60);
    await page.click('#next');
    await page.waitForURL('**/pages/thanks.html');
    // A second copy of the loader on the same page stands down.
    const sameVeil = await page.evaluate(async (src) => {
      const w = window as unknown as { veil: { loaded?: boolean } };
      while (!w.veil.loaded) await new Promise((r) => setTimeout(r, 20));
      const first = w.veil;
      const again = document.createElement('script');
      again.src = src;
      again.dataset.site = 'site_e2e_0001';
      await new Promise((r) => {
        again.onload = r;
        document.head.append(again);
      });
      return w.veil === first;
    }, `${server.veilOrigin}/r/v1/loader.js`);
    expect(sameVeil).toBe(true);
    await page.evaluate(() =>
      (window as unknown as { veil: (...a: unknown[]) => void }).veil('consent', { analytics: true }),
    );
    await page.click('#again');
    await page.evaluate(() => (window as unknown as { veil: (...a: unknown[]) => void }).veil('flush'));
    const thanksHref = `${server.pageOrigin}/pages/thanks.html`;
    const isSecondPageStart = (b: CapturedBatch) =>
      b.batch.events.some((e) => e.type === EventType.Meta && e.data.href === thanksHref);
    await waitFor(() => server.batches().some(isSecondPageStart), "the second page's first batch");

    const after = server.batches().slice(before.length);
    expect(after.every((b) => b.batch.sessionId === sessionId)).toBe(true);
    // The first page ended with a final batch (sendBeacon, plain JSON: no time to compress).
    const final = after.find((b) => b.batch.final === true);
    expect(final?.gzip).toBe(false);
    expect(final!.batch.seq).toBeGreaterThan(lastSeq);
    const secondStart = after.find(isSecondPageStart)!;
    expect(secondStart.batch.seq).toBeGreaterThan(final!.batch.seq);
    expect(
      secondStart.batch.events.filter((e) => e.type === EventType.Custom && e.data.tag === 'veil.pageview'),
    ).toHaveLength(1);
    // A seq is never reused for different content (a resent batch is byte-identical JSON).
    const bySeq = new Map<number, Set<string>>();
    for (const b of server.batches())
      bySeq.set(b.batch.seq, (bySeq.get(b.batch.seq) ?? new Set()).add(b.text));
    for (const texts of bySeq.values()) expect(texts.size).toBe(1);
    expect(JSON.parse((await page.evaluate(() => sessionStorage.getItem('veil:session')))!).id).toBe(
      sessionId,
    );
  });

  it('stops within 1 s of consent withdrawal and clears what it stored', async () => {
    await page.evaluate(() =>
      (window as unknown as { veil: (...a: unknown[]) => void }).veil('consent', { analytics: false }),
    );
    const withdrawnAt = Date.now();
    await page.mouse.move(10, 300);
    await page.click('#again');
    await page.evaluate(() => (window as unknown as { veil: (...a: unknown[]) => void }).veil('flush'));
    // Longer than the 5 s flush interval: a recorder still running would have sent a batch.
    await page.waitForTimeout(6_000);
    expect(ingest().filter((r) => r.at > withdrawnAt + 1_000)).toEqual([]);
    expect(await storageSnapshot(page)).toEqual({ local: [], session: [], idb: [], cookie: '' });
    expect(await context.cookies()).toEqual([]);
  });
});

describe('recorder in Chromium with Global Privacy Control', () => {
  it('fetches nothing beyond the loader, even after consent', async () => {
    const context = await browser.newContext();
    try {
      await context.addInitScript(() => {
        Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', {
          get: () => true,
          configurable: true,
        });
      });
      const page = await context.newPage();
      const seen: string[] = [];
      page.on('request', (r) => seen.push(r.url()));
      const from = server.requests.length;
      await page.goto(`${server.pageOrigin}/pages/checkout.html`);
      await page.waitForFunction(() => (window as { veil?: { loaded?: boolean } }).veil?.loaded === true);
      await page.evaluate(() =>
        (window as unknown as { veil: (...a: unknown[]) => void }).veil('consent', { analytics: true }),
      );
      await page.mouse.move(100, 100);
      await page.waitForTimeout(1_500);
      expect(veilRequests(from).map((r) => r.path)).toEqual(['/r/v1/loader.js']);
      expect(seen.filter((u) => u.startsWith(server.veilOrigin))).toEqual([
        `${server.veilOrigin}/r/v1/loader.js`,
      ]);
      expect(await storageSnapshot(page)).toEqual({ local: [], session: [], idb: [], cookie: '' });
    } finally {
      await context.close();
    }
  });
});

describe('recorder in Chromium on a document still loading', () => {
  // A cached recorder chunk on a long or slowly streamed page runs before DOMContentLoaded. rrweb
  // then waits for the document, and refused the recorder's first custom event until it had its
  // snapshot: boot failed and the page was never recorded (replay-untrusted, CI stop 22).
  it('records the page once it is parsed, with its page view after the first snapshot', async () => {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      const from = server.batches().length;
      await page.goto(`${server.pageOrigin}/pages/loading.html`, { waitUntil: 'commit' });
      await waitFor(
        () => server.requests.some((r) => r.path === '/r/v1/recorder.js'),
        'the recorder chunk requested',
      );
      // The chunk ran (it registers veil.chunk) while the rest of the document is still held.
      await page.waitForFunction(
        () => typeof (window as { veil?: { chunk?: unknown } }).veil?.chunk === 'function',
      );
      expect(await page.evaluate(() => document.readyState)).toBe('loading');
      server.releaseHeld();
      await page.waitForFunction(() => document.readyState === 'complete');
      await page.evaluate(() => (window as unknown as { veil: (...a: unknown[]) => void }).veil('flush'));
      await waitFor(() => server.batches().length > from, 'a batch of the page');
      const events = server
        .batches()
        .slice(from)
        .flatMap((b) => b.batch.events);
      const snapshot = events.findIndex((e) => e.type === EventType.FullSnapshot);
      expect(snapshot).toBeGreaterThanOrEqual(0);
      expect(JSON.stringify(events[snapshot])).toContain('The part that arrived after the recorder started');
      const pageView = events.findIndex(
        (e) => e.type === EventType.Custom && (e.data as { tag?: string }).tag === VeilCustomTag.PageView,
      );
      expect(pageView).toBeGreaterThan(snapshot);
    } finally {
      await context.close();
    }
  });
});
