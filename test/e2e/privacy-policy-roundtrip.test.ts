/**
 * Policy round trip in Chromium: every field of the privacy policy changes capture the way it
 * says. Each case publishes a policy version (as the dashboard or `veil policy push` would), loads
 * a page with the real loader and recorder in a fresh browser context (so the site configuration
 * is fetched anew) and checks what the browser sent and what the server stored.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_PRIVACY_POLICY, MASKED_INPUT_VALUE, type PrivacyPolicy } from '@veil/core';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiToken } from '../../packages/server/src/auth/createApiToken.js';
import { systemClock } from '../../packages/server/src/clock.js';
import { loadConfig, type RunningServer, startServer } from '../../packages/server/src/index.js';
import { FinaliseSessionsJob } from '../../packages/server/src/jobs/FinaliseSessionsJob.js';
import { PolicyService } from '../../packages/server/src/privacy/PolicyService.js';
import { createSite } from '../../packages/server/src/sites/createSite.js';
import type { SiteRecord } from '../../packages/server/src/storage/sites/SiteRepository.js';
import { launchChromium } from '../support/browser.js';
import { type CapturedBatch, type IngestTap, startIngestTap } from '../support/ingestCapture.js';
import { grantedEventsPath } from '../support/replayGrant.js';
import { flushUntil, RECORDING_TIMEOUT_MS } from '../support/waitFor.js';

const LIA = {
  purpose: 'policy round trip test',
  necessity: 'each field must be observed in a real browser',
  balancing: 'synthetic pages only',
  safeguards: 'temporary data directory',
};

/** The page of every case: markup each field acts on, with markers to look for in the bytes. */
const BODY = `
<h1>Round trip</h1>
<p id="plain">Hello visible world</p>
<div class="secret-widget">WIDGET-CONTENT-7731</div>
<p class="masked-note">NOTE-TEXT-4410</p>
<p id="ticket">Support ticket TKT-482913 is open</p>
<p id="canary-open">CANARY-open-Xq71-Sentinel</p>
<p class="veil-mask" id="canary-masked">CANARY-masked-Yr52-Sentinel</p>
<label>Quantity <input id="qty" type="text"></label>
<label>Name <input id="name" type="text"></label>
`;

let root: string;
let server: RunningServer;
let browser: Browser;
let tap: IngestTap;
let pages: Server;
let pageOrigin: string;
let site: SiteRecord;
let policies: PolicyService;
let token: string;
let currentHead = '';

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'veil-roundtrip-'));
  server = await startServer(
    loadConfig(
      {
        PORT: '0',
        HOST: '127.0.0.1',
        VEIL_DATA_DIR: join(root, 'data'),
        VEIL_DEMO: 'false',
        VEIL_LOG_LEVEL: 'warn',
        VEIL_REGION_HEADER: 'x-test-country',
      },
      root,
    ),
    { logStream: { write: () => {} }, print: () => {} },
  );
  pages = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (!url.pathname.startsWith('/p/')) return void res.writeHead(204).end();
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(
      `<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>Round trip</title>
<script>window.veil=window.veil||function(){(veil.q=veil.q||[]).push(arguments)};</script>
${currentHead}</head><body>${BODY}</body></html>`,
    );
  });
  await new Promise<void>((r) => pages.listen(0, '127.0.0.1', r));
  pageOrigin = `http://localhost:${(pages.address() as AddressInfo).port}`;
  site = await createSite(server.store, systemClock, {
    name: 'Round trip',
    origins: [pageOrigin],
    samplingPercent: 100,
  });
  policies = new PolicyService({ store: server.store, clock: systemClock, audit: server.app.veil.audit });
  ({ token } = await createApiToken(server.store, systemClock, {
    role: 'owner',
    name: 'round trip',
    expiresInDays: null,
  }));
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

