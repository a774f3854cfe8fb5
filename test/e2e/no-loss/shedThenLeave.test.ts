/**
 * Shed, then leave (issue 19): the server sheds a visitor's first batches (503 + Retry-After, as
 * under `VEIL_INGEST_MAX_IN_FLIGHT`), the visitor goes to another page of the site before the
 * recorder's retry, and the beacons of the page going away are shed too (unseen: a beacon gets no
 * answer). The recorder keeps what it beaconed within `DOUBTFUL_BEACON_MS` of a failed attempt
 * and the next page sends it again: the stored session holds every seq from 0 once, the first
 * page included, and no step dropped anything.
 *
 * The real recorder build in Chromium and the real server in-process; between them a loopback
 * proxy that serves the site's two pages and hands everything else to Veil, answering ingest
 * requests with the server's shed answer until the test turns it off (beacons always: see the
 * proxy). Nothing waits on time: the first page notes each answer the recorder's `fetch` got (so
 * the 503 has been handled when the test sees it); the second page is held after its first bytes
 * (the first page is gone, its beacons sent, the second page's recorder not yet started) until
 * the proxy has shed a beacon of the first page's final batch and of every one before it; only
 * then does shedding stop and the second page load its recorder.
 */
import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { EventType, parsePrivacyPolicy, type RecordedEvent } from '@veil/core';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ensureRecorderBuilt } from '../../../packages/recorder/test/e2e/support/recorderBuild.js';
import {
  createApiToken,
  loadConfig,
  type RunningServer,
  startServer,
  systemClock,
} from '../../../packages/server/src/index.js';
import { makeTempDir } from '../../../packages/server/test/support/tempDir.js';
import { launchChromium } from '../../support/browser.js';
import { grantedEventsPath } from '../../support/replayGrant.js';
import { eventually, flushUntil, RECORDING_TIMEOUT_MS } from '../../support/waitFor.js';

const INGEST_PATH = '/ingest/v1/batch';
/**
 * The shed answer's Retry-After (the server's own says 1 s; the recorder honours at most 60 s):
 * the first page's retry cannot come before the visitor leaves, which takes a moment after the
 * 503. The recorder's decision does not depend on it: it looks at when the attempt failed.
 */
const RETRY_AFTER_SECONDS = 60;
const FIRST_PAGE_TEXT = 'Shed then leave: the first page';
const SECOND_PAGE_TEXT = 'Shed then leave: the second page';

/** One ingest request that reached the proxy. */
interface IngestRequest {
  sessionId: string;
  seq: number;
  final: boolean;
  /** Sent by `sendBeacon` (`Sec-Fetch-Mode: no-cors`), not by the recorder's `fetch` (`cors`). */
  beacon: boolean;
  /** The paths of the page views it carries (rrweb Meta events). */
  pageViews: string[];
  /** 503 when the proxy shed it, else the server's answer (0 until it came). */
  status: number;
}

const temp = makeTempDir('veil-shed-leave-');
let server: RunningServer;
let browser: Browser;
let proxy: Server;
let veilOrigin: string;
let pageOrigin: string;
let siteKey: string;
let viewer: string;
let shedding = true;
const ingestRequests: IngestRequest[] = [];
const shedRequests = () => ingestRequests.filter((r) => r.status === 503);
let releaseSecondPage: (() => void) | undefined;

function snippet(): string {
  return `<script>window.veil=window.veil||function(){(veil.q=veil.q||[]).push(arguments)};</script>
<script src="${veilOrigin}/r/v1/loader.js" data-site="${siteKey}" data-lawful-basis="legitimate_interest" async></script>`;
}

/**
 * The first page notes the status of every ingest answer the recorder's `fetch` got, before the
 * recorder's own continuation runs (the same task): once the test sees a 503 here, the recorder
 * has handled it.
 */
const FIRST_PAGE_HEAD = `<script>
window.__ingestAnswers = [];
const pageFetch = window.fetch;
window.fetch = async (input, init) => {
  const response = await pageFetch(input, init);
  if (String(input).includes(${JSON.stringify(INGEST_PATH)})) window.__ingestAnswers.push(response.status);
  return response;
};
</script>`;

