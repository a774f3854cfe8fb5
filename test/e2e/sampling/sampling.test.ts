/**
 * Sampling in Chromium, through the real loader, recorder and server. The loader samples on the
 * tab's session id with core's `isSessionSampled`, the function the server applies to every batch:
 * a site at 0 % gets no request and stores nothing; at 50 % exactly the sessions core's function
 * picks are recorded and stored; a percent lowered while a page records makes the server refuse
 * the next batch (`not_sampled`) and the recorder stop that session without retrying.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_PRIVACY_POLICY, isSessionSampled, type PrivacyPolicy } from '@veil/core';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../../packages/server/src/clock.js';
import { loadConfig, type RunningServer, startServer } from '../../../packages/server/src/index.js';
import { PolicyService } from '../../../packages/server/src/privacy/PolicyService.js';
import { createSite } from '../../../packages/server/src/sites/createSite.js';
import type { SiteRecord } from '../../../packages/server/src/storage/sites/SiteRepository.js';
import { launchChromium } from '../../support/browser.js';
import { type CapturedBatch, type IngestTap, startIngestTap } from '../../support/ingestCapture.js';
import { eventually, RECORDING_TIMEOUT_MS } from '../../support/waitFor.js';

const LIA = {
  purpose: 'sampling test',
  necessity: 'the sample must be observed in a real browser',
  balancing: 'synthetic pages only',
  safeguards: 'temporary data directory',
};

let root: string;
let server: RunningServer;
let browser: Browser;
let tap: IngestTap;
let pages: Server;
let pageOrigin: string;
let site: SiteRecord;
let policies: PolicyService;
/** Requests for the recorder chunk (the loader fetches it only for a sampled session). */
let recorderFetches = 0;
/** Extra markup in the page's head (a `veil('config', …)` before the loader). */
let headExtra = '';

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'veil-sampling-'));
  server = await startServer(
    loadConfig(
      {
        PORT: '0',
        HOST: '127.0.0.1',
        VEIL_DATA_DIR: join(root, 'data'),
        VEIL_DEMO: 'false',
        VEIL_LOG_LEVEL: 'warn',
      },
      root,
    ),
    { logStream: { write: () => {} }, print: () => {} },
  );
  pages = createServer((req, res) => {
    if (!(req.url ?? '/').startsWith('/p/')) return void res.writeHead(204).end();
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(
      `<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>Sampling</title>
<script>window.veil=window.veil||function(){(veil.q=veil.q||[]).push(arguments)};</script>${headExtra}
<script src="${server.url}/r/v1/loader.js" data-site="${site.siteKey}" data-lawful-basis="legitimate_interest" async></script>
</head><body><h1>Sampling</h1><p id="text">Sampled page text</p><label>Qty <input id="qty"></label></body></html>`,
    );
  });
  await new Promise<void>((r) => pages.listen(0, '127.0.0.1', r));
  pageOrigin = `http://localhost:${(pages.address() as AddressInfo).port}`;
  site = await createSite(server.store, systemClock, {
    name: 'Sampling',
    origins: [pageOrigin],
    samplingPercent: 0,
  });
  policies = new PolicyService({ store: server.store, clock: systemClock, audit: server.app.veil.audit });
  browser = await launchChromium();
  tap = await startIngestTap();
});

afterAll(async () => {
  await browser?.close();
  await tap?.close();
  await new Promise<void>((r) => (pages ? pages.close(() => r()) : r()));
  await server?.close();
  if (root) await rm(root, { recursive: true, force: true });
});

/** Publishes the site's policy: legitimate interest (no consent step), every session kept, `samplingPercent`. */
async function publish(samplingPercent: number): Promise<void> {
  const s = (await server.store.sites.findById(site.id))!;
  const next: PrivacyPolicy = {
    ...DEFAULT_PRIVACY_POLICY,
    lawfulBasis: 'legitimate_interest',
    legitimateInterestAssessment: LIA,
    minSessionMs: 0,
    samplingPercent,
  };
  const p = s.policy;
  if (
    p.samplingPercent === samplingPercent &&
    p.lawfulBasis === 'legitimate_interest' &&
    p.minSessionMs === 0
  )
    return;
  await policies.update(s, next, `sampling ${samplingPercent} %`, { type: 'system', id: null, label: 'e2e' });
}

