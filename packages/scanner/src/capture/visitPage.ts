import type { BrowserContext, Request } from 'playwright-core';
import type { ObservedRequest, PageObservation, ScanPhase } from '../report/scanReport.js';
import { type SettleOptions, settle, trackInFlight } from './settle.js';

/** Requests kept per page visit; a page that makes more is still scanned, the rest is dropped. */
export const MAX_REQUESTS_PER_PAGE = 2_000;
/** URLs are cut to this many characters in a report. */
export const MAX_URL_CHARS = 2_048;

export interface VisitOptions {
  phase: ScanPhase;
  /** Window properties to look for (the signatures' globals). */
  globals: readonly string[];
  settle: SettleOptions;
  navigationTimeoutMs: number;
  /** The consent button to click once the page settled (the reject or accept phase's landing page). */
  click?: { selector: string; timeoutMs: number };
}

export interface PageVisit {
  observation: PageObservation;
  /** Absolute `href`s of the page's links (for the crawl). */
  links: string[];
  /** Set when the consent button could not be clicked. */
  clickError?: string;
}

interface PageState {
  title: string;
  localStorage: string[];
  sessionStorage: string[];
  indexedDb: string[];
  scripts: string[];
  globals: string[];
  links: string[];
}

const cut = (url: string) => (url.length > MAX_URL_CHARS ? `${url.slice(0, MAX_URL_CHARS)}…` : url);

function errorText(error: unknown): string {
  return error instanceof Error ? error.message.split('\n')[0]! : String(error);
}

/** Reads what the page holds, in the page. Throws when storage cannot be read: the visit then fails. */
async function readPageState(globals: readonly string[]): Promise<PageState> {
  const keys = (storage: Storage) => Array.from({ length: storage.length }, (_, i) => storage.key(i) ?? '');
  const databases = typeof indexedDB.databases === 'function' ? await indexedDB.databases() : [];
  const win = window as unknown as Record<string, unknown>;
  return {
    title: document.title,
    localStorage: keys(window.localStorage),
    sessionStorage: keys(window.sessionStorage),
    indexedDb: databases.map((d) => d.name ?? '').filter((n) => n !== ''),
    scripts: Array.from(document.scripts, (s) => s.src).filter((src) => src !== ''),
    globals: globals.filter((name) => name in window && win[name] !== undefined),
    links: Array.from(document.querySelectorAll('a[href]'), (a) => (a as HTMLAnchorElement).href),
  };
}

/**
 * Visits `url` in `context` (a fresh profile, or the phase's profile after the consent click),
 * records every request the page attempts (including those that fail or are blocked), then reads
 * cookies, storage keys, IndexedDB names, scripts and known globals. Never throws: a page that
 * cannot be loaded or read comes back with `status: 'error'`, and shows no detection (a scan that
 * could not look is reported as such, never as clean).
 */
export async function visitPage(
  context: BrowserContext,
  url: string,
  options: VisitOptions,
): Promise<PageVisit> {
  const page = await context.newPage();
  const requests = new Map<Request, ObservedRequest>();
  const inFlight = trackInFlight(page);
  page.on('request', (request) => {
    if (requests.size >= MAX_REQUESTS_PER_PAGE) return;
    requests.set(request, {
      url: cut(request.url()),
      method: request.method(),
      resourceType: request.resourceType(),
      failed: false,
    });
  });
  page.on('requestfailed', (request) => {
    const seen = requests.get(request);
    if (seen) {
      seen.failed = true;
      seen.failure = request.failure()?.errorText ?? 'failed';
    }
  });
  const base: Omit<PageObservation, 'status'> = {
    url,
    phase: options.phase,
    requests: [],
    cookies: [],
    localStorage: [],
    sessionStorage: [],
    indexedDb: [],
    scripts: [],
    globals: [],
  };
  try {
    await page.goto(url, { waitUntil: 'load', timeout: options.navigationTimeoutMs });
    await settle(page, inFlight, options.settle);
    let clickError: string | undefined;
    if (options.click) {
      try {
        const button = page.locator(options.click.selector).first();
        await button.click({ timeout: options.click.timeoutMs });
        await settle(page, inFlight, options.settle);
      } catch (error) {
        clickError = `the consent button ${options.click.selector} could not be clicked: ${errorText(error)}`;
      }
    }
    const state = await page.evaluate(readPageState, [...options.globals]);
    const cookies = (await context.cookies()).map((c) => ({ name: c.name, domain: c.domain, path: c.path }));
    const observation: PageObservation = {
      ...base,
      status: clickError ? 'error' : 'ok',
      error: clickError,
      title: state.title,
      requests: [...requests.values()],
      cookies,
      localStorage: state.localStorage,
      sessionStorage: state.sessionStorage,
      indexedDb: state.indexedDb,
      scripts: state.scripts.map(cut),
      globals: state.globals,
    };
    return { observation, links: state.links, clickError };
  } catch (error) {
    return {
      observation: { ...base, status: 'error', error: errorText(error), requests: [...requests.values()] },
      links: [],
    };
  } finally {
    await page.close();
  }
}
