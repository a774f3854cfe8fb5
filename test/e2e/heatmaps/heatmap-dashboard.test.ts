/**
 * The dashboard's heatmap screen in real Chromium, as an analyst: the page's text-free layout
 * rebuilt in a script-less sandbox, the overlay drawn on it, the ranked element table linked to
 * the overlay and operable by keyboard, modes, comparing two segments, PNG and CSV export.
 */
import { readFile } from 'node:fs/promises';
import {
  bucketsContainingDay,
  EventType,
  HeatmapTag,
  MS_PER_DAY,
  NodeType,
  type ParsedHeatmapEvent,
  parseHeatmapEvent,
  parsePrivacyPolicy,
  type RecordedEvent,
  segmentKeysOf,
  utcDay,
} from '@veil/core';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectDeltas, targetsOf } from '../../../packages/server/src/heatmap/heatmapDeltas.js';
import { SeenSet } from '../../../packages/server/src/heatmap/seenSet.js';
import type { SiteRecord } from '../../../packages/server/src/storage/sites/SiteRepository.js';
import { launchChromium } from '../../support/browser.js';
import { createUser, signInWithPassword } from '../../support/dashboard.js';
import { DESKTOP_CHROME_UA, startVeil, type Veil } from './support.js';

const ORIGIN = 'https://shop.example';
const ANALYST = { email: 'analyst@heatmaps.e2e', password: 'analyst-Heatmaps-e2e-1' };
const PLANTED = 'Zelda Plantedname';

let veil: Veil;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let site: SiteRecord;

/** A small page: a heading with a name in it, a buy button, a help link. */
function layoutNode() {
  const el = (
    id: number,
    tagName: string,
    attributes: Record<string, string>,
    childNodes: unknown[] = [],
  ) => ({
    type: NodeType.Element,
    id,
    tagName,
    attributes,
    childNodes,
  });
  const text = (id: number, textContent: string) => ({ type: NodeType.Text, id, textContent });
  return {
    type: NodeType.Document,
    id: 1,
    childNodes: [
      el(2, 'html', {}, [
        el(3, 'head', {}, [
          el(4, 'style', {}, [
            {
              ...text(5, 'body{margin:0;height:1600px} .at{position:absolute;width:200px;height:50px}'),
              isStyle: true,
            },
          ]),
        ]),
        el(6, 'body', {}, [
          el(7, 'main', { id: 'main' }, [
            el(8, 'h1', {}, [text(9, `Order of ${PLANTED}`)]),
            el(10, 'button', { id: 'buy', class: 'at', style: 'left:100px;top:100px' }, [
              text(11, 'Buy now'),
            ]),
            el(12, 'a', { id: 'help', class: 'at', href: '/help', style: 'left:400px;top:300px' }, [
              text(13, 'Help'),
            ]),
          ]),
        ]),
      ]),
    ],
  };
}

async function ingest(sessionId: string, seq: number, events: RecordedEvent[]): Promise<void> {
  const res = await fetch(`${veil.baseUrl}/ingest/v1/batch`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: ORIGIN, 'user-agent': DESKTOP_CHROME_UA },
    // One visitor per session: the minimum cohort counts visitors.
    body: JSON.stringify({
      v: 1,
      siteKey: site.siteKey,
      sessionId,
      visitorId: `visitor_${sessionId}`.slice(0, 64),
      seq,
      sentAt: Date.now(),
      events,
    }),
  });
  if (res.status !== 202) throw new Error(`ingest answered ${res.status}: ${await res.text()}`);
}

const custom = (timestamp: number, tag: string, payload: object): RecordedEvent => ({
  type: EventType.Custom,
  timestamp,
  data: { tag, payload },
});

