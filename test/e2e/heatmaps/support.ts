import type { Browser, BrowserContext } from 'playwright-core';
import { createApiToken, type RunningServer, systemClock } from '../../../packages/server/src/index.js';
import { type Owner, ownerFor, startDashboardServer } from '../../support/dashboard.js';
import { eventually as waitFor } from '../../support/waitFor.js';

/** What a person's Chromium says it is: the headless build names itself in its user agent. */
export const DESKTOP_CHROME_UA =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/128.0.0.0 Safari/537.36';
export const MOBILE_CHROME_UA =
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/128.0.0.0 Mobile Safari/537.36';

export interface Veil {
  server: RunningServer;
  baseUrl: string;
  /** An analyst's API token (`heatmaps:read`). */
  analyst: string;
  /** The owner (password and TOTP), for the dashboard's sign-in (`signIn` in test/support). */
  owner: Owner;
  close(): Promise<void>;
}

/** The real server in-process on a fresh SQLite data directory, with the demo site. */
export async function startVeil(env: Record<string, string> = {}): Promise<Veil> {
  const dashboard = await startDashboardServer(ownerFor('heatmaps'), {
    env: {
      VEIL_DEMO: 'true',
      // These tests check what a heatmap shows with a few visitors; the minimum cohort has its own
      // tests (packages/server/test/integration/heatmaps.test.ts): set to its lowest here.
      VEIL_HEATMAP_MIN_COHORT: '2',
      ...env,
    },
  });
  const { server } = dashboard;
  const { token } = await createApiToken(server.store, systemClock, {
    role: 'analyst',
    name: 'heatmap e2e',
    expiresInDays: null,
  });
  return {
    server,
    baseUrl: server.url,
    analyst: token,
    owner: dashboard.owner,
    close: () => dashboard.close(),
  };
}

/**
 * A browser context that passes for a person's browser: an ordinary user agent, and
 * `navigator.webdriver` unset (Veil leaves automated browsers out of heatmaps, as it should).
 */
export async function personContext(browser: Browser, width: number, height = 800): Promise<BrowserContext> {
  const mobile = width < 768;
  const context = await browser.newContext({
    viewport: { width, height },
    userAgent: mobile ? MOBILE_CHROME_UA : DESKTOP_CHROME_UA,
    ...(mobile ? { isMobile: false, hasTouch: false } : {}),
  });
  await context.addInitScript(() => {
    Object.defineProperty(Navigator.prototype, 'webdriver', { get: () => false, configurable: true });
  });
  return context;
}

/** GET a JSON API path as the analyst. */
export async function apiGet<T>(veil: Veil, path: string): Promise<{ status: number; body: T }> {
  const res = await fetch(`${veil.baseUrl}${path}`, { headers: { authorization: `Bearer ${veil.analyst}` } });
  return { status: res.status, body: (await res.json()) as T };
}

/** Polls `check` until it returns a value, or fails after `timeoutMs` naming `what`. */
export function eventually<T>(
  check: () => Promise<T | undefined>,
  timeoutMs: number,
  what: string,
): Promise<T> {
  return waitFor(check, what, { timeoutMs, intervalMs: 200 });
}

/** A seeded PRNG: the same "human" pauses on every run. */
export { seededRandom as seeded } from '../../../packages/server/src/demo/seededRandom.js';

export interface ClickHeatmapBody {
  page: string;
  totals: { views: number; sessions: number; clicks: number; rage: number; dead: number };
  cellPx: number;
  elements: Array<{
    path: string;
    clicks: number;
    sessions: number;
    rage: number;
    dead: number;
    grid: Array<[number, number, number, number]>;
  }>;
  cells: Array<[number, number, number, number, number]>;
  suppressed: { elements: number; cells: number; gridCells?: number };
}
