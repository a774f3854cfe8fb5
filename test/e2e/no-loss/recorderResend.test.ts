/**
 * The recorder re-sends what was not acknowledged, across a server restart: a visitor on the demo
 * site in Chromium keeps interacting while the server is down (the recorder's batches fail), the
 * server comes back on the same port and data directory, and every batch the recorder made is
 * stored exactly once, the failed ones included, with no gap in the session's sequence.
 */
import { gunzipSync } from 'node:zlib';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadConfig, type RunningServer, startServer } from '../../../packages/server/src/index.js';
import { makeTempDir } from '../../../packages/server/test/support/tempDir.js';
import { launchChromium } from '../../support/browser.js';
import { freePort, storedSeqs } from '../../support/veilProcess.js';

const temp = makeTempDir('veil-resend-');
let server: RunningServer | undefined;
let browser: Browser | undefined;

afterAll(async () => {
  await browser?.close();
  await server?.close();
  temp.remove();
});

let config: ReturnType<typeof loadConfig>;

beforeAll(async () => {
  const port = await freePort();
  config = loadConfig(
    {
      PORT: String(port),
      HOST: '127.0.0.1',
      VEIL_DATA_DIR: `${temp.dir}/data`,
      VEIL_ADMIN_PASSWORD: 'resend-owner-password',
      VEIL_DEMO: 'true',
      VEIL_LOG_LEVEL: 'warn',
      VEIL_MASTER_KEY: Buffer.alloc(32, 3).toString('base64'),
    },
    temp.dir,
  );
  server = await startServer(config, { logStream: { write: () => undefined }, print: () => undefined });
  browser = await launchChromium();
});

/** The batch a request carried (gzip or plain JSON body), or undefined for other requests. */
function batchOf(body: Buffer | null): { sessionId: string; seq: number } | undefined {
  if (!body) return undefined;
  try {
    const text =
      body[0] === 0x1f && body[1] === 0x8b ? gunzipSync(body).toString('utf8') : body.toString('utf8');
    const batch = JSON.parse(text) as { sessionId?: unknown; seq?: unknown };
    return typeof batch.sessionId === 'string' && typeof batch.seq === 'number'
      ? { sessionId: batch.sessionId, seq: batch.seq }
      : undefined;
  } catch {
    return undefined;
  }
}

async function interact(page: Page, round: number): Promise<void> {
  await page.mouse.move(100 + round * 10, 200);
  await page.mouse.click(300, 300 + round * 5);
  await page.mouse.wheel(0, 200);
  await page.evaluate(() => (window as unknown as { veil: (c: string) => void }).veil('flush'));
}

it('re-sends the batches that failed while the server was down, each stored once', async () => {
  if (!server || !browser) throw new Error('not started');
  const page = await (await browser.newContext()).newPage();
  const acknowledged = new Set<number>();
  const failed = new Set<number>();
  let sessionId = '';
  page.on('requestfailed', (request) => {
    if (!request.url().includes('/ingest/v1/batch')) return;
    const batch = batchOf(request.postDataBuffer());
    if (batch) failed.add(batch.seq);
  });
  page.on('response', (response) => {
    if (!response.url().includes('/ingest/v1/batch') || response.status() !== 202) return;
    const batch = batchOf(response.request().postDataBuffer());
    if (!batch) return;
    sessionId = batch.sessionId;
    acknowledged.add(batch.seq);
  });

  const url = server.url;
  await page.goto(`${url}/demo/`);
  await page.getByRole('button', { name: 'Accept analytics' }).click();
  await page.waitForResponse((r) => r.url().includes('/r/v1/recorder.js'));
  await interact(page, 0);
  await expect.poll(() => acknowledged.size, { timeout: 15_000 }).toBeGreaterThan(0);

  // The server goes away; the visitor goes on.
  await server.close();
  server = undefined;
  for (let round = 1; round <= 4; round++) {
    await interact(page, round);
    await page.waitForTimeout(400);
  }
  await expect.poll(() => failed.size, { timeout: 15_000 }).toBeGreaterThan(0);
  const failedWhileDown = [...failed];

  server = await startServer(config, { logStream: { write: () => undefined }, print: () => undefined });
  // The recorder's backoff brings the failed batches back without any help; flushing only hurries.
  await expect
    .poll(
      async () => {
        await page.evaluate(() => (window as unknown as { veil: (c: string) => void }).veil('flush'));
        return failedWhileDown.every((seq) => acknowledged.has(seq));
      },
      { timeout: 60_000, interval: 1_000 },
    )
    .toBe(true);
  await interact(page, 5);
  const last = Math.max(...acknowledged);
  await page.close({ runBeforeUnload: true });
  await server.close();
  server = undefined;

  const stored = storedSeqs(`${temp.dir}/data`, sessionId).get(sessionId) ?? [];
  process.stderr.write(
    `recorder re-send: ${failedWhileDown.length} batches failed while down, ${acknowledged.size} acknowledged, ${stored.length} stored\n`,
  );
  // Every acknowledged batch once, and no gap: nothing the recorder made was lost.
  for (let seq = 0; seq <= last; seq++)
    expect(
      stored.filter((s) => s === seq),
      `seq ${seq}`,
    ).toHaveLength(1);
  expect(new Set(stored).size).toBe(stored.length);
});