/** Publishes the policy: the defaults (legitimate interest so no consent step is needed) plus `changes`. */
async function publish(changes: Partial<PrivacyPolicy>): Promise<void> {
  const current = await policies.current((await server.store.sites.findById(site.id))!);
  const next: PrivacyPolicy = {
    ...DEFAULT_PRIVACY_POLICY,
    lawfulBasis: 'legitimate_interest',
    legitimateInterestAssessment: LIA,
    samplingPercent: 100,
    minSessionMs: 0,
    ...changes,
  };
  const s = (await server.store.sites.findById(site.id))!;
  const changed = JSON.stringify(current.policy) !== JSON.stringify({ ...current.policy, ...next });
  if (changed)
    await policies.update(s, next, `round trip: ${Object.keys(changes).join(', ') || 'defaults'}`, {
      type: 'system',
      id: null,
      label: 'e2e',
    });
}

interface Visit {
  page: Page;
  context: BrowserContext;
  /** Ingest requests of this visit (decompressed bodies). */
  batches: () => CapturedBatch[];
  sessionId: () => Promise<string | undefined>;
}

/** Loads a page in a fresh context, waits for the recorder (or for it not to come), flushes. */
async function visit(
  path: string,
  options: {
    head?: string;
    expectRecording: boolean;
    contextOptions?: Parameters<Browser['newContext']>[0];
    init?: () => void;
  } = {
    expectRecording: true,
  },
): Promise<Visit> {
  currentHead =
    options.head ??
    `<script src="${server.url}/r/v1/loader.js" data-site="${site.siteKey}" data-lawful-basis="legitimate_interest" async></script>`;
  const from = tap.batches.length;
  // Pages of earlier cases may still send their last beacons: only this visit's session counts.
  const earlier = new Set(tap.batches.map(sessionOf));
  const context = await browser.newContext({ ...options.contextOptions, proxy: { server: tap.server } });
  if (options.init) await context.addInitScript(options.init);
  const page = await context.newPage();
  const recorder = page
    .waitForResponse((r) => r.url().includes('/r/v1/recorder.js'), {
      timeout: options.expectRecording ? RECORDING_TIMEOUT_MS : 8_000,
    })
    .catch(() => null);
  // The gate decides as soon as the site config has come, and asks for a recorder right then. A
  // gate that waits for consent asks for no config: the wait for it runs out (1.5 s) instead.
  const configAnswered = page
    .waitForResponse((r) => r.url().includes(`/r/v1/sites/${site.siteKey}/config`), { timeout: 1_500 })
    .then(async (r) => {
      await r.finished();
      return true;
    })
    .catch(() => false);
  await page.goto(`${pageOrigin}${path}`);
  await page.waitForFunction(() => (window as { veil?: { loaded?: boolean } }).veil?.loaded === true);
  let loaded: unknown;
  if (options.expectRecording) loaded = await recorder;
  else if (await configAnswered) {
    // A recorder the gate starts is asked for within moments of the config.
    loaded = await Promise.race([recorder, page.waitForTimeout(500).then(() => null)]);
  }
  if (options.expectRecording) expect(loaded, 'the recorder loads').not.toBeNull();
  const own = () => tap.batches.slice(from).filter((b) => !earlier.has(sessionOf(b)));
  // Asked often: each round that finds nothing yet costs its pause.
  const often = { intervalMs: 100 };
  // The recorder may start seconds after its script arrived: type only once it records (its
  // first batch left), then keep flushing until a batch after the typing left too.
  const running = options.expectRecording
    ? await flushUntil(page, () => own().length || undefined, 'the first batch of this visit', often)
    : 0;
  await page.locator('#qty').fill('17');
  await page.locator('#name').fill('Zelda Typed');
  if (options.expectRecording) {
    await flushUntil(
      page,
      () => (own().length > running ? true : undefined),
      'a batch after the typing',
      often,
    );
  } else {
    await page.evaluate(() => (window as unknown as { veil: (...a: unknown[]) => void }).veil('flush'));
    // Nothing may leave: a short window in which a wrongly started recorder would send.
    await page.waitForTimeout(500);
  }
  return {
    page,
    context,
    batches: own,
    sessionId: () =>
      page.evaluate(() => {
        const raw = sessionStorage.getItem('veil:session');
        return raw ? (JSON.parse(raw) as { id: string }).id : undefined;
      }),
  };
}

