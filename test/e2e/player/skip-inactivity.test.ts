/**
 * The player skips inactivity visibly: a visit recorded by the real loader and recorder in
 * Chromium holds a long idle gap (the page's clock jumps a minute forward between two clicks,
 * through Playwright's fake clock, so the test does not wait a minute); in the dashboard's player
 * the gap is shaded on the timeline, playback shows the "skipping inactivity" indicator and plays
 * through the gap in seconds, and with the toggle switched off by keyboard the same gap plays in
 * real time.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parsePrivacyPolicy } from '@veil/core';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SiteRecord } from '../../../packages/server/src/storage/sites/SiteRepository.js';
import { launchChromium } from '../../support/browser.js';
import { signIn } from '../../support/dashboard.js';
import { apiGet, eventually, personContext, startVeil, type Veil } from '../heatmaps/support.js';

const here = dirname(fileURLToPath(import.meta.url));
/** The idle gap between the two clicks, on the page's clock. */
const IDLE_MS = 60_000;

let veil: Veil;
let browser: Browser;
let pages: Server;
let pagesOrigin: string;
let site: SiteRecord;

beforeAll(async () => {
  veil = await startVeil({ VEIL_DEMO: 'false' });
  browser = await launchChromium();
  const html = readFileSync(join(here, 'pages', 'idle.html'), 'utf8');
  pages = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(html.replaceAll('{{VEIL_ORIGIN}}', veil.baseUrl).replaceAll('{{SITE_KEY}}', site.siteKey));
  });
  await new Promise<void>((resolve) => pages.listen(0, '127.0.0.1', resolve));
  pagesOrigin = `http://localhost:${(pages.address() as AddressInfo).port}`;
  site = await veil.server.store.sites.create({
    siteKey: 'site_e2e_idle',
    name: 'Idle',
    origins: [pagesOrigin],
    policy: parsePrivacyPolicy({
      lawfulBasis: 'legitimate_interest',
      legitimateInterestAssessment: {
        purpose: 'see how articles are read',
        necessity: 'replays of reading sessions',
        balancing: 'masked, purpose-bound replay',
        safeguards: 'default masking',
      },
      samplingPercent: 100,
    }),
    createdAt: Date.now(),
  });
});
afterAll(async () => {
  await browser?.close();
  pages?.closeAllConnections();
  await new Promise((r) => pages?.close(r));
  await veil?.close();
});

async function flush(page: Page): Promise<void> {
  const sent = page.waitForResponse((r) => r.url().endsWith('/ingest/v1/batch') && r.status() === 202);
  await page.evaluate(() => (window as unknown as { veil: (...a: unknown[]) => void }).veil('flush'));
  await sent;
}