const sessionOf = (b: CapturedBatch): string =>
  (JSON.parse(b.body.toString('utf8')) as { sessionId: string }).sessionId;

interface Visit {
  page: Page;
  context: BrowserContext;
  /** The tab's session id as the loader stored it. */
  sessionId: string;
  /** Whether the recorder chunk was requested. */
  recorderLoaded: boolean;
  /** This session's ingest requests. */
  batches: () => CapturedBatch[];
  flush: () => Promise<void>;
}

/** Opens the page in a fresh context (its own tab session) and waits until the loader decided. */
async function visit(options: { fakeClock?: boolean } = {}): Promise<Visit> {
  const context = await browser.newContext({ proxy: { server: tap.server } });
  if (options.fakeClock) await context.clock.install({ time: Date.now() });
  const page = await context.newPage();
  let recorderLoaded = false;
  page.on('request', (r) => {
    if (r.url().includes('/r/v1/recorder.js')) {
      recorderLoaded = true;
      recorderFetches++;
    }
  });
  await page.goto(`${pageOrigin}/p/a.html`);
  // The loader writes the session it sampled on before it decides (after the config came).
  await page.waitForFunction(() => sessionStorage.getItem('veil:session') !== null, undefined, {
    timeout: 8_000,
  });
  const sessionId = await page.evaluate(
    () => (JSON.parse(sessionStorage.getItem('veil:session')!) as { id: string }).id,
  );
  // The loader decides in the same task it stores the session: a sampled session's recorder
  // script is in the page by now (or never will be). Wait for its request, not for a while.
  const injected = await page.evaluate(
    () => document.querySelector('script[src*="/r/v1/recorder.js"]') !== null,
  );
  if (injected) await eventually(() => (recorderLoaded ? true : undefined), 'the recorder request');
  const flush = async () => {
    await page.locator('#qty').fill(String(Date.now() % 1000));
    await page.mouse.move(50 + (Date.now() % 200), 60);
    await page.evaluate(() => (window as unknown as { veil: (...a: unknown[]) => void }).veil('flush'));
  };
  // Kept by the loader until the recorder runs: the first batch leaves as soon as it starts.
  await flush();
  return {
    page,
    context,
    sessionId,
    get recorderLoaded() {
      return recorderLoaded;
    },
    batches: () => tap.batches.filter((b) => sessionOf(b) === sessionId),
    flush,
  };
}

