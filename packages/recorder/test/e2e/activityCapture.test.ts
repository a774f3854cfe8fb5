import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  DEFAULT_PRIVACY_POLICY,
  EventType,
  MAX_ERROR_MESSAGE_CHARS,
  MAX_ERROR_STACK_CHARS,
  VeilCustomTag,
} from '@veil/core';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../../../test/support/browser.js';
import { flushUntil } from '../../../../test/support/waitFor.js';
import { startVeilTestServer, type VeilTestServer } from './support/veilTestServer.js';

// Errors and network metadata as the recorder captures them in Chromium (#19): console.error, an
// unhandled rejection and an uncaught exception become veil.error (redacted, capped); fetch and
// XHR become veil.net (method, path without query, status, duration, size; never headers or
// bodies); with the policy's switches off neither leaves the browser. One page load per case.

const here = dirname(fileURLToPath(import.meta.url));
const recorderDir = join(here, '../..');
const SITE_KEY = 'site_activity_01';
const PLANTED = [
  'console.person@example.org',
  'rejection.person@example.org',
  'thrown.person@example.org',
  'FetchQuerySecret',
  'FetchFragment',
  'FetchHeaderSecret',
  'X-Secret',
  'XhrQuerySecret',
  'XhrHeaderSecret',
  'XhrBodySecret',
];

type Payload = Record<string, unknown>;

let browser: Browser;
let server: VeilTestServer;
let policy: Record<string, unknown> = {};

beforeAll(async () => {
  execFileSync(process.execPath, ['build.mjs'], { cwd: recorderDir, stdio: 'pipe' });
  server = await startVeilTestServer({
    distDir: join(recorderDir, 'dist'),
    pagesDir: join(here, 'pages'),
    siteKey: SITE_KEY,
    config: () => ({
      siteKey: SITE_KEY,
      lawfulBasis: 'legitimate_interest',
      samplingPercent: 100,
      policy: {
        ...DEFAULT_PRIVACY_POLICY,
        lawfulBasis: 'legitimate_interest',
        samplingPercent: 100,
        ...policy,
      },
    }),
  });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** Loads the page under `withPolicy`, runs its errors and requests, returns what the browser sent. */
async function visit(
  withPolicy: Record<string, unknown>,
): Promise<{ text: string; custom: (tag: string) => Payload[] }> {
  policy = withPolicy;
  const from = server.batches().length;
  const batches = () => server.batches().slice(from);
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(`${server.pageOrigin}/pages/activity.html`);
    // The recorder runs (its first batch arrived) before the page makes its errors and requests.
    await flushUntil(
      page,
      () => (batches().some((b) => b.text.includes('"type":2')) ? true : undefined),
      'a full snapshot',
    );
    await page.evaluate(() => (window as unknown as { run: () => Promise<void> }).run());
    await flushUntil(
      page,
      () => (batches().some((b) => b.text.includes('"activity"')) ? true : undefined),
      'the tag sent after the activity',
    );
  } finally {
    await context.close();
  }
  const events = batches().flatMap((b) => b.batch.events);
  return {
    text: batches()
      .map((b) => b.text)
      .join('\n'),
    custom: (tag) =>
      events.flatMap((e) =>
        e.type === EventType.Custom && e.data.tag === tag ? [e.data.payload as Payload] : [],
      ),
  };
}

describe('errors and network metadata in Chromium', () => {
  it('captures errors redacted and capped, requests as metadata only (the default policy)', async () => {
    const { text, custom } = await visit({});
    for (const planted of PLANTED) expect(text, planted).not.toContain(planted);

    const errors = custom(VeilCustomTag.Error);
    expect(errors.map((e) => e.kind).sort()).toEqual(['console', 'error', 'rejection']);
    for (const e of errors) {
      expect(Object.keys(e).every((k) => ['kind', 'message', 'stack', 'path'].includes(k))).toBe(true);
      expect((e.message as string).length).toBeLessThanOrEqual(MAX_ERROR_MESSAGE_CHARS);
      expect(((e.stack as string | undefined) ?? '').length).toBeLessThanOrEqual(MAX_ERROR_STACK_CHARS);
      expect(e.path).toBe('/pages/activity.html');
    }
    const byKind = Object.fromEntries(errors.map((e) => [e.kind, e as { message: string; stack?: string }]));
    const chars = (kind: string, field: 'message' | 'stack') => byKind[kind]?.[field]?.length;
    expect(byKind.console?.message).toMatch(/^console says /);
    expect(chars('console', 'message')).toBe(MAX_ERROR_MESSAGE_CHARS);
    expect(byKind.rejection?.message).toMatch(/^Error: rejected for /);
    expect(byKind.error?.message).toMatch(/^Error: thrown for /);
    expect(chars('error', 'message')).toBe(MAX_ERROR_MESSAGE_CHARS);
    expect(chars('error', 'stack')).toBe(MAX_ERROR_STACK_CHARS);

    const requests = custom(VeilCustomTag.Network);
    expect(requests).toHaveLength(2);
    const [fetched, posted] = requests;
    expect(fetched).toMatchObject({ method: 'GET', reqPath: '/pages/activity.html', status: 200 });
    // Content-Length of the page as served (its placeholders filled in).
    expect(fetched?.size).toBeGreaterThan(500);
    expect(posted).toMatchObject({ method: 'POST', reqPath: '/api/missing', status: 404 });
    for (const r of requests) {
      expect(
        Object.keys(r).every((k) => ['method', 'reqPath', 'status', 'ms', 'size', 'path'].includes(k)),
      ).toBe(true);
      expect(r.ms).toBeGreaterThanOrEqual(0);
      expect(r.path).toBe('/pages/activity.html');
    }
  });

  it('sends no error and no network event with the switches off', async () => {
    const { text, custom } = await visit({ captureErrors: false, captureNetworkMetadata: false });
    expect(custom(VeilCustomTag.Error)).toEqual([]);
    expect(custom(VeilCustomTag.Network)).toEqual([]);
    expect(text).not.toContain(VeilCustomTag.Error);
    expect(text).not.toContain(VeilCustomTag.Network);
    for (const planted of PLANTED) expect(text, planted).not.toContain(planted);
  });
});
