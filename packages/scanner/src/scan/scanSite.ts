import { readFileSync } from 'node:fs';
import type { Browser, BrowserContext } from 'playwright-core';
import { launchScanBrowser } from '../capture/chromium.js';
import { type PageVisit, visitPage } from '../capture/visitPage.js';
import { buildFindings } from '../report/findings.js';
import {
  type PageObservation,
  type PhaseRun,
  type ScanPhase,
  type ScanReport,
  scanReportSchema,
} from '../report/scanReport.js';
import { detectVendors, knownGlobals } from '../signatures/detectVendors.js';
import { loadSignatures } from '../signatures/loadSignatures.js';
import type { SignatureFile } from '../signatures/signatureSchema.js';
import { runPool } from './runPool.js';
import { normalisePageUrl, sameOriginLinks } from './sameOriginLinks.js';
import { DEFAULT_SCAN_OPTIONS, MAX_CONCURRENCY, MAX_CRAWL_PAGES, type ScanOptions } from './scanOptions.js';

/** The scanner's own version (its package.json, same relative place from `src/` and `dist/`). */
export const SCANNER_VERSION: string = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

/** Options a scan cannot run with (a bad URL, a crawl limit out of range). */
export class ScanOptionsError extends Error {
  override name = 'ScanOptionsError';
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

function checkedOptions(input: Partial<ScanOptions> & Pick<ScanOptions, 'urls'>): ScanOptions {
  const options: ScanOptions = { ...DEFAULT_SCAN_OPTIONS, ...input };
  if (options.urls.length === 0) throw new ScanOptionsError('give at least one URL to scan');
  const urls: string[] = [];
  for (const u of options.urls) {
    const url = normalisePageUrl(u);
    if (!url) throw new ScanOptionsError(`${u} is not an http or https URL`);
    if (!urls.includes(url)) urls.push(url);
  }
  if (!Number.isInteger(options.crawl) || options.crawl < 1 || options.crawl > MAX_CRAWL_PAGES)
    throw new ScanOptionsError(`crawl: expected a whole number of pages from 1 to ${MAX_CRAWL_PAGES}`);
  if (
    !Number.isInteger(options.concurrency) ||
    options.concurrency < 1 ||
    options.concurrency > MAX_CONCURRENCY
  )
    throw new ScanOptionsError(`concurrency: expected 1 to ${MAX_CONCURRENCY}`);
  return { ...options, urls };
}

/**
 * Scans a site for trackers that act without consent, in three fresh Chromium profiles: before any
 * interaction, after clicking the reject button, after clicking the accept button (the last two
 * only when their selectors are given). The before-consent phase crawls same-origin links
 * breadth-first (`crawl` pages per start URL, every page in its own fresh profile: a visitor can
 * land anywhere); the other phases click on the start page and then visit the same pages in that
 * profile. Resolves to the report; throws only on bad options or a browser that cannot start.
 */
export async function scanSite(input: Partial<ScanOptions> & Pick<ScanOptions, 'urls'>): Promise<ScanReport> {
  const options = checkedOptions(input);
  const signatures: SignatureFile = options.signatures ?? loadSignatures();
  const globals = knownGlobals(signatures);
  const startedAt = options.now().toISOString();
  const allowedHosts = new Set([...LOOPBACK, ...options.urls.map((u) => new URL(u).hostname)]);
  const notes: string[] = [];
  const pages: PageObservation[] = [];
  const phases: PhaseRun[] = [];
  const laterPhases: Array<{ phase: ScanPhase; selector: string }> = [];
  if (options.rejectSelector) laterPhases.push({ phase: 'after_reject', selector: options.rejectSelector });
  if (options.acceptSelector) laterPhases.push({ phase: 'after_accept', selector: options.acceptSelector });
  let done = 0;
  let total = options.urls.length * (1 + laterPhases.length);

  const browser: Browser = options.browser ?? (await launchScanBrowser(options.executablePath));
  const newProfile = async (): Promise<BrowserContext> => {
    const context = await browser.newContext({ serviceWorkers: 'block' });
    if (options.offline) {
      await context.route('**/*', (route) => {
        const host = new URL(route.request().url()).hostname;
        const answer = allowedHost(host) ? route.continue() : route.abort('blockedbyclient');
        answer.catch((error: unknown) => {
          notes.push(`request ${route.request().url()} was not answered: ${String(error)}`);
        });
      });
    }
    return context;
  };
  const allowedHost = (host: string) => allowedHosts.has(host);
  const visit = async (context: BrowserContext, url: string, phase: ScanPhase, click?: string) => {
    const result: PageVisit = await visitPage(context, url, {
      phase,
      globals,
      settle: options.settle,
      navigationTimeoutMs: options.navigationTimeoutMs,
      click: click ? { selector: click, timeoutMs: options.clickTimeoutMs } : undefined,
    });
    done++;
    options.onProgress?.({ phase, url, done, total });
    return result;
  };

  try {
    const crawled = new Map<string, string[]>();
    for (const start of options.urls) {
      const origin = new URL(start).origin;
      const order = [start];
      const found = new Map<string, PageObservation>();
      await runPool([start], options.concurrency, async (url, enqueue) => {
        const context = await newProfile();
        try {
          const { observation, links } = await visit(context, url, 'before_consent');
          found.set(url, observation);
          for (const link of sameOriginLinks(origin, links)) {
            if (order.length >= options.crawl || order.includes(link)) continue;
            order.push(link);
            total += 1 + laterPhases.length;
            enqueue(link);
          }
        } finally {
          await context.close();
        }
      });
      for (const url of order) {
        const observation = found.get(url);
        if (observation) pages.push(observation);
      }
      crawled.set(start, order);
    }

    for (const { phase, selector } of laterPhases) {
      for (const start of options.urls) {
        const order = crawled.get(start) ?? [start];
        const context = await newProfile();
        try {
          const first = await visit(context, start, phase, selector);
          pages.push(first.observation);
          phases.push({
            phase,
            selector,
            clickedOn: first.clickError ? undefined : start,
            error: first.clickError,
          });
          if (first.observation.status !== 'ok') {
            done += order.length - 1;
            continue;
          }
          const rest = new Map<string, PageObservation>();
          await runPool(order.slice(1), options.concurrency, async (url) => {
            rest.set(url, (await visit(context, url, phase)).observation);
          });
          for (const url of order.slice(1)) {
            const observation = rest.get(url);
            if (observation) pages.push(observation);
          }
        } finally {
          await context.close();
        }
      }
    }
  } finally {
    if (!options.browser) await browser.close();
  }

  const detections = pages.flatMap((page) => detectVendors(signatures, page));
  const findings = buildFindings(detections);
  return scanReportSchema.parse({
    format: 'veil.scan.report',
    v: 1,
    scanner: { name: 'veil scan', version: SCANNER_VERSION },
    signatures: {
      version: signatures.version,
      updated: signatures.updated,
      vendors: signatures.vendors.length,
    },
    startedAt,
    finishedAt: options.now().toISOString(),
    options: {
      urls: options.urls,
      crawl: options.crawl,
      acceptSelector: options.acceptSelector,
      rejectSelector: options.rejectSelector,
      offline: options.offline,
    },
    phases,
    pages,
    detections,
    findings,
    notes,
    summary: {
      pagesScanned: pages.length,
      pagesFailed: pages.filter((p) => p.status !== 'ok').length,
      high: findings.filter((f) => f.severity === 'high').length,
      medium: findings.filter((f) => f.severity === 'medium').length,
    },
  } satisfies ScanReport);
}
