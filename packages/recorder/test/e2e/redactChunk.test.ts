import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_PRIVACY_POLICY, EventType } from '@veil/core';
import type { Browser, BrowserContext, Page, Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../../../test/support/browser.js';
import { eventually } from '../../../../test/support/waitFor.js';
import { startVeilTestServer, type VeilTestServer } from './support/veilTestServer.js';

// Core's redaction walk is the lazily loaded `redact.js` chunk: until it has arrived the recorder
// holds every event in memory, and when it cannot load the recorder sends nothing (fails closed).
// The stand-in server captures every byte the browser sends; Playwright holds or refuses the
// chunk's response.

const here = dirname(fileURLToPath(import.meta.url));
const recorderDir = join(here, '../..');
const SITE_KEY = 'site_lazyredact_01';
/** In the page before the chunk arrives, and added while it is on its way: only the walk masks them. */
const PLANTED = [
  'early.person@example.org',
  'early.person%40example.org',
  'late.person@example.org',
  '4111 1111 1111 1111',
];

let browser: Browser;
let server: VeilTestServer;

const ingest = (from: number) => server.requests.slice(from).filter((r) => r.path === '/ingest/v1/batch');
const flush = (page: Page) =>
  page.evaluate(() => (window as unknown as { veil: (...a: unknown[]) => void }).veil('flush'));
/** Adds an element whose attributes hold personal data (a DOM mutation rrweb records). */
const plantLate = (page: Page) =>
  page.evaluate(() => {
    const p = document.createElement('p');
    p.id = 'late';
    p.title = 'Card 4111 1111 1111 1111 of late.person@example.org';
    p.textContent = 'Added later';
    document.body.append(p);
  });
const storedText = (page: Page) =>
  page.evaluate(() => JSON.stringify({ ...localStorage, ...sessionStorage }));

beforeAll(async () => {
  execFileSync(process.execPath, ['build.mjs'], { cwd: recorderDir, stdio: 'pipe' });
  server = await startVeilTestServer({
    distDir: join(recorderDir, 'dist'),
    pagesDir: join(here, 'pages'),
    siteKey: SITE_KEY,
    config: () => ({
      siteKey: SITE_KEY,
      lawfulBasis: 'legitimate_interest',
      samplingPercent: 100,
      policy: { ...DEFAULT_PRIVACY_POLICY, lawfulBasis: 'legitimate_interest', samplingPercent: 100 },
    }),
  });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('redact.js arrives late', () => {
  let context: BrowserContext;
  afterAll(() => context?.close());

  it('holds the events until it arrives, then sends them redacted, in order, from seq 0', async () => {
    const from = server.requests.length;
    context = await browser.newContext();
    const held: Route[] = [];
    await context.route('**/r/v1/redact.js', (route) => {
      held.push(route);
    });
    const page = await context.newPage();
    await page.goto(`${server.pageOrigin}/pages/lazy-redact.html`);
    // recorder.js asks for redact.js in the same task that starts rrweb: the page is recording.
    await eventually(() => (held.length === 1 ? true : undefined), 'the redact.js request');
    await plantLate(page);
    await page.locator('#again').click();
    await flush(page);
    // Every event of the page waits in memory: no batch left, none was stored.
    expect(ingest(from)).toEqual([]);
    const stored = await storedText(page);
    for (const value of PLANTED) expect(stored.includes(value), `${value} in storage`).toBe(false);

    const releasedAt = Date.now();
    await held[0]!.continue();
    await flush(page);
    const batches = await eventually(() => {
      const b = server.batches().filter((x) => ingest(from).includes(x.request));
      const events = b.flatMap((x) => x.batch.events);
      return events.some((e) => JSON.stringify(e).includes('Added later')) ? b : undefined;
    }, 'the held events, redacted');
    expect(ingest(from).every((r) => r.at >= releasedAt)).toBe(true);
    for (const b of batches) {
      for (const value of PLANTED) {
        expect(b.request.raw.includes(Buffer.from(value)), `${value} in raw bytes`).toBe(false);
        expect(b.text.includes(value), `${value} in batch ${b.batch.seq}`).toBe(false);
      }
    }
    // The events held before it arrived, in the order they were recorded, in the first batch.
    expect(batches[0]!.batch.seq).toBe(0);
    const events = batches.flatMap((b) => b.batch.events);
    const kinds = events.map((e) => e.type);
    expect(kinds.indexOf(EventType.Meta)).toBeGreaterThanOrEqual(0);
    expect(kinds.indexOf(EventType.Meta)).toBeLessThan(kinds.indexOf(EventType.FullSnapshot));
    const snapshotAt = kinds.indexOf(EventType.FullSnapshot);
    const lateAt = events.findIndex((e) => JSON.stringify(e).includes('Added later'));
    expect(lateAt).toBeGreaterThan(snapshotAt);
    const rrwebTimes = events.filter((e) => e.type !== EventType.Custom).map((e) => e.timestamp);
    expect(rrwebTimes).toEqual([...rrwebTimes].sort((a, b) => a - b));
    // Positive controls: the page and the planted element were recorded, their text masked.
    const all = batches.map((b) => b.text).join('\n');
    expect(all).toContain('"textContent":"Account"');
    expect(all).toContain('"id":"mail"');
    expect(all).toContain('"id":"late"');
  });
});

describe('redact.js does not load', () => {
  let context: BrowserContext;
  afterAll(() => context?.close());

  it('sends nothing of the page view and stores nothing of it; the next page records', async () => {
    context = await browser.newContext();
    let refuse = true;
    const requested: string[] = [];
    await context.route('**/r/v1/redact.js', (route) => {
      requested.push(route.request().frame().url());
      return refuse ? route.abort() : route.continue();
    });
    const page = await context.newPage();
    const reported = page.waitForEvent('console', {
      predicate: (m) => m.text().includes('[veil] redact') && m.text().includes('redact.js did not load'),
    });
    await page.goto(`${server.pageOrigin}/pages/lazy-redact.html`);
    await reported;
    await plantLate(page);
    await page.locator('#again').click();
    await flush(page);
    expect(await storedText(page)).not.toContain('person@example.org');
    // The next page of the tab gets the chunk: its first batch arrives after anything this page
    // could still have sent at pagehide.
    refuse = false;
    await page.goto(`${server.pageOrigin}/pages/lazy-redact-next.html`);
    const sessionId = await page.evaluate(
      () => JSON.parse(sessionStorage.getItem('veil:session') ?? '{}').id,
    );
    const ofSession = () => server.batches().filter((b) => b.batch.sessionId === sessionId);
    await flush(page);
    const batches = await eventually(
      () => (ofSession().some((b) => b.text.includes('"textContent":"Next step"')) ? ofSession() : undefined),
      'the next page’s first batch',
    );
    expect(requested).toEqual([
      `${server.pageOrigin}/pages/lazy-redact.html`,
      `${server.pageOrigin}/pages/lazy-redact-next.html`,
    ]);
    expect(batches[0]!.batch.seq).toBe(0);
    const all = batches.map((b) => b.text).join('\n');
    expect(all).not.toContain('/pages/lazy-redact.html');
    expect(all).not.toContain('"textContent":"Account"');
    expect(all).not.toContain('Added later');
    for (const b of batches) {
      for (const value of PLANTED) expect(b.request.raw.includes(Buffer.from(value)), value).toBe(false);
    }
  });
});