describe('skipping inactivity in the player', () => {
  let sessionId = '';

  it('records a visit with a minute of idleness between two clicks', async () => {
    const context = await personContext(browser, 1280);
    const page = await context.newPage();
    try {
      // The page's clock starts two minutes back, so the jump ahead stays in the server's past.
      await page.clock.install({ time: Date.now() - 2 * IDLE_MS });
      const recorder = page.waitForResponse((r) => r.url().includes('/r/v1/recorder.js'));
      await page.goto(`${pagesOrigin}/article`);
      await recorder;
      await page.waitForFunction(() => sessionStorage.getItem('veil:segment') !== null);
      await page.waitForTimeout(300);
      await page.click('#before');
      await page.waitForTimeout(300);
      await flush(page);
      await page.clock.fastForward(IDLE_MS);
      await page.waitForTimeout(300);
      await page.click('#after');
      await page.waitForTimeout(500);
      await flush(page);
    } finally {
      await context.close();
    }
    const sessions = await eventually(
      async () => {
        const { body } = await apiGet<{ sessions: { id: string }[] }>(
          veil,
          `/api/v1/sites/${site.siteKey}/sessions`,
        );
        return body.sessions.length > 0 ? body.sessions : undefined;
      },
      15_000,
      'the idle session',
    );
    expect(sessions).toHaveLength(1);
    sessionId = (sessions[0] as { id: string }).id;
  });

  it('shades the idle stretch on the timeline and plays through it in seconds, visibly', async () => {
    expect(sessionId).not.toBe('');
    const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    const page = await context.newPage();
    try {
      await signIn(page, veil.baseUrl, veil.owner);
      await page.getByTestId('site-card').first().waitFor();
      await page.goto(`${veil.baseUrl}/sessions/${encodeURIComponent(sessionId)}`);
      await page.getByTestId('purpose-input').fill('player e2e: inactivity is skipped');
      await page.getByTestId('purpose-submit').click();
      const stage = page.getByTestId('player-container');
      await expect.poll(() => stage.getAttribute('data-state'), { timeout: 20_000 }).toBe('ready');

      const total = Number(await page.getByTestId('timeline').getAttribute('aria-valuemax'));
      expect(total).toBeGreaterThan(IDLE_MS);
      // The gap is shaded: one stretch about a minute long, drawn across most of the bar.
      const shade = page.getByTestId('timeline-inactive');
      await expect.poll(() => shade.count()).toBeGreaterThanOrEqual(1);
      const stretches = await shade.evaluateAll((els) =>
        els.map((el) => ({
          start: Number(el.getAttribute('data-start-ms')),
          end: Number(el.getAttribute('data-end-ms')),
          width: el.getBoundingClientRect().width,
          bar: (el.parentElement as HTMLElement).getBoundingClientRect().width,
        })),
      );
      const gap = stretches.find((s) => s.end - s.start >= IDLE_MS - 2_000);
      expect(gap, JSON.stringify(stretches)).toBeDefined();
      if (gap === undefined) return;
      expect(gap.end - gap.start).toBeLessThan(IDLE_MS + 2_000);
      expect(gap.width / gap.bar).toBeGreaterThan(0.5);
      expect(await shade.first().getAttribute('title')).toContain('(skipped)');

      // Play from just before the gap: the indicator shows, and the minute passes in seconds.
      const seekPosition = async () =>
        Number(await page.getByTestId('timeline').getAttribute('aria-valuenow'));
      await page.getByTestId('timeline').focus();
      const startAt = gap.start;
      while ((await seekPosition()) + 5_000 <= startAt) await page.keyboard.press('ArrowRight');
      const started = Date.now();
      await page.getByTestId('play-button').click();
      await page.getByTestId('skip-indicator').waitFor({ timeout: 10_000 });
      expect(await page.getByTestId('skip-indicator').textContent()).toContain('Skipping inactivity');
      await expect.poll(seekPosition, { timeout: 10_000, interval: 50 }).toBeGreaterThan(gap.end - 1_500);
      const elapsed = Date.now() - started;
      console.info(`skip-inactivity e2e: ${gap.end - gap.start} ms idle played in ${elapsed} ms`);
      expect(elapsed).toBeLessThan(10_000);
      await page.getByTestId('skip-indicator').waitFor({ state: 'detached', timeout: 5_000 });

      // Switched off by keyboard: the same gap plays in real time, without the indicator.
      const play = page.getByTestId('play-button');
      if ((await play.getAttribute('data-playing')) === 'true') await play.click();
      await expect.poll(() => play.getAttribute('data-playing')).toBe('false');
      await page.getByTestId('skip-inactive').focus();
      await page.keyboard.press('Space');
      expect(await page.getByTestId('skip-inactive').isChecked()).toBe(false);
      expect(await shade.first().getAttribute('title')).not.toContain('(skipped)');
      await page.getByTestId('timeline').focus();
      await page.keyboard.press('Home');
      while ((await seekPosition()) + 5_000 <= gap.start + 10_000) await page.keyboard.press('ArrowRight');
      const from = await seekPosition();
      await page.getByTestId('play-button').click();
      await page.waitForTimeout(2_000);
      const advanced = (await seekPosition()) - from;
      expect(advanced).toBeLessThan(4_000);
      expect(await page.getByTestId('skip-indicator').count()).toBe(0);
    } finally {
      await context.close();
    }
  });
});