/** A reverse proxy in front of Veil that sets the country header, as a CDN would. */
async function startCountryProxy(
  target: string,
  country: string,
): Promise<{ url: string; close: () => Promise<void> }> {
  const proxy = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const upstream = httpRequest(
        `${target}${req.url ?? '/'}`,
        {
          method: req.method,
          headers: { ...req.headers, host: new URL(target).host, 'x-test-country': country },
        },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on('error', () => res.writeHead(502).end());
      upstream.end(Buffer.concat(chunks));
    });
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((r) => {
        proxy.closeAllConnections();
        proxy.close(() => r());
      }),
  };
}

function sessionOf(b: CapturedBatch): string {
  try {
    return String((JSON.parse(b.body.toString('utf8')) as { sessionId?: unknown }).sessionId);
  } catch {
    return '';
  }
}

const sent = (v: Visit): string =>
  v
    .batches()
    .map((b) => b.body.toString('utf8'))
    .join('\n');

async function api<T>(path: string): Promise<{ status: number; json: T; text: string }> {
  const res = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  const text = await res.text();
  return { status: res.status, json: JSON.parse(text) as T, text };
}

/** The stored events' JSON, or undefined when nothing of the session is stored (no such session). */
async function storedText(sessionId: string): Promise<string | undefined> {
  const listed = await api<unknown>(`/api/v1/sessions/${encodeURIComponent(sessionId)}`);
  if (listed.status === 404) return undefined;
  const res = await api<unknown>(await grantedEventsPath(server.url, token, sessionId, 'policy round trip'));
  return res.status === 200 ? res.text : undefined;
}

