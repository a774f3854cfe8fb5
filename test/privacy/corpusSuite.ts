/**
 * The planted-PII corpus end to end, as a suite the e2e test files run with their cases: in real
 * Chromium, through the real loader and recorder, the real server in-process (ingest pipeline,
 * SQLite storage) and the API — in up to three runs:
 *
 * 1. with Veil's recorder: zero planted values in the requests the browser sent, in the stored
 *    events, in the server's log and in any byte of the data directory, and no masking failure
 *    (the browser layer caught everything itself);
 * 2. with the recorder's masking switched off (raw `@rrweb/record`, no masking, posting to the
 *    real ingest endpoint): the server layer alone leaves zero planted values in storage and the
 *    log, and raises masking failures naming every validated kind, never a value;
 * 3. optionally, with Veil's recorder under "mask all text": text no detector knows (attribute
 *    text, option and SVG text, CSS content strings) reaches neither the requests nor storage.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PrivacyPolicy } from '@veil/core';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiToken } from '../../packages/server/src/auth/createApiToken.js';
import { systemClock } from '../../packages/server/src/clock.js';
import { loadConfig, type RunningServer, startServer } from '../../packages/server/src/index.js';
import { PolicyService } from '../../packages/server/src/privacy/PolicyService.js';
import { createSite } from '../../packages/server/src/sites/createSite.js';
import type { SiteRecord } from '../../packages/server/src/storage/sites/SiteRepository.js';
import { launchChromium } from '../support/browser.js';
import { E2E_SERVER_ENV } from '../support/e2eServerEnv.js';
import { readTreeBytes } from '../support/files.js';
import { type IngestTap, startIngestTap } from '../support/ingestCapture.js';
import { grantedEventsPath } from '../support/replayGrant.js';
import { corpusInteractions } from './corpusPage.js';
import { type CorpusSite, startCorpusSite } from './corpusServer.js';
import { CORPUS_CUSTOM_PATTERNS, forbiddenStrings, leaksIn, type PiiCase } from './plantedPii.js';

/** Text no detector knows, which only "mask all text" hides: attribute, option, SVG and CSS text. */
export const MASK_ALL_TOKENS = {
  title: 'MaskAllTitleToken',
  alt: 'MaskAllAltToken',
  aria: 'MaskAllAriaToken',
  placeholder: 'MaskAllPlaceholderToken',
  button: 'MaskAllButtonToken',
  data: 'MaskAllDataToken',
  option: 'MaskAllOptionToken',
  svg: 'MaskAllSvgToken',
  content: 'MaskAllContentToken',
  text: 'MaskAllTextToken',
} as const;

const MASK_ALL_MARKUP = `<div id="mask-all">
<p>${MASK_ALL_TOKENS.text}</p>
<span title="${MASK_ALL_TOKENS.title}">t</span>
<img alt="${MASK_ALL_TOKENS.alt}" src="data:," width="4" height="4">
<button type="button" aria-label="${MASK_ALL_TOKENS.aria}">b</button>
<input type="text" placeholder="${MASK_ALL_TOKENS.placeholder}">
<input type="submit" value="${MASK_ALL_TOKENS.button}">
<div data-owner="${MASK_ALL_TOKENS.data}">d</div>
<select><option>${MASK_ALL_TOKENS.option}</option></select>
<svg width="80" height="20"><text x="0" y="15">${MASK_ALL_TOKENS.svg}</text></svg>
<p class="mask-all-content">c</p>
</div>`;
const MASK_ALL_STYLE = `<style>.mask-all-content::after { content: "${MASK_ALL_TOKENS.content}" }</style>`;

export interface CorpusSuiteOptions {
  /** Planted in the page recorded with Veil's recorder. */
  veilCases: readonly PiiCase[];
  /** Planted in the page recorded with raw rrweb (the server layer alone). */
  rawCases: readonly PiiCase[];
  /** Also record the page under "mask all text" with text no detector knows. @default false */
  maskAll?: boolean;
}

/** What stored events hold once every page of the cases was recorded: a visited page's path, or the main page. */
function visitedMarker(cases: readonly PiiCase[]): string {
  return cases.some((c) => c.position === 'page-url') ? '/corpus/page/' : '/corpus/page.html';
}

