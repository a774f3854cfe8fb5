/**
 * Heatmap accuracy in real Chromium: sessions on the demo site click known spots at two viewport
 * widths, through the real loader, recorder, ingest and aggregates; the click heatmap the API
 * answers matches the ground truth per element (and position inside it) and per page cell.
 */
import { gunzipSync } from 'node:zlib';
import { ELEMENT_GRID_CELLS, HeatmapTag, PAGE_CELL_PX } from '@veil/core';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../support/browser.js';
import {
  apiGet,
  type ClickHeatmapBody,
  eventually,
  personContext,
  seeded,
  startVeil,
  type Veil,
} from './support.js';

/** Static elements of the demo home page (clicking them changes nothing), with their paths. */
const TARGETS: Array<{ selector: string; path: string }> = [
  { selector: '.hero h1', path: 'main#main>section:nth-of-type(1)>h1:nth-of-type(1)' },
  { selector: '.hero .lede', path: 'main#main>section:nth-of-type(1)>p:nth-of-type(1)' },
  ...[1, 2, 3].flatMap((n) => [
    {
      selector: `.cards article:nth-of-type(${n}) h2`,
      path: `main#main>div:nth-of-type(1)>article:nth-of-type(${n})>h2:nth-of-type(1)`,
    },
    {
      selector: `.cards article:nth-of-type(${n}) p`,
      path: `main#main>div:nth-of-type(1)>article:nth-of-type(${n})>p:nth-of-type(1)`,
    },
  ]),
];
/** Where each target is clicked: cell centres of the element grid, so no click sits on a cell edge. */
const SPOTS: Array<[number, number]> = [
  [1.5 / ELEMENT_GRID_CELLS, 2.5 / ELEMENT_GRID_CELLS],
  [6.5 / ELEMENT_GRID_CELLS, 5.5 / ELEMENT_GRID_CELLS],
];
const SESSIONS = 6;
const WIDTHS = [1280, 390] as const;

interface Truth {
  elements: Map<string, Map<number, number>>;
  cells: Map<string, number>;
}

let veil: Veil;
let browser: Browser;

beforeAll(async () => {
  veil = await startVeil();
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await veil?.close();
});

/**
 * Counts the clicks in the batches the page sent that the server accepted (202), as they are
 * answered: a test waits for its clicks to have arrived instead of sleeping.
 */
function acceptedClicks(page: Page): () => number {
  let clicks = 0;
  page.on('response', (response) => {
    if (!response.url().endsWith('/ingest/v1/batch') || response.status() !== 202) return;
    const wire = response.request().postDataBuffer();
    if (!wire) return;
    const body = wire[0] === 0x1f && wire[1] === 0x8b ? gunzipSync(wire) : wire;
    const { events } = JSON.parse(body.toString('utf8')) as { events: Array<{ data?: { tag?: unknown } }> };
    clicks += events.filter((e) => e.data?.tag === HeatmapTag.Click).length;
  });
  return () => clicks;
}

/**
 * Clicks wait out their dead-click window in the recorder, then leave with the next batch: asks
 * for a batch (`veil('flush')`) until the server has accepted `n` clicks.
 */
async function flushUntilAccepted(page: Page, sent: () => number, n: number): Promise<void> {
  await eventually(
    async () => {
      if (sent() >= n) return true;
      await page.evaluate(() => (window as unknown as { veil: (...a: unknown[]) => void }).veil('flush'));
      return undefined;
    },
    30_000,
    `${n} clicks accepted`,
  );
}

/** One visitor: consents on the demo home page, clicks every target at every spot, leaves. */
async function session(width: number, truth: Truth, seed: number): Promise<void> {
  const random = seeded(seed);
  const context = await personContext(browser, width);
  try {
    const page = await context.newPage();
    const sent = acceptedClicks(page);
    const recorder = page.waitForResponse((r) => r.url().includes('/r/v1/recorder.js'));
    await page.goto(`${veil.baseUrl}/demo/`);
    await page.getByRole('button', { name: 'Accept analytics' }).click();
    await recorder;
    await page.waitForFunction(() => sessionStorage.getItem('veil:segment') !== null);
    // People pause between clicks (and Veil leaves out sessions clicking faster than people do).
    for (const target of TARGETS) {
      for (const [rx, ry] of SPOTS) {
        await clickAt(page, target, rx, ry, truth);
        await page.waitForTimeout(150 + Math.floor(random() * 300));
      }
    }
    // Clicks wait out their dead-click window, then everything is sent.
    await flushUntilAccepted(page, sent, TARGETS.length * SPOTS.length);
  } finally {
    await context.close();
  }
}

