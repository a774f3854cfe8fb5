import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  DEFAULT_PRIVACY_POLICY,
  EventType,
  HeatmapTag,
  isTextFree,
  parseHeatmapEvent,
  type SerializedNodeLike,
} from '@veil/core';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../../../../test/support/browser.js';
import { ensureRecorderBuilt, recorderDir } from '../support/recorderBuild.js';
import { startVeilTestServer, type VeilTestServer } from '../support/veilTestServer.js';

// Heatmap capture in real Chromium against the built recorder: every click at a known position
// comes out with the right element path, relative and page position, and rage and dead flags;
// heatmap-only capture sends heatmap events and a text-free layout, nothing replayable.

const here = dirname(fileURLToPath(import.meta.url));
const SITE_KEY = 'site_e2e_heat1';

let browser: Browser;
let server: VeilTestServer;
let policy: Record<string, unknown> = {};

type Veil = (...a: unknown[]) => void;
const veil = (page: Page, ...args: unknown[]) =>
  page.evaluate((a) => (window as unknown as { veil: Veil }).veil(...a), args);

async function waitFor(check: () => boolean, what: string, timeoutMs = 8_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Asks the page's recorder to send what it holds (`veil('flush')`) until `check` holds: what the
 * recorder has emitted arrives without waiting for its batch interval.
 */
async function flushUntil(page: Page, check: () => boolean, what: string, timeoutMs = 8_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await veil(page, 'flush').catch(() => undefined); // a navigating page: ask the next one
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Scrolls the page to `y` and returns once the scroll event has been dispatched (to the recorder too). */
const scrollTo = (page: Page, y: number) =>
  page.evaluate(
    (top) =>
      new Promise<void>((resolve) => {
        if (window.scrollY === top) return resolve();
        window.addEventListener('scroll', () => resolve(), { once: true });
        window.scrollTo(0, top);
      }),
    y,
  );

const events = (from = 0) =>
  server
    .batches()
    .slice(from)
    .flatMap((b) => b.batch.events);
const heatmapEvents = (from = 0) =>
  events(from)
    .map((e) => parseHeatmapEvent(e))
    .filter((e) => e !== null && e !== 'invalid');
const clicksOf = (from = 0) =>
  heatmapEvents(from).flatMap((e) => (e.tag === HeatmapTag.Click ? [e.payload] : []));

async function openConsented(context: BrowserContext, path: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${server.pageOrigin}${path}`);
  await page.waitForFunction(() => (window as { veil?: { loaded?: boolean } }).veil?.loaded === true);
  const before = server.batches().length;
  await veil(page, 'consent', { analytics: true });
  // Recording: the first batch of this page (asked for, not waited for by the batch interval).
  await flushUntil(page, () => server.batches().length > before, 'recording', 8_000).catch(() => undefined);
  await page.waitForFunction(() => sessionStorage.getItem('veil:segment') !== null);
  return page;
}

beforeAll(async () => {
  ensureRecorderBuilt();
  server = await startVeilTestServer({
    distDir: join(recorderDir, 'dist'),
    pagesDir: join(here, '..', 'pages'),
    siteKey: SITE_KEY,
    config: () => ({
      siteKey: SITE_KEY,
      lawfulBasis: 'consent',
      samplingPercent: 100,
      policy: { ...DEFAULT_PRIVACY_POLICY, samplingPercent: 100, ...policy },
    }),
  });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('heatmap capture beside the replay', () => {
  let context: BrowserContext;
  let page: Page;
  let from = 0;

  beforeAll(async () => {
    policy = {};
    from = server.batches().length;
    context = await browser.newContext({ viewport: { width: 1000, height: 700 } });
    page = await openConsented(context, '/pages/heatmap-clicks.html');
  });
  afterAll(() => context?.close());

  it('records each click with its element path, position in the element and on the page, and flags', async () => {
    const m = page.mouse;
    // A keyboard activation (Enter on a focused button) is no click: no position to draw.
    await page.focus('#live');
    await page.keyboard.press('Enter');
    await m.click(110, 110); // #live at (10, 10) of 200×50: the DOM changes
    await m.click(500, 125); // #slow answers after 400 ms
    // A response answers every click still waiting: a dead click needs a quiet window, after
    // #slow's answer.
    await page.waitForSelector('#slow.done');
    await m.click(150, 240); // #dead (a pointer cursor, nothing happens)
    // Its window passes quietly: the recorder emits a click only once its window has passed.
    await flushUntil(page, () => clicksOf(from).some((c) => c.el === 'span#dead'), "#dead's window");
    await m.click(500, 225); // #late answers after 3.5 s: too late
    for (let i = 0; i < 4; i++) await m.click(790 + i * 4, 120, { delay: 20 }); // rage, and dead
    await m.click(720, 220); // the svg inside #icon
    await m.click(150, 320); // inside the blocked box
    await m.click(420, 310); // the label: its forwarded click on the input is not a second click
    await m.click(710, 320); // the input: a field
    // Each click leaves once its window has passed.
    await flushUntil(page, () => clicksOf(from).length >= 12, '12 clicks');
    const clicks = clicksOf(from);
    expect(clicks).toHaveLength(12);
    const [live, slow, dead, late, r1, r2, r3, r4, icon, blocked, label, field] = clicks;
    expect(live).toMatchObject({
      path: '/pages/heatmap-clicks.html',
      el: 'button#live',
      rx: 0.05,
      ry: 0.2,
      x: 110,
      y: 110,
      vw: 1000,
      vh: 700,
      dw: 1000,
      rage: false,
      dead: false,
    });
    expect(live!.dh).toBeGreaterThanOrEqual(3000);
    expect(dead).toMatchObject({ el: 'span#dead', rx: 0.25, ry: 0.8, dead: true, rage: false });
    expect(slow).toMatchObject({ el: 'button#slow', dead: false });
    expect(late).toMatchObject({ el: 'button#late', dead: true });
    for (const r of [r1, r2, r3, r4]) expect(r).toMatchObject({ el: 'button#rage', rage: true, dead: true });
    expect(icon).toMatchObject({ el: 'button#icon', rage: false });
    expect(blocked).toMatchObject({ el: 'main#main>div:nth-of-type(1)', rx: 0.25, ry: 0.4 });
    expect(label).toMatchObject({ el: 'label#field-label', dead: false });
    expect(field).toMatchObject({ el: 'input#field', dead: false });
    // Text-free: nothing of the page's text travels in heatmap events.
    const json = JSON.stringify(heatmapEvents(from));
    for (const planted of ['PLANTED', 'Plantedname', 'Secret']) expect(json).not.toContain(planted);
  });

  it('sends the page view context first, then scroll depth and attention when the page hides', async () => {
    await page.mouse.move(120, 120);
    await page.mouse.move(130, 125, { steps: 3 });
    await page.waitForTimeout(600);
    await page.mouse.move(500, 220);
    await page.waitForTimeout(300);
    await scrollTo(page, 1200);
    await scrollTo(page, 0);
    const before = server.batches().length;
    await page.mouse.click(150, 420); // #away: a real link navigates, never dead
    await page.waitForURL('**/pages/heatmap-other.html');
    await waitFor(
      () =>
        server.batches().length > before && heatmapEvents(before).some((e) => e.tag === HeatmapTag.Scroll),
      'scroll depth',
    );
    const all = heatmapEvents(from);
    const view = all.find((e) => e.tag === HeatmapTag.View);
    expect(all[0]?.tag).toBe(HeatmapTag.View);
    expect(view?.payload).toMatchObject({
      path: '/pages/heatmap-clicks.html',
      mode: 'replay',
      ref: 'direct',
      nv: true,
      vw: 1000,
      vh: 700,
    });
    const scroll = all.find((e) => e.tag === HeatmapTag.Scroll);
    expect(scroll?.payload).toMatchObject({ path: '/pages/heatmap-clicks.html', vh: 700 });
    expect(scroll?.tag === HeatmapTag.Scroll && scroll.payload.pct).toBeGreaterThanOrEqual(60);
    const attention = all
      .filter((e) => e.tag === HeatmapTag.Attention)
      .flatMap((e) => (e.tag === HeatmapTag.Attention ? [e.payload] : []));
    const dwell = new Map<string, number>();
    for (const a of attention) for (const [el, ms] of a.els) dwell.set(el, (dwell.get(el) ?? 0) + ms);
    expect(dwell.get('button#live')).toBeGreaterThanOrEqual(500);
    expect(clicksOf(from).find((c) => c.el === 'a#away')).toMatchObject({ dead: false, y: 420 });
    // The next page of the session: a view with the same (returning-visitor-free) session facts.
    await flushUntil(
      page,
      () => heatmapEvents(from).filter((e) => e.tag === HeatmapTag.View).length >= 2,
      'second view',
    );
    const views = heatmapEvents(from).filter((e) => e.tag === HeatmapTag.View);
    expect(views[1]?.payload).toMatchObject({ path: '/pages/heatmap-other.html', nv: true, ref: 'direct' });
  });
});

describe('heatmap-only capture', () => {
  let context: BrowserContext;
  let page: Page;
  let from = 0;

  beforeAll(async () => {
    policy = { heatmapOnlyPages: ['/pages/heatmap-clicks.html'] };
    from = server.batches().length;
    context = await browser.newContext({ viewport: { width: 390, height: 800 } });
    page = await openConsented(context, '/pages/heatmap-clicks.html');
  });
  afterAll(() => context?.close());

  it('sends heatmap events and one text-free layout, and nothing replayable', async () => {
    await veil(page, 'tag', 'plan', 'pro');
    await veil(page, 'identify', 'user-42');
    await page.mouse.click(110, 110);
    // The click leaves once its dead-click window has passed.
    await flushUntil(page, () => clicksOf(from).length >= 1, 'a click');
    const all = events(from);
    expect(all.length).toBeGreaterThan(0);
    // No snapshot, no incremental DOM events, no page view with a title, no identity.
    expect(all.every((e) => e.type === EventType.Custom)).toBe(true);
    const tags = all.map((e) => String(e.data.tag));
    expect(tags.every((t) => t.startsWith('veil.hm.') || t === 'veil.tag')).toBe(true);
    expect(tags).toContain('veil.tag');
    expect(tags).not.toContain('veil.identify');
    expect(tags).not.toContain('veil.pageview');
    const hm = heatmapEvents(from);
    expect(hm.find((e) => e.tag === HeatmapTag.View)?.payload).toMatchObject({ mode: 'heatmap', vw: 390 });
    const layouts = hm.filter((e) => e.tag === HeatmapTag.Layout);
    expect(layouts).toHaveLength(1);
    const node = layouts[0]!.payload.node as SerializedNodeLike;
    expect(isTextFree(node)).toBe(true);
    const layoutJson = JSON.stringify(node);
    expect(layoutJson).toContain('"id":"live"'); // element paths can find their elements
    for (const planted of [
      'PLANTED',
      'Plantedname',
      'Jane',
      'Secret',
      '/pages/heatmap-other.html',
      'user-42',
    ]) {
      expect(
        server
          .batches()
          .slice(from)
          .some((b) => b.text.includes(planted)),
        planted,
      ).toBe(false);
    }
    expect(clicksOf(from)[0]).toMatchObject({ el: 'button#live', rx: 0.05, ry: 0.2, vw: 390 });
  });
});

describe('heatmap-only capture when the layout chunk does not load', () => {
  let context: BrowserContext;
  let from = 0;

  afterAll(() => context?.close());

  it('still sends heatmap events, no layout, and nothing replayable', async () => {
    policy = { heatmapOnlyPages: ['/pages/heatmap-clicks.html'] };
    from = server.batches().length;
    context = await browser.newContext({ viewport: { width: 390, height: 800 } });
    // layout.js (core's textFreeSnapshot) is a chunk of its own, fetched only on heatmap-only pages.
    const layoutRequests: string[] = [];
    await context.route('**/r/v1/layout.js', (route) => {
      layoutRequests.push(route.request().url());
      return route.abort();
    });
    const page = await openConsented(context, '/pages/heatmap-clicks.html');
    await page.mouse.click(110, 110);
    await flushUntil(page, () => clicksOf(from).length >= 1, 'a click');
    expect(layoutRequests).toHaveLength(1);
    const all = events(from);
    expect(all.every((e) => e.type === EventType.Custom)).toBe(true);
    const hm = heatmapEvents(from);
    expect(hm.find((e) => e.tag === HeatmapTag.View)?.payload).toMatchObject({ mode: 'heatmap' });
    // Without textFreeSnapshot the serialised page is never sent as it is.
    expect(hm.filter((e) => e.tag === HeatmapTag.Layout)).toHaveLength(0);
    expect(all.some((e) => JSON.stringify(e).includes('PLANTED'))).toBe(false);
  });
});