/** Sessions on /orders/<n>: new visitors click the buy button, returning ones the help link too. */
async function seed(): Promise<void> {
  const t0 = Date.now() - 60_000;
  for (let s = 0; s < 6; s++) {
    const returning = s >= 3;
    const view = {
      path: `/orders/${100 + s}`,
      mode: 'replay',
      vw: 1280,
      vh: 800,
      dw: 1280,
      dh: 1600,
      ref: 'direct',
      nv: !returning,
    };
    const click = (t: number, el: string, x: number, y: number, rx: number, ry: number, rage = false) =>
      custom(t, HeatmapTag.Click, {
        path: view.path,
        el,
        rx,
        ry,
        x,
        y,
        vw: 1280,
        vh: 800,
        dw: 1280,
        dh: 1600,
        rage,
        dead: rage,
      });
    const events: RecordedEvent[] = [
      {
        type: EventType.Meta,
        timestamp: t0,
        data: { href: `${ORIGIN}${view.path}`, width: 1280, height: 800 },
      },
      {
        type: EventType.FullSnapshot,
        timestamp: t0 + 1,
        data: { node: layoutNode(), initialOffset: { top: 0, left: 0 } },
      },
      custom(t0 + 2, HeatmapTag.View, view),
      click(t0 + 500, 'main#main>button:nth-of-type(1)', 150, 120, 0.25, 0.4, returning),
      click(t0 + 1_400, 'main#main>button:nth-of-type(1)', 250, 130, 0.75, 0.6, returning),
      ...(returning ? [click(t0 + 2_300, 'a#help', 500, 325, 0.5, 0.5)] : []),
      custom(t0 + 3_000, HeatmapTag.Scroll, {
        path: view.path,
        vw: 1280,
        vh: 800,
        dh: 1600,
        pct: returning ? 100 : 60,
      }),
      custom(t0 + 3_500, HeatmapTag.Attention, {
        path: view.path,
        vw: 1280,
        cells: [[9, 7, 1_500]],
        els: [['main#main>button:nth-of-type(1)', 1_500]],
      }),
    ];
    await ingest(`sess_dash_${s}_${Date.now().toString(36)}`, 0, events);
  }
  // Two days ago, one visitor alone on the page (counted as ingest counts it): a quiet day below
  // the minimum cohort (2 here), left out of every heatmap of the period and named.
  const t = QUIET_DAY * MS_PER_DAY + 3_600_000;
  const path = '/orders/99';
  const deltas = collectDeltas(
    [
      custom(t, HeatmapTag.View, {
        path,
        mode: 'replay',
        vw: 1280,
        vh: 800,
        dw: 1280,
        dh: 1600,
        ref: 'direct',
        nv: true,
      }),
      custom(t + 500, HeatmapTag.Click, {
        ...{ path, el: 'a#help', rx: 0.5, ry: 0.5, x: 500, y: 325 },
        ...{ vw: 1280, vh: 800, dw: 1280, dh: 1600, rage: false, dead: false },
      }),
    ].map((e) => parseHeatmapEvent(e) as ParsedHeatmapEvent),
    { pagePatterns: [], seen: new SeenSet() },
  );
  const segments = segmentKeysOf({ visitor: 'new', referrer: 'direct', region: null, tags: [] });
  await veil.server.store.heatmaps.addAggregates(
    site.id,
    [{ deltas, targets: targetsOf('desktop', segments, bucketsContainingDay(QUIET_DAY)), visitorBit: 1 }],
    Date.now(),
  );
}

const QUIET_DAY = utcDay(Date.now()) - 2;