/** Clicks `target` at relative spot (rx, ry) on whole pixels, and notes the ground truth. */
async function clickAt(
  page: Page,
  target: { selector: string; path: string },
  rx: number,
  ry: number,
  truth: Truth | null,
) {
  const box = await page.evaluate(
    ({ selector }) => {
      const el = document.querySelector(selector)!;
      el.scrollIntoView({ block: 'center' });
      window.scrollTo(0, Math.round(window.scrollY));
      const r = el.getBoundingClientRect();
      return {
        left: r.left,
        top: r.top,
        width: r.width,
        height: r.height,
        scrollX: window.scrollX,
        scrollY: window.scrollY,
      };
    },
    { selector: target.selector },
  );
  const x = Math.round(box.left + rx * box.width);
  const y = Math.round(box.top + ry * box.height);
  await page.mouse.move(x - 20, y - 10);
  await page.mouse.click(x, y);
  if (!truth) return;
  const n = ELEMENT_GRID_CELLS;
  const cell =
    Math.min(n - 1, Math.floor(((y - box.top) / box.height) * n)) * n +
    Math.min(n - 1, Math.floor(((x - box.left) / box.width) * n));
  const grid = truth.elements.get(target.path) ?? new Map<number, number>();
  grid.set(cell, (grid.get(cell) ?? 0) + 1);
  truth.elements.set(target.path, grid);
  const pageCell = `${Math.floor((x + box.scrollX) / PAGE_CELL_PX)},${Math.floor((y + box.scrollY) / PAGE_CELL_PX)}`;
  truth.cells.set(pageCell, (truth.cells.get(pageCell) ?? 0) + 1);
}

const within1Percent = (actual: number, expected: number) => Math.abs(actual - expected) <= 0.01 * expected;

// The two widths at once: each has its own device's heatmap (desktop, mobile), and people's
// sessions at both run side by side as they would on a site.
describe.concurrent.each(WIDTHS)('click heatmap accuracy at %i px', (width) => {
  const truth: Truth = { elements: new Map(), cells: new Map() };
  const device = width >= 1024 ? 'desktop' : 'mobile';

  it('matches the ground truth per element, per position inside it and per page cell', async () => {
    await Promise.all(Array.from({ length: SESSIONS }, (_, s) => session(width, truth, width * 100 + s)));
    const expectedClicks = SESSIONS * TARGETS.length * SPOTS.length;
    const siteKey = veil.server.demoSiteKey!;
    // Freshness: the last batch is acknowledged; its clicks are in the heatmap within 10 s.
    const acked = Date.now();
    const body = await eventually(
      async () => {
        const r = await apiGet<ClickHeatmapBody>(
          veil,
          `/api/v1/sites/${siteKey}/heatmaps/clicks?page=/demo/&device=${device}`,
        );
        return r.status === 200 && r.body.totals.clicks >= expectedClicks ? r.body : undefined;
      },
      10_000,
      `${expectedClicks} ${device} clicks`,
    );
    expect(Date.now() - acked).toBeLessThan(10_000);
    expect(body.page).toBe('/demo');
    expect(body.totals).toMatchObject({ sessions: SESSIONS, clicks: expectedClicks, rage: 0, dead: 0 });
    expect(body.suppressed).toEqual({ elements: 0, cells: 0, gridCells: 0 });

    // Per element: its clicks, and where inside it they landed.
    expect(body.elements.map((e) => e.path).sort()).toEqual(TARGETS.map((t) => t.path).sort());
    for (const e of body.elements) {
      const expected = truth.elements.get(e.path)!;
      const total = [...expected.values()].reduce((s, v) => s + v, 0);
      expect(within1Percent(e.clicks, total), `${e.path}: ${e.clicks} vs ${total}`).toBe(true);
      expect(e.sessions).toBe(SESSIONS);
      expect(e.grid.length).toBe(expected.size);
      for (const [cell, clicks] of e.grid) {
        expect(within1Percent(clicks, expected.get(cell) ?? 0), `${e.path} cell ${cell}: ${clicks}`).toBe(
          true,
        );
      }
    }
    // Per page cell.
    expect(body.cells.length).toBe(truth.cells.size);
    for (const [cx, cy, clicks] of body.cells) {
      const expected = truth.cells.get(`${cx},${cy}`) ?? 0;
      expect(within1Percent(clicks, expected), `cell ${cx},${cy}: ${clicks} vs ${expected}`).toBe(true);
    }
  });
});

describe('what does not count', () => {
  it('leaves out automated browsers: the page says navigator.webdriver', async () => {
    const siteKey = veil.server.demoSiteKey!;
    const before = await apiGet<ClickHeatmapBody>(
      veil,
      `/api/v1/sites/${siteKey}/heatmaps/clicks?page=/demo/&device=desktop`,
    );
    const context = await browser.newContext({
      viewport: { width: 1280, height: 800 },
      userAgent: undefined,
    });
    const page = await context.newPage();
    const sent = acceptedClicks(page);
    const recorder = page.waitForResponse((r) => r.url().includes('/r/v1/recorder.js'));
    await page.goto(`${veil.baseUrl}/demo/`);
    await page.getByRole('button', { name: 'Accept analytics' }).click();
    await recorder;
    for (const target of TARGETS.slice(0, 3)) await clickAt(page, target, 0.5, 0.5, null);
    // The three clicks reached the server (which leaves them out of the heatmap).
    await flushUntilAccepted(page, sent, 3);
    await context.close();
    const after = await apiGet<ClickHeatmapBody>(
      veil,
      `/api/v1/sites/${siteKey}/heatmaps/clicks?page=/demo/&device=desktop`,
    );
    expect(after.body.totals).toEqual(before.body.totals);
  });
});
