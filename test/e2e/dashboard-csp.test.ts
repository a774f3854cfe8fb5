/**
 * The dashboard under its Content-Security-Policy, in real Chromium: every screen (replay and
 * heatmap included, whose about:blank frames inherit the policy) loads with zero CSP violations,
 * counted from `securitypolicyviolation` events of the page and every frame, and from the console.
 * A control first proves the counting works: an inline script injected into the dashboard is
 * refused and counted.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../packages/server/src/index.js';
import { launchChromium } from '../support/browser.js';
import { type DashboardServer, ownerFor, signIn, startDashboardServer } from '../support/dashboard.js';
import { flushUntil } from '../support/waitFor.js';

const OWNER = ownerFor('csp');

let veil: DashboardServer | undefined;
let server: RunningServer;
let baseUrl: string;
let browser: Browser;

beforeAll(async () => {
  veil = await startDashboardServer(OWNER, { env: { VEIL_DEMO: 'true' } });
  server = veil.server;
  baseUrl = server.url;
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await veil?.close();
});

interface Violations {
  events: string[];
  console: string[];
}

/** Collects every CSP violation of the context's pages and frames (init script) and console. */
async function watchViolations(context: BrowserContext, page: Page): Promise<Violations> {
  const found: Violations = { events: [], console: [] };
  await context.exposeBinding('__veilCspViolation', (_source, text: string) => {
    found.events.push(text);
  });
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      const report = (window as unknown as { __veilCspViolation?: (t: string) => void }).__veilCspViolation;
      report?.(`${e.violatedDirective} ${e.blockedURI} at ${document.location.href}`);
    });
  });
  page.on('console', (message) => {
    if (/Content Security Policy|Content-Security-Policy/i.test(message.text()))
      found.console.push(message.text());
  });
  return found;
}

/** The id of the demo site's session that holds two page views, once the server stored them. */
async function storedVisit(): Promise<string | undefined> {
  const site = await server.store.sites.findByKey(server.demoSiteKey ?? '');
  if (!site) return undefined;
  const sessions = await server.store.recordings.list({ siteId: site.id, limit: 10 });
  return sessions.find((s) => s.pageCount >= 2)?.id;
}

/** One consented visit of the demo site: a session to replay and a page for the heatmap screen. */
async function visitDemo(): Promise<string> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  try {
    const page = await context.newPage();
    const recorderLoaded = page.waitForResponse((r) => r.url().includes('/r/v1/recorder.js'), {
      timeout: 15_000,
    });
    await page.goto(`${baseUrl}/demo/`);
    await page.getByRole('button', { name: 'Accept analytics' }).click();
    await recorderLoaded;
    await page.click('#link-clinic');
    await page.waitForURL('**/clinic/intake.html');
    await page.locator('#full-name').pressSequentially('Someone');
    // The tab stays open until both page views are stored (the recorder asked to flush meanwhile).
    const sessionId = await flushUntil(page, storedVisit, 'the demo visit stored with both pages');
    await page.close({ runBeforeUnload: true });
    return sessionId;
  } finally {
    await context.close();
  }
}

async function login(page: Page): Promise<void> {
  await signIn(page, baseUrl, OWNER);
  await page.getByTestId('site-card').first().waitFor();
}

describe('dashboard Content-Security-Policy', () => {
  it('counts a violation when an inline script is injected (the control)', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const found = await watchViolations(context, page);
    const response = await page.goto(`${baseUrl}/`);
    expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
    await page.getByTestId('login-email').waitFor();
    const ran = await page.evaluate(() => {
      const script = document.createElement('script');
      script.textContent = 'window.__inlineRan = true';
      document.body.append(script);
      return (window as unknown as { __inlineRan?: boolean }).__inlineRan === true;
    });
    expect(ran, 'the inline script is refused').toBe(false);
    await expect.poll(() => found.events.length).toBe(1);
    expect(found.events[0]).toMatch(/^script-src/);
    await context.close();
  });

  it('loads every screen, a replay and the heatmaps with zero violations', async () => {
    const siteKey = server.demoSiteKey;
    expect(siteKey).toBeTruthy();
    const sessionId = await visitDemo();

    const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    const page = await context.newPage();
    const found = await watchViolations(context, page);
    await login(page);

    const screens = [
      '/',
      `/sites/${siteKey}/sessions`,
      `/sites/${siteKey}/heatmaps`,
      `/sites/${siteKey}/funnels`,
      `/sites/${siteKey}/consent`,
      `/sites/${siteKey}/compliance`,
      `/sites/${siteKey}/inventory`,
      `/sites/${siteKey}/privacy`,
      `/sites/${siteKey}/privacy/preview`,
      `/sites/${siteKey}/incidents`,
      '/privacy-requests',
      '/audit',
      '/audit/access',
      '/users',
    ];
    for (const screen of screens) {
      await page.goto(`${baseUrl}${screen}`);
      await page.waitForLoadState('networkidle');
      // A late report lands in a later check; it names the document it came from.
      expect(found, `after ${screen}`).toEqual({ events: [], console: [] });
    }

    // One visitor is no cohort: the heatmap screen says so (the minimum cohort, 20 by default).
    await page.goto(`${baseUrl}/sites/${siteKey}/heatmaps`);
    const refused = page.getByTestId('heatmap-cohort-refused');
    await refused.waitFor();
    expect(await refused.textContent()).toContain('Too few visitors to show a heatmap');

    // A raw replay: the player's about:blank frame inherits the dashboard's policy.
    await page.goto(`${baseUrl}/sessions/${sessionId}`);
    await page.getByTestId('purpose-input').fill('CSP check: replay renders under the policy');
    await page.getByTestId('purpose-submit').click();
    const stage = page.getByTestId('player-container');
    await expect.poll(() => stage.getAttribute('data-state'), { timeout: 15_000 }).toBe('ready');
    await page.getByTestId('play-button').click();
    await page.waitForTimeout(1_500);
    // rrweb's own inline styles are in the frame: the policy let them apply.
    const frameStyles = await stage
      .locator('iframe')
      .evaluate((frame) => (frame as HTMLIFrameElement).contentDocument?.styleSheets.length ?? 0);
    expect(frameStyles).toBeGreaterThan(0);
    expect(found, 'after the replay').toEqual({ events: [], console: [] });
    await context.close();
  });
});
