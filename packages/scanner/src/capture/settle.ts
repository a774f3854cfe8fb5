import type { Page } from 'playwright-core';

/** How long a page is watched after `load`, in milliseconds. */
export interface SettleOptions {
  /** Always watched at least this long (trackers often start on a timer). */
  minDwellMs: number;
  /** Then until no request has been in flight for this long… */
  quietMs: number;
  /** …but never longer than this in all. */
  maxMs: number;
}

/** Counts the page's requests in flight (started, neither finished nor failed). */
export function trackInFlight(page: Page): () => number {
  let inFlight = 0;
  page.on('request', () => {
    inFlight++;
  });
  const done = () => {
    inFlight = Math.max(0, inFlight - 1);
  };
  page.on('requestfinished', done);
  page.on('requestfailed', done);
  return () => inFlight;
}

/** Waits out the dwell time, then until the network is quiet (or the cap). */
export async function settle(page: Page, inFlight: () => number, options: SettleOptions): Promise<void> {
  const started = Date.now();
  await page.waitForTimeout(options.minDwellMs);
  let quietSince = inFlight() === 0 ? Date.now() : 0;
  while (Date.now() - started < options.maxMs) {
    if (inFlight() === 0) {
      if (quietSince === 0) quietSince = Date.now();
      if (Date.now() - quietSince >= options.quietMs) return;
    } else quietSince = 0;
    await page.waitForTimeout(50);
  }
}
