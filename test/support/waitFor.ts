/**
 * Waiting on conditions instead of sleeping. On a loaded machine (CI on two cores) the recorder
 * may start seconds after its script arrived, so a fixed sleep before closing a tab or before
 * asserting sometimes leaves nothing recorded: these helpers wait until what the test needs holds.
 */
import type { Page } from 'playwright-core';
import { type IngestTap, recordedPageViews } from './ingestCapture.js';

/** How long a recording condition may take on a loaded machine before the test fails. */
export const RECORDING_TIMEOUT_MS = 60_000;

export interface EventuallyOptions {
  /** @default 30_000 */
  timeoutMs?: number;
  /** Pause between two checks. @default 250 */
  intervalMs?: number;
}

/**
 * Calls `check` until it returns a value other than `undefined` and returns that value; a check
 * that throws counts as not yet. Fails after `timeoutMs`, naming `what` and the last error.
 */
export async function eventually<T>(
  check: () => Promise<T | undefined> | T | undefined,
  what: string,
  options: EventuallyOptions = {},
): Promise<T> {
  const { timeoutMs = 30_000, intervalMs = 250 } = options;
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

/**
 * Asks the page's recorder to send what it holds (`veil('flush')`). Before the recorder runs the
 * loader keeps the command and runs it when the recorder starts; a page that is navigating or has
 * no loader is not an error (the next round asks again).
 */
export async function askFlush(page: Page): Promise<void> {
  try {
    await page.evaluate(() => {
      const veil = (window as unknown as { veil?: (...args: unknown[]) => void }).veil;
      veil?.('flush');
    });
  } catch {
    // The document went away mid-call (a navigation): the caller's next round asks the new one.
  }
}

/**
 * Keeps the tab open, asking its recorder to flush, until `stored` (what the server or the ingest
 * tap has received) returns a value; returns it. The pattern of the replay-untrusted test: close a
 * tab, navigate or assert only once what it recorded has arrived.
 */
export function flushUntil<T>(
  page: Page,
  stored: () => Promise<T | undefined> | T | undefined,
  what: string,
  options: EventuallyOptions = {},
): Promise<T> {
  return eventually(
    async () => {
      await askFlush(page);
      return stored();
    },
    what,
    { timeoutMs: RECORDING_TIMEOUT_MS, intervalMs: 500, ...options },
  );
}

/**
 * Keeps the visitor on the page until the tap has seen its page view (the `n`th one whose path
 * ends in `path`): what is typed on a page, or a page left, before its recorder runs is never
 * recorded, and the recorder may start seconds after its script arrived on a loaded machine.
 */
export async function pageViewRecorded(page: Page, tap: IngestTap, path: string, n = 1): Promise<void> {
  await flushUntil(
    page,
    () => (recordedPageViews(tap.batches).filter((p) => p.endsWith(path)).length >= n ? true : undefined),
    `page view ${n} of ${path} recorded`,
  );
}