describe('sampling in Chromium', () => {
  it('at 0 % the recorder is never fetched, no batch is sent and nothing is stored', async () => {
    await publish(0);
    const before = tap.batches.length;
    for (let i = 0; i < 3; i++) {
      const v = await visit();
      await v.page.waitForTimeout(1_000);
      expect(v.recorderLoaded).toBe(false);
      expect(v.batches()).toEqual([]);
      // Another page of the same tab session: still out, still silent.
      await v.page.goto(`${pageOrigin}/p/b.html`);
      await v.page.waitForTimeout(1_000);
      expect(
        await v.page.evaluate(
          () => (JSON.parse(sessionStorage.getItem('veil:session')!) as { id: string }).id,
        ),
      ).toBe(v.sessionId);
      expect(v.batches()).toEqual([]);
      expect(await server.store.recordings.get(v.sessionId)).toBeUndefined();
      await v.context.close();
    }
    expect(tap.batches.length).toBe(before);
    expect(recorderFetches).toBe(0);
  });

  it("at 50 % records and stores exactly the sessions core's function samples in", async () => {
    await publish(50);
    const outcomes = { in: 0, out: 0 };
    // Until both sides were seen at least twice (each visit is a fair coin; 16 visits at most).
    for (let i = 0; i < 16 && (outcomes.in < 2 || outcomes.out < 2); i++) {
      const v = await visit();
      const sampled = isSessionSampled(v.sessionId, 50);
      outcomes[sampled ? 'in' : 'out']++;
      expect(v.recorderLoaded, `${v.sessionId}: recorder`).toBe(sampled);
      if (sampled) {
        await expect
          .poll(() => v.batches().filter((b) => b.status === 202).length, { timeout: RECORDING_TIMEOUT_MS })
          .toBeGreaterThan(0);
        await expect
          .poll(async () => (await server.store.recordings.get(v.sessionId)) !== undefined)
          .toBe(true);
      } else {
        await v.page.waitForTimeout(500);
        expect(v.batches()).toEqual([]);
        expect(await server.store.recordings.get(v.sessionId)).toBeUndefined();
      }
      expect(v.batches().every((b) => b.status === 202)).toBe(true);
      await v.context.close();
    }
    expect(outcomes.in).toBeGreaterThanOrEqual(2);
    expect(outcomes.out).toBeGreaterThanOrEqual(2);
  });

  it("a page's veil('config', {samplingPercent}) lowers its sample: the recorder starts and sends nothing", async () => {
    await publish(100);
    headExtra = "<script>veil('config', {samplingPercent: 0});</script>";
    try {
      const v = await visit();
      // The loader sampled in under the server's 100 %; the recorder asked again with 0 %.
      expect(v.recorderLoaded).toBe(true);
      await v.flush();
      await v.page.waitForTimeout(1_500);
      expect(v.batches()).toEqual([]);
      expect(await server.store.recordings.get(v.sessionId)).toBeUndefined();
      await v.context.close();
    } finally {
      headExtra = '';
    }
  });

  it('a session that rotates after the idle timeout into an id outside the sample is not captured', async () => {
    await publish(50);
    const outcomes = { in: 0, out: 0 };
    for (let i = 0; i < 20 && outcomes.out < 1; i++) {
      const v = await visit({ fakeClock: true });
      if (!isSessionSampled(v.sessionId, 50)) {
        await v.context.close();
        continue;
      }
      await expect.poll(() => v.batches().length, { timeout: RECORDING_TIMEOUT_MS }).toBeGreaterThan(0);
      // 31 minutes without activity, then activity: the recorder starts a new session.
      await v.page.clock.fastForward(31 * 60_000);
      await v.page.mouse.move(300, 200);
      await v.page.mouse.move(320, 220);
      await expect
        .poll(() =>
          v.page.evaluate(() => (JSON.parse(sessionStorage.getItem('veil:session')!) as { id: string }).id),
        )
        .not.toBe(v.sessionId);
      const rotated = await v.page.evaluate(
        () => (JSON.parse(sessionStorage.getItem('veil:session')!) as { id: string }).id,
      );
      const sampled = isSessionSampled(rotated, 50);
      outcomes[sampled ? 'in' : 'out']++;
      for (let k = 0; k < 3; k++) {
        await v.flush();
        await v.page.clock.runFor(2_000);
      }
      const ofRotated = () => tap.batches.filter((b) => sessionOf(b) === rotated);
      if (sampled)
        await expect.poll(() => ofRotated().length, { timeout: RECORDING_TIMEOUT_MS }).toBeGreaterThan(0);
      else {
        await v.page.waitForTimeout(1_500);
        expect(ofRotated()).toEqual([]);
        expect(await server.store.recordings.get(rotated)).toBeUndefined();
        // The next page of the tab keeps the rotated id: still out, and the recorder is not fetched again.
        const fetched = recorderFetches;
        await v.page.goto(`${pageOrigin}/p/b.html`);
        await v.page.waitForTimeout(1_500);
        expect(
          await v.page.evaluate(
            () => (JSON.parse(sessionStorage.getItem('veil:session')!) as { id: string }).id,
          ),
        ).toBe(rotated);
        expect(recorderFetches).toBe(fetched);
        expect(ofRotated()).toEqual([]);
      }
      await v.context.close();
    }
    expect(outcomes.out).toBe(1);
  });

  it('a percent lowered while a page records: the next batch is refused and the recorder stops, no retry', async () => {
    await publish(100);
    const v = await visit();
    expect(v.recorderLoaded).toBe(true);
    await expect
      .poll(() => v.batches().filter((b) => b.status === 202).length, { timeout: RECORDING_TIMEOUT_MS })
      .toBeGreaterThan(0);
    await publish(0);
    await v.flush();
    await expect
      .poll(() => v.batches().filter((b) => b.status === 403).length, { timeout: RECORDING_TIMEOUT_MS })
      .toBe(1);
    const refused = v.batches().find((b) => b.status === 403)!;
    const sent = v.batches().length;
    // More activity, more flushes, and time for any backoff: nothing more leaves for this session.
    for (let i = 0; i < 3; i++) {
      await v.flush();
      await v.page.waitForTimeout(700);
    }
    await v.page.waitForTimeout(2_000);
    expect(v.batches().length).toBe(sent);
    expect(v.batches().filter((b) => b.status === 403)).toEqual([refused]);
    await v.context.close();
  });
});