describe('every policy field changes capture in Chromium', () => {
  it('lawfulBasis: consent waits for consent; legitimate interest (with its assessment) records at once', async () => {
    await publish({ lawfulBasis: 'consent', legitimateInterestAssessment: undefined });
    const consent = await visit('/p/a.html', {
      expectRecording: false,
      head: `<script src="${server.url}/r/v1/loader.js" data-site="${site.siteKey}" async></script>`,
    });
    expect(consent.batches()).toEqual([]);
    await consent.context.close();
    await publish({});
    const li = await visit('/p/a.html');
    expect(sent(li)).toContain('Hello visible world');
    await li.context.close();
  });

  it('samplingPercent: 0 records nobody', async () => {
    await publish({ samplingPercent: 0 });
    const v = await visit('/p/a.html', { expectRecording: false });
    expect(v.batches()).toEqual([]);
    await v.context.close();
  });

  it('honourGlobalPrivacyControl: a GPC browser is recorded only when the policy says not to honour it', async () => {
    const gpc = () =>
      Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', {
        get: () => true,
        configurable: true,
      });
    const head = `<script src="${server.url}/r/v1/loader.js" data-site="${site.siteKey}" data-lawful-basis="legitimate_interest" data-gpc="ignore" async></script>`;
    await publish({ honourGlobalPrivacyControl: true });
    const honoured = await visit('/p/a.html', { expectRecording: false, head, init: gpc });
    expect(honoured.batches()).toEqual([]);
    await honoured.context.close();
    await publish({ honourGlobalPrivacyControl: false });
    const ignored = await visit('/p/a.html', { expectRecording: true, head, init: gpc });
    expect(sent(ignored)).toContain('Hello visible world');
    await ignored.context.close();
  });

  it('pageAllowList and pageDenyList: only allowed, never denied pages', async () => {
    await publish({ pageAllowList: ['/p/allowed*'], pageDenyList: ['/p/allowed-but-denied*'] });
    const outside = await visit('/p/other.html', { expectRecording: false });
    expect(outside.batches()).toEqual([]);
    await outside.context.close();
    const denied = await visit('/p/allowed-but-denied.html', { expectRecording: false });
    expect(denied.batches()).toEqual([]);
    await denied.context.close();
    const allowed = await visit('/p/allowed.html');
    expect(sent(allowed)).toContain('/p/allowed.html');
    await allowed.context.close();
  });

  it('blockSelectors, maskTextSelectors, maskAllText, unmaskSelectors and customPatterns shape what is sent', async () => {
    await publish({});
    const control = await visit('/p/a.html');
    const plain = sent(control);
    for (const marker of ['WIDGET-CONTENT-7731', 'NOTE-TEXT-4410', 'TKT-482913', 'Hello visible world'])
      expect(plain).toContain(marker);
    expect(plain).not.toContain('"text":"17"');
    await control.context.close();

    await publish({
      blockSelectors: ['.secret-widget'],
      maskTextSelectors: ['.masked-note'],
      unmaskSelectors: ['#qty'],
      customPatterns: [{ label: 'ticket', pattern: 'TKT-\\d{6}' }],
    });
    const shaped = await visit('/p/a.html');
    const body = sent(shaped);
    expect(body).not.toContain('WIDGET-CONTENT-7731');
    expect(body).not.toContain('NOTE-TEXT-4410');
    expect(body).toContain('**********');
    expect(body).not.toContain('TKT-482913');
    expect(body).toContain('Support ticket **********');
    expect(body).toContain('"text":"17"'); // the unmasked quantity
    expect(body).not.toContain('Zelda Typed');
    expect(body).toContain(MASKED_INPUT_VALUE);
    expect(body).toContain('Hello visible world');
    await shaped.context.close();

    await publish({ maskAllText: true });
    const allMasked = await visit('/p/a.html');
    expect(sent(allMasked)).not.toContain('Hello visible world');
    expect(sent(allMasked)).toContain('***** ******* *****');
    await allMasked.context.close();
  });

  it('allowedUrlParams: listed query parameters stay in recorded URLs, others go', async () => {
    await publish({ allowedUrlParams: ['campaign'] });
    const v = await visit('/p/a.html?campaign=spring&token=abc123#frag');
    const body = sent(v);
    expect(body).toContain('/p/a.html?campaign=spring');
    expect(body).not.toContain('abc123');
    expect(body).not.toContain('frag');
    await v.context.close();
  });

  it('ipBlockList: batches from a blocked address are refused, nothing is stored', async () => {
    await publish({ ipBlockList: ['127.0.0.0/8', '::1'] });
    const v = await visit('/p/a.html');
    expect(v.batches().every((b) => b.status === 403)).toBe(true);
    const id = await v.sessionId();
    expect(id).toBeDefined();
    expect(await storedText(id!)).toBeUndefined();
    await v.context.close();
  });

  it('restrictedRegions: batches from a restricted country (trusted proxy header) are refused', async () => {
    await publish({ restrictedRegions: ['RU'] });
    // The country header comes from a trusted reverse proxy in front of Veil, as in production.
    const viaProxy = async (country: string) => {
      const proxy = await startCountryProxy(server.url, country);
      try {
        const head = `<script src="${proxy.url}/r/v1/loader.js" data-site="${site.siteKey}" data-lawful-basis="legitimate_interest" async></script>`;
        const v = await visit('/p/a.html', { head, expectRecording: true });
        const statuses = v.batches().map((b) => b.status);
        await v.context.close();
        return statuses;
      } finally {
        await proxy.close();
      }
    };
    const restricted = await viaProxy('RU');
    expect(restricted.length).toBeGreaterThan(0);
    expect(restricted.every((s) => s === 403)).toBe(true);
    expect((await viaProxy('DE')).every((s) => s === 202)).toBe(true);
  });

  it('captureNetworkPayloads: network payload events are stored only when the policy allows them', async () => {
    const postWithNetworkEvent = async (v: Visit) => {
      const id = await v.sessionId();
      const status = await v.page.evaluate(
        async ({ url, siteKey, sessionId }) => {
          const body = {
            v: 1,
            siteKey,
            sessionId,
            seq: 900,
            sentAt: Date.now(),
            events: [
              {
                type: 3,
                timestamp: Date.now(),
                data: { source: 1, positions: [{ x: 1, y: 1, id: 1, timeOffset: 0 }] },
              },
              {
                type: 6,
                timestamp: Date.now(),
                data: { plugin: 'rrweb/network@1', payload: { body: 'NETWORK-BODY-5521' } },
              },
            ],
          };
          return (
            await fetch(url, {
              method: 'POST',
              headers: { 'content-type': 'text/plain' },
              body: JSON.stringify(body),
            })
          ).status;
        },
        { url: `${server.url}/ingest/v1/batch`, siteKey: site.siteKey, sessionId: id! },
      );
      expect(status).toBe(202);
      return id!;
    };
    await publish({ captureNetworkPayloads: false });
    const off = await visit('/p/a.html');
    expect(await storedText(await postWithNetworkEvent(off))).not.toContain('NETWORK-BODY-5521');
    await off.context.close();
    await publish({ captureNetworkPayloads: true });
    const on = await visit('/p/a.html');
    expect(await storedText(await postWithNetworkEvent(on))).toContain('NETWORK-BODY-5521');
    await on.context.close();
  });

  it('minSessionMs: sessions shorter than the minimum are discarded when finalised', async () => {
    await publish({ minSessionMs: 600_000 });
    const short = await visit('/p/a.html');
    const shortId = (await short.sessionId())!;
    await short.context.close();
    await publish({ minSessionMs: 0 });
    const kept = await visit('/p/a.html');
    const keptId = (await kept.sessionId())!;
    await kept.context.close();
    await expect
      .poll(async () => (await storedText(shortId)) !== undefined && (await storedText(keptId)) !== undefined)
      .toBe(true);
    // Finalise now (as if 30 idle minutes had passed) with each site's current policy; the short
    // session was recorded under the 10-minute minimum, which the job reads from the policy then.
    await publish({ minSessionMs: 600_000 });
    const job = new FinaliseSessionsJob(
      { store: server.store, clock: systemClock, logger: server.app.log },
      -60_000,
    );
    const result = await job.runOnce();
    expect(result.discarded).toBeGreaterThanOrEqual(2);
    expect(await storedText(shortId)).toBeUndefined();
    const drops = await api<{ drops: Array<{ reason: string; count: number }> }>(
      `/api/v1/sites/${site.siteKey}/privacy-drops`,
    );
    expect(drops.json.drops.find((d) => d.reason === 'session_too_short')?.count).toBeGreaterThanOrEqual(2);
  });

  it('canaries: a sentinel that arrives unmasked raises a critical alert; a masked one does not', async () => {
    await publish({
      canaries: [
        { label: 'open-sentinel', value: 'CANARY-open-Xq71-Sentinel' },
        { label: 'masked-sentinel', value: 'CANARY-masked-Yr52-Sentinel' },
      ],
    });
    // The config the browser gets never names the canaries.
    const config = await (await fetch(`${server.url}/r/v1/sites/${site.siteKey}/config`)).text();
    expect(config).not.toContain('CANARY-');
    const v = await visit('/p/a.html');
    const id = (await v.sessionId())!;
    await v.context.close();
    const alerts = await expect
      .poll(
        async () =>
          (
            await api<{ alerts: Array<{ label: string; sessionId: string }> }>(
              `/api/v1/sites/${site.siteKey}/privacy-alerts`,
            )
          ).json.alerts,
      )
      .toEqual([expect.objectContaining({ label: 'open-sentinel', sessionId: id })]);
    void alerts;
    expect(await storedText(id)).not.toContain('CANARY-open-Xq71-Sentinel');
  });

  it('retentionDays and the preset travel with the policy: served, versioned, diffed against the preset', async () => {
    await publish({ retentionDays: 7, preset: 'tisax', customPatterns: [] });
    const { json } = await api<{ policy: PrivacyPolicy; preset: { preset: string; text: string } }>(
      `/api/v1/sites/${site.siteKey}/policy`,
    );
    expect(json.policy.retentionDays).toBe(7);
    expect(json.preset.preset).toBe('tisax');
    expect(json.preset.text).toContain('- customPatterns');
    const versions = await api<{ versions: unknown[] }>(
      `/api/v1/sites/${site.siteKey}/policy/versions?limit=500`,
    );
    expect(versions.json.versions.length).toBeGreaterThan(15);
  });
});