function page(title: string, head: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>${title}</title>${head}</head><body>${body}`;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function ingestRequestOf(body: Buffer, beacon: boolean): IngestRequest {
  const gzip = body[0] === 0x1f && body[1] === 0x8b;
  const batch = JSON.parse((gzip ? gunzipSync(body) : body).toString('utf8')) as {
    sessionId: string;
    seq: number;
    final?: boolean;
    events: Array<{ type: number; data: { href?: string } }>;
  };
  const pageViews = batch.events
    .filter((e) => e.type === EventType.Meta && typeof e.data.href === 'string')
    .map((e) => new URL(e.data.href as string).pathname);
  return {
    sessionId: batch.sessionId,
    seq: batch.seq,
    final: batch.final === true,
    beacon,
    pageViews,
    status: 0,
  };
}

beforeAll(async () => {
  // The server serves the recorder's dist/: built from the sources as they are now.
  ensureRecorderBuilt();
  server = await startServer(
    loadConfig(
      {
        PORT: '0',
        HOST: '127.0.0.1',
        VEIL_DATA_DIR: `${temp.dir}/data`,
        VEIL_DEMO: 'false',
        VEIL_LOG_LEVEL: 'warn',
        VEIL_MASTER_KEY: Buffer.alloc(32, 5).toString('base64'),
      },
      temp.dir,
    ),
    { logStream: { write: () => undefined }, print: () => undefined },
  );
  const upstream = new URL(server.url);

  proxy = createServer(async (req, res) => {
    const url = req.url ?? '/';
    if (req.method === 'GET' && url === '/shop/first.html') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(
        page(
          'First',
          FIRST_PAGE_HEAD + snippet(),
          `<h1>${FIRST_PAGE_TEXT}</h1><a id="next" href="/shop/second.html">Next</a>`,
        ),
      );
      return;
    }
    if (req.method === 'GET' && url === '/shop/second.html') {
      // Its first bytes commit the navigation (the first page unloads); the loader comes later.
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.write(page('Second', '', `<h1>${SECOND_PAGE_TEXT}</h1>`));
      releaseSecondPage = () => res.end(`${snippet()}</body></html>`);
      return;
    }
    const body = await readBody(req);
    const ingest =
      req.method === 'POST' && url === INGEST_PATH
        ? ingestRequestOf(body, req.headers['sec-fetch-mode'] === 'no-cors')
        : undefined;
    if (ingest) ingestRequests.push(ingest);
    // Every beacon is shed, however late it comes: one of the first page arriving after shedding
    // stopped must not deliver what the recorder itself has to send again (the second page sends
    // none before the test has read the session).
    if (ingest && (shedding || ingest.beacon)) {
      ingest.status = 503;
      // What the server answers when it sheds (ingestRoutes.ts), Retry-After aside.
      res.writeHead(503, {
        'content-type': 'application/json; charset=utf-8',
        'retry-after': String(RETRY_AFTER_SECONDS),
        'access-control-allow-origin': req.headers.origin ?? '*',
        'access-control-expose-headers': 'Retry-After',
        vary: 'Origin',
      });
      res.end('{"error":{"code":"unavailable","message":"Veil is at its ingest limit; retry later"}}');
      return;
    }
    const forward = httpRequest(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: url,
        headers: { ...req.headers, host: upstream.host },
      },
      (answer) => {
        if (ingest) ingest.status = answer.statusCode ?? 502;
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on('error', () => res.writeHead(502).end());
    forward.end(body);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const { port } = proxy.address() as AddressInfo;
  // Two origins on one proxy, as a site and its Veil are: the pages on localhost, Veil on 127.0.0.1.
  veilOrigin = `http://127.0.0.1:${port}`;
  pageOrigin = `http://localhost:${port}`;

  siteKey = 'site_e2e_shed_then_leave';
  await server.store.sites.create({
    siteKey,
    name: 'Shed then leave',
    origins: [pageOrigin],
    policy: parsePrivacyPolicy({
      lawfulBasis: 'legitimate_interest',
      legitimateInterestAssessment: {
        purpose: 'shed-then-leave test',
        necessity: 'loss must be observed in a real browser',
        balancing: 'synthetic pages only',
        safeguards: 'temporary data directory',
      },
      samplingPercent: 100,
      minSessionMs: 0,
    }),
    createdAt: Date.now(),
  });
  viewer = (
    await createApiToken(server.store, systemClock, {
      role: 'replay_viewer',
      name: 'shed-then-leave e2e',
      expiresInDays: null,
    })
  ).token;
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  releaseSecondPage?.();
  proxy?.closeAllConnections();
  await new Promise<void>((resolve) => (proxy ? proxy.close(() => resolve()) : resolve()));
  await server?.close();
  temp.remove();
});