beforeAll(async () => {
  veil = await startVeil({ VEIL_DEMO: 'false' });
  const store = veil.server.store;
  site = await store.sites.create({
    siteKey: 'site_e2e_dashboard_hm',
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
  context = await browser.newContext({ viewport: { width: 1400, height: 1000 }, acceptDownloads: true });
  page = await context.newPage();
  await signInWithPassword(page, veil.baseUrl, ANALYST);
  await page.getByTestId('site-heatmaps-link').first().waitFor();
});
afterAll(async () => {
  await context?.close();
  await browser?.close();
  await veil?.close();
});

/** Painted pixels of a canvas inside a box (page coordinates of the rebuilt layout). */
async function paintedIn(
  canvasIndex: number,
  box: { x: number; y: number; w: number; h: number },
): Promise<number> {
  return page.evaluate(
    ({ canvasIndex, box }) => {
      const canvas = document.querySelectorAll('.heatmap-stage__page canvas')[
        canvasIndex
      ] as HTMLCanvasElement;
      const data = canvas.getContext('2d')!.getImageData(box.x, box.y, box.w, box.h).data;
      let n = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) n++;
      return n;
    },
    { canvasIndex, box },
  );
}

describe('heatmap screen', () => {
  it('rebuilds the text-free layout in a script-less sandbox and draws the clicks on it', async () => {
    await page.getByTestId('site-heatmaps-link').first().click();
    await expect.poll(() => page.getByTestId('heatmap-page-select').inputValue()).toBe('/orders/:id');
    const frame = page.locator('.heatmap-stage__frame iframe');
    await frame.waitFor();
    const sandbox = await frame.getAttribute('sandbox');
    expect(sandbox?.split(/\s+/)).not.toContain('allow-scripts');
    const inside = await frame.evaluate((f) => {
      const doc = (f as HTMLIFrameElement).contentDocument!;
      return {
        buy: doc.querySelector('#buy') !== null,
        text: doc.body.textContent ?? '',
        height: (f as HTMLIFrameElement).height,
      };
    });
    expect(inside.buy).toBe(true);
    expect(inside.text).not.toContain('Plantedname');
    expect(inside.text).toContain('***** ** ***** **********');
    await expect
      .poll(() => page.getByTestId('heatmap-summary').first().textContent())
      .toContain('6 sessions');
    // The quiet day is left out (the 6 sessions are today's) and named.
    const withheld = page.getByTestId('heatmap-withheld-days').first();
    await withheld.waitFor();
    expect(await withheld.textContent()).toContain(
      new Date(QUIET_DAY * MS_PER_DAY).toISOString().slice(0, 10),
    );
    expect(await withheld.textContent()).toContain('fewer than 2 distinct visitors');
    // Heat where the button is (100..300 × 100..150), none far from any click.
    await expect.poll(() => paintedIn(0, { x: 100, y: 100, w: 200, h: 50 })).toBeGreaterThan(500);
    expect(await paintedIn(0, { x: 900, y: 1_000, w: 200, h: 200 })).toBe(0);
  });

  it('ranks elements in a table that outlines them on the overlay, by keyboard too', async () => {
    const table = page.getByTestId('heatmap-element-table').first();
    const rows = table.locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(2);
    expect(await rows.nth(0).textContent()).toContain('12');
    const help = rows.nth(1).getByRole('button');
    await help.focus();
    await page.keyboard.press('Enter');
    expect(await help.getAttribute('aria-pressed')).toBe('true');
    // The highlight layer outlines the help link (400..600 × 300..350).
    await expect.poll(() => paintedIn(1, { x: 395, y: 295, w: 210, h: 60 })).toBeGreaterThan(100);
    expect(await paintedIn(1, { x: 100, y: 100, w: 200, h: 50 })).toBe(0);
  });

  it('switches modes: rage clicks, scroll depth, attention', async () => {
    await page.getByLabel('Rage clicks').check();
    await expect
      .poll(() => page.getByTestId('heatmap-element-table').first().locator('tbody tr').count())
      .toBe(1);
    await page.getByLabel('Scroll depth').check();
    await expect
      .poll(() => page.getByTestId('heatmap-summary').first().textContent())
      .toContain('6 page views');
    await expect
      .poll(() => page.getByTestId('heatmap-summary').first().textContent())
      .toContain('average fold 800 px');
    await page.getByLabel('Attention').check();
    await expect
      .poll(() => page.getByTestId('heatmap-summary').first().textContent())
      .toContain('9 s of pointer dwell');
    await page.getByLabel('Clicks', { exact: true }).check();
  });

  it('compares two segments side by side', async () => {
    await page.getByTestId('heatmap-compare').click();
    await expect.poll(() => page.getByTestId('heatmap-panel').count()).toBe(2);
    await page.locator('#heatmap-a-visitor').selectOption('new');
    await page.locator('#heatmap-b-visitor').selectOption('returning');
    const summaries = page.getByTestId('heatmap-summary');
    await expect.poll(() => summaries.nth(0).textContent()).toContain('3 sessions · 3 page views · 6 clicks');
    await expect.poll(() => summaries.nth(1).textContent()).toContain('3 sessions · 3 page views · 9 clicks');
    expect(page.url()).toContain('compare=1');
    await page.getByTestId('heatmap-compare').click();
    await page.locator('#heatmap-a-visitor').selectOption('');
  });

  it('exports the element table as CSV and the overlay as PNG', async () => {
    const panel = page.getByTestId('heatmap-panel').first();
    await expect.poll(() => panel.getByTestId('heatmap-summary').textContent()).toContain('6 sessions');
    const [csv] = await Promise.all([
      page.waitForEvent('download'),
      panel.getByRole('button', { name: 'Export CSV' }).click(),
    ]);
    const text = await readFile((await csv.path())!, 'utf8');
    expect(csv.suggestedFilename()).toMatch(/^heatmap-site-e2e-dashboard-hm-orders-id-click\.csv$/);
    expect(text.split('\r\n')[0]).toBe('rank,element,clicks,share,rage,dead,sessions');
    expect(text).toContain('main#main>button:nth-of-type(1),12,');
    const [png] = await Promise.all([
      page.waitForEvent('download'),
      panel.getByRole('button', { name: 'Export PNG' }).click(),
    ]);
    const bytes = await readFile((await png.path())!);
    expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(bytes.includes(Buffer.from('Plantedname'))).toBe(false);
  });

  it('links to the sessions of the page, where opening a replay asks for a purpose', async () => {
    const link = page.getByRole('link', { name: 'Sessions on this page' });
    expect(await link.getAttribute('href')).toBe(`/sites/${site.siteKey}/sessions?page=%2Forders%2F`);
  });
});