/** Registers the corpus suite (hooks and tests) in the calling test file. */
export function corpusSuite(options: CorpusSuiteOptions): void {
  const forbidden = forbiddenStrings([...options.veilCases, ...options.rawCases]);

  let root: string;
  let dataDir: string;
  let server: RunningServer;
  let browser: Browser;
  let tap: IngestTap;
  let corpus: CorpusSite;
  let siteVeil: SiteRecord;
  let siteRaw: SiteRecord;
  let siteMaskAll: SiteRecord;
  let token: string;
  const logLines: string[] = [];

  async function corpusSite(name: string, extra: Partial<PrivacyPolicy> = {}): Promise<SiteRecord> {
    const site = await createSite(server.store, systemClock, {
      name,
      origins: ['http://localhost:1'],
      samplingPercent: 100,
      lawfulBasis: 'legitimate_interest',
    });
    const policies = new PolicyService({
      store: server.store,
      clock: systemClock,
      audit: server.app.veil.audit,
    });
    const current = await policies.current(site);
    const policy: PrivacyPolicy = {
      ...current.policy,
      samplingPercent: 100,
      minSessionMs: 0,
      customPatterns: [...CORPUS_CUSTOM_PATTERNS],
      ...extra,
      legitimateInterestAssessment: {
        purpose: 'privacy regression test',
        necessity: 'the corpus must be recorded to be checked',
        balancing: 'synthetic data only',
        safeguards: 'test data directory, deleted afterwards',
      },
    };
    await policies.update(site, policy, 'corpus test set-up', { type: 'system', id: null, label: 'e2e' });
    return (await server.store.sites.findById(site.id))!;
  }

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'veil-privacy-e2e-'));
    dataDir = join(root, 'data');
    const config = loadConfig(
      {
        PORT: '0',
        HOST: '127.0.0.1',
        VEIL_DATA_DIR: dataDir,
        VEIL_DEMO: 'false',
        VEIL_LOG_LEVEL: 'trace',
        ...E2E_SERVER_ENV,
      },
      root,
    );
    server = await startServer(config, {
      logStream: { write: (line: string) => void logLines.push(line) },
      print: (line: string) => void logLines.push(line),
    });
    siteVeil = await corpusSite('Corpus (Veil recorder)');
    siteRaw = await corpusSite('Corpus (raw rrweb, no masking)');
    siteMaskAll = await corpusSite('Corpus (Veil recorder, mask all text)', { maskAllText: true });
    ({ token } = await createApiToken(server.store, systemClock, {
      role: 'owner',
      name: 'e2e corpus',
      expiresInDays: null,
    }));
    browser = await launchChromium();
    tap = await startIngestTap();
  });

  afterAll(async () => {
    await browser?.close();
    await tap?.close();
    await corpus?.close();
    await server?.close();
    if (root) await rm(root, { recursive: true, force: true });
  });

  async function openCorpus(
    site: SiteRecord,
    mode: 'veil' | 'raw',
    context: BrowserContext,
    extra: { extraHead?: string; extraBody?: string } = {},
  ): Promise<Page> {
    await corpus?.close();
    const cases = mode === 'veil' ? options.veilCases : options.rawCases;
    corpus = await startCorpusSite({ cases, veilOrigin: server.url, siteKey: site.siteKey, ...extra });
    await server.store.sites.replaceOrigins(site.id, [corpus.origin]);
    const page = await context.newPage();
    const recorder =
      mode === 'veil'
        ? page.waitForResponse((r) => r.url().includes('/r/v1/recorder.js'), { timeout: 15_000 })
        : undefined;
    await page.goto(`${corpus.origin}/corpus/page.html?mode=${mode}`);
    await recorder;
    await page.evaluate(() => (window as unknown as { corpusReady: Promise<unknown> }).corpusReady);
    return page;
  }

  /** The visitor types, chooses, edits and navigates: every interactive position of the corpus. */
  async function interact(page: Page, mode: 'veil' | 'raw'): Promise<void> {
    const cases = mode === 'veil' ? options.veilCases : options.rawCases;
    const flush = () =>
      page.evaluate((m) => {
        const w = window as unknown as {
          veil?: (...a: unknown[]) => void;
          corpusFlush?: () => Promise<unknown>;
        };
        if (m === 'raw') return w.corpusFlush?.();
        w.veil?.('flush');
        return undefined;
      }, mode);
    for (const action of corpusInteractions(cases)) {
      if (action.kind === 'type') await page.locator(action.selector).fill(action.value);
      else if (action.kind === 'select') await page.locator(action.selector).selectOption(action.value);
      else if (action.kind === 'edit') await page.locator(action.selector).fill(action.value);
      else if (action.kind === 'tag' && mode === 'veil')
        await page.evaluate(
          ([k, v]) => (window as unknown as { veil: (...a: unknown[]) => void }).veil('tag', k, v),
          [action.key, action.value] as const,
        );
    }
    await page.waitForTimeout(300);
    await flush();
    for (const action of corpusInteractions(cases)) {
      if (action.kind !== 'visit') continue;
      await page.goto(`${corpus.origin}${action.path}?mode=${mode}`);
      if (mode === 'veil') {
        await page.waitForFunction(() => (window as { veil?: { loaded?: boolean } }).veil?.loaded === true);
        await page.waitForTimeout(400);
      } else {
        await page.waitForFunction(
          () => typeof (window as { corpusFlush?: unknown }).corpusFlush === 'function',
        );
        await page.waitForTimeout(100);
      }
      await flush();
    }
    await page.waitForTimeout(500);
    await flush();
  }

  async function api<T>(path: string): Promise<{ status: number; text: string; json: T }> {
    const res = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
    const text = await res.text();
    return { status: res.status, text, json: JSON.parse(text) as T };
  }

  /** Every stored event of the site's sessions, as the API returns them (raw replay accesses). */
  async function storedEventsOf(
    site: SiteRecord,
  ): Promise<{ text: string; sessions: number; events: number }> {
    const list = await api<{ sessions: Array<{ id: string }> }>(
      `/api/v1/sites/${site.siteKey}/sessions?limit=200`,
    );
    expect(list.status).toBe(200);
    let text = '';
    let events = 0;
    for (const s of list.json.sessions) {
      const res = await api<{ events: unknown[] }>(
        await grantedEventsPath(server.url, token, s.id, 'privacy corpus e2e'),
      );
      expect(res.status).toBe(200);
      text += res.text;
      events += res.json.events.length;
    }
    return { text, sessions: list.json.sessions.length, events };
  }

  /** The texts of all text nodes joined (a value split across nodes must not come back together). */
  function joinedText(json: string): string {
    return [...json.matchAll(/"textContent":"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1]).join('');
  }

  async function eventually<T>(
    fn: () => Promise<T | undefined>,
    what: string,
    timeoutMs = 15_000,
  ): Promise<T> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const value = await fn().catch(() => undefined);
      if (value !== undefined) return value;
      if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  interface Failure {
    pagePattern: string;
    elementPath: string | null;
    label: string;
    location: string;
    count: number;
  }

  describe('planted-PII corpus in Chromium', () => {
    it(`with Veil's recorder: none of ${options.veilCases.length} planted values in requests, storage or logs; no masking failure`, async () => {
      const context = await browser.newContext({ proxy: { server: tap.server } });
      const page = await openCorpus(siteVeil, 'veil', context);
      await interact(page, 'veil');
      await page.close({ runBeforeUnload: true });
      await context.close();

      const stored = await eventually(async () => {
        const s = await storedEventsOf(siteVeil);
        return s.sessions >= 1 && s.text.includes(visitedMarker(options.veilCases)) ? s : undefined;
      }, 'the corpus session and its page-URL visits');
      // Positive controls: the page really was captured.
      expect(stored.text).toContain('"tagName":"main"');
      if (options.veilCases.some((c) => c.position === 'text'))
        expect(stored.text).toContain('Contact on file: ');
      if (options.veilCases.some((c) => c.position === 'shadow-dom'))
        expect(stored.text).toContain('"tagName":"veil-card"');
      expect(stored.events).toBeGreaterThanOrEqual(3);

      expect(leaksIn(stored.text, forbidden), 'stored events').toEqual([]);
      expect(leaksIn(joinedText(stored.text), forbidden), 'stored text, nodes joined').toEqual([]);
      const requests = tap.batches.filter((b) => b.url.startsWith(server.url));
      expect(requests.length).toBeGreaterThan(0);
      // Accepted, or shed under load (503 + Retry-After, which the recorder retries: the stored
      // events above hold everything); never refused for what a batch holds.
      expect(requests.filter((b) => b.status !== 202 && b.status !== 503).map((b) => b.status)).toEqual([]);
      expect(requests.some((b) => b.status === 202)).toBe(true);
      for (const [i, b] of requests.entries()) {
        const body = b.body.toString('utf8');
        expect(leaksIn(body, forbidden), `request #${i}`).toEqual([]);
        expect(leaksIn(joinedText(body), forbidden), `request #${i}, nodes joined`).toEqual([]);
      }
      const failures = await api<{ failures: Failure[] }>(
        `/api/v1/sites/${siteVeil.siteKey}/masking-failures`,
      );
      expect(failures.json.failures, 'the browser masked everything itself').toEqual([]);
    });

    it(`with the recorder's masking off: the server alone stores none of them and raises masking failures for every kind`, async () => {
      const context = await browser.newContext();
      const page = await openCorpus(siteRaw, 'raw', context);
      await interact(page, 'raw');
      await page.close();
      await context.close();

      const stored = await eventually(async () => {
        const s = await storedEventsOf(siteRaw);
        const visits = options.rawCases.some((c) => c.position === 'page-url');
        return s.sessions >= (visits ? 2 : 1) && s.text.includes(visitedMarker(options.rawCases))
          ? s
          : undefined;
      }, 'the raw sessions');
      expect(stored.text).toContain('"tagName":"main"');
      expect(leaksIn(stored.text, forbidden), 'stored events').toEqual([]);
      expect(leaksIn(joinedText(stored.text), forbidden), 'stored text, nodes joined').toEqual([]);

      const { json, text } = await api<{ failures: Failure[] }>(
        `/api/v1/sites/${siteRaw.siteKey}/masking-failures?limit=500`,
      );
      expect(leaksIn(text, forbidden), 'masking failures carry no value').toEqual([]);
      const labels = new Set(json.failures.map((f) => f.label));
      for (const label of new Set(options.rawCases.map((c: PiiCase) => c.label)))
        expect(labels, `a failure labelled ${label}`).toContain(label);
      // They name the element to fix: the corpus elements carry stable ids.
      expect(
        json.failures.some(
          (f) => f.pagePattern === '/corpus/page.html' && /#pii-[a-z]+/.test(f.elementPath ?? ''),
        ),
      ).toBe(true);
      if (options.rawCases.some((c) => c.position === 'input-typed'))
        expect(json.failures.some((f) => f.location === 'input')).toBe(true);
      if (options.rawCases.some((c) => c.position === 'page-url'))
        expect(json.failures.some((f) => f.location === 'url')).toBe(true);
    });

    it.runIf(options.maskAll === true)(
      'with Veil\'s recorder under "mask all text": no attribute, option, SVG or CSS text reaches the wire or storage',
      async () => {
        const context = await browser.newContext({ proxy: { server: tap.server } });
        const from = tap.batches.length;
        const page = await openCorpus(siteMaskAll, 'veil', context, {
          extraHead: MASK_ALL_STYLE,
          extraBody: MASK_ALL_MARKUP,
        });
        // The recorder is running once a batch of this page reached the server (flushing until then:
        // on a busy machine it boots well after its chunk arrived, and a tab closed before that
        // leaves no session at all).
        await eventually(async () => {
          await page.evaluate(() => (window as unknown as { veil: (...a: unknown[]) => void }).veil('flush'));
          return tap.batches.slice(from).some((b) => b.url.startsWith(server.url)) ? true : undefined;
        }, 'the first batch of the mask-all page');
        await page.close({ runBeforeUnload: true });
        await context.close();
        const stored = await eventually(async () => {
          const s = await storedEventsOf(siteMaskAll);
          return s.sessions >= 1 && s.text.includes('"tagName":"svg"') ? s : undefined;
        }, 'the mask-all session');
        const tokens = Object.values(MASK_ALL_TOKENS);
        expect(leaksIn(stored.text, tokens), 'stored events').toEqual([]);
        expect(leaksIn(stored.text, forbidden), 'stored events').toEqual([]);
        const requests = tap.batches.slice(from).filter((b) => b.url.startsWith(server.url));
        expect(requests.length).toBeGreaterThan(0);
        for (const b of requests) expect(leaksIn(b.body.toString('utf8'), tokens)).toEqual([]);
      },
    );

    it('leaves no planted value in the server log or any byte of the data directory', async () => {
      await server.close();
      const log = logLines.join('');
      expect(log).toContain('/ingest/v1/batch');
      expect(leaksIn(log, forbidden), 'server log').toEqual([]);
      const files = await readTreeBytes(dataDir);
      expect(files.length).toBeGreaterThan(0);
      for (const file of files)
        expect(leaksIn(file.bytes.toString('latin1'), forbidden), file.path).toEqual([]);
    });
  });
}