it('stores every batch of a visitor who left while the server was shedding, beacons shed too', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${pageOrigin}/shop/first.html`);
  // The recorder sends its first batch at once (the loader keeps the command until it runs).
  await page.evaluate(() => (window as unknown as { veil: (command: string) => void }).veil('flush'));
  await page.waitForFunction(
    () => (window as unknown as { __ingestAnswers: number[] }).__ingestAnswers.length > 0,
    undefined,
    { timeout: RECORDING_TIMEOUT_MS },
  );
  expect(
    await page.evaluate(() => (window as unknown as { __ingestAnswers: number[] }).__ingestAnswers),
  ).toEqual([503]);
  expect(ingestRequests).toEqual([expect.objectContaining({ seq: 0, beacon: false, status: 503 })]);
  const sessionId = ingestRequests[0]!.sessionId;

  // The visitor moves on before the retry: the first page goes away, beaconing what it holds.
  const leftAt = ingestRequests.length;
  await page.click('#next');
  await page.waitForURL(`${pageOrigin}/shop/second.html`, { waitUntil: 'commit' });
  const finalOfFirstPage = await eventually(
    () => {
      const beacons = ingestRequests.slice(leftAt).filter((r) => r.beacon && r.status === 503);
      const final = beacons.find((r) => r.final);
      if (!final) return undefined;
      const seqs = new Set(beacons.map((r) => r.seq));
      for (let seq = 0; seq <= final.seq; seq++) if (!seqs.has(seq)) return undefined;
      return final.seq;
    },
    "a shed beacon of the first page's final batch and of every one before it",
    { timeoutMs: RECORDING_TIMEOUT_MS },
  );

  // The server takes batches again; the second page's recorder starts. It sends one batch at a
  // time, in order, what a previous page left first: once its own page view is acknowledged,
  // everything before it was.
  shedding = false;
  releaseSecondPage?.();
  await flushUntil(
    page,
    () =>
      ingestRequests.some((r) => r.status === 202 && r.pageViews.includes('/shop/second.html'))
        ? true
        : undefined,
    "the second page's page view acknowledged",
  );
  const seqs = (await server.store.recordings.chunks(sessionId)).map((c) => c.seq);
  const shed = shedRequests();
  process.stderr.write(
    `shed then leave: shed ${shed.filter((r) => !r.beacon).length} fetch and ${shed.filter((r) => r.beacon).length} ` +
      `beacons (seqs ${shed.map((r) => r.seq).join(',')}; the first page's final batch ${finalOfFirstPage}), ` +
      `then stored seqs ${seqs.join(',')}\n`,
  );
  expect(ingestRequests.every((r) => r.sessionId === sessionId)).toBe(true);

  // Every seq from 0, each once, with no gap: the first page's batches were not lost.
  expect(seqs).toEqual(Array.from({ length: Math.max(...seqs) + 1 }, (_, i) => i));
  // Nothing refused or failed at any step (the server itself shed nothing either: the proxy did).
  const metrics = server.app.veil.ingest.metrics.snapshot();
  for (const [step, counters] of Object.entries(metrics.steps)) {
    expect(counters.drops, step).toEqual({});
    expect(counters.failures, step).toBe(0);
  }
  expect(metrics.shed).toBe(0);

  // The first page's content is in the session, before the second page's.
  const path = await grantedEventsPath(server.url, viewer, sessionId, 'shed-then-leave e2e: completeness');
  const res = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${viewer}` } });
  expect(res.status).toBe(200);
  const { events } = (await res.json()) as { events: RecordedEvent[] };
  const pageViews = events
    .filter((e) => e.type === EventType.Meta)
    .map((e) => new URL((e.data as { href: string }).href).pathname);
  expect(pageViews).toEqual(['/shop/first.html', '/shop/second.html']);
  const snapshots = events
    .filter((e) => e.type === EventType.FullSnapshot)
    .map((e) => JSON.stringify(e.data));
  expect(snapshots).toHaveLength(2);
  expect(snapshots[0]).toContain(FIRST_PAGE_TEXT);
  expect(snapshots[1]).toContain(SECOND_PAGE_TEXT);
  await context.close();
});
