import { EventType, NodeType } from '@veil/core';
import type { Browser, BrowserContext, Page, Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newApiToken, tokenHash } from '../../packages/server/src/auth/secrets.js';
import type { RunningServer } from '../../packages/server/src/index.js';
import { createSite } from '../../packages/server/src/sites/createSite.js';
import type { SiteRecord } from '../../packages/server/src/storage/sites/SiteRepository.js';
import { launchChromium } from '../support/browser.js';
import { type DashboardServer, ownerFor, signIn, startDashboardServer } from '../support/dashboard.js';
import { grantedEventsPath } from '../support/replayGrant.js';

// The Users page, the access report and the audit page's access anomalies in Chromium against the
// real server: users and tokens are listed, added and revoked; the access report lists a raw
// replay grant with its purpose; the anomalies follow the page's site picker; a failed load shows
// an error, never an empty list.
// Built dashboard required (`npm run build`).

const OWNER = ownerFor('access');
const ORIGIN = 'https://shop.access.e2e';
const PURPOSE = 'Ticket 4711: checkout button does nothing';

let veil: DashboardServer | undefined;
let server: RunningServer;
let browser: Browser;
let site: SiteRecord;
let sessionId: string;
/** Signed in once: a TOTP code is good for one sign-in only. */
let context: BrowserContext;

async function post(url: string, body: unknown): Promise<void> {
  const res = await server.app.inject({
    method: 'POST',
    url,
    headers: { 'content-type': 'text/plain', origin: ORIGIN },
    payload: JSON.stringify(body),
  });
  expect(res.statusCode, res.body).toBeLessThan(300);
}

/** A replay-viewer API token, made the way `veil tokens create` does. */
async function replayViewerToken(): Promise<string> {
  const token = newApiToken();
  await server.store.apiTokens.create({
    name: 'support desk',
    tokenHash: tokenHash(token),
    role: 'replay_viewer',
    createdBy: null,
    createdAt: Date.now(),
  });
  return token;
}

beforeAll(async () => {
  veil = await startDashboardServer(OWNER);
  server = veil.server;
  site = await createSite(
    server.store,
    { now: () => Date.now() },
    { name: 'Access shop', origins: [ORIGIN], samplingPercent: 100 },
  );
  await post(`/r/v1/sites/${site.siteKey}/consent`, {
    v: 1,
    decision: 'granted',
    receiptId: 'receipt_access_0001',
    granted: ['analytics'],
    denied: [],
    source: 'banner',
  });
  const now = Date.now();
  sessionId = `session_access_${now.toString(36)}`;
  await post('/ingest/v1/batch', {
    v: 1,
    siteKey: site.siteKey,
    sessionId,
    visitorId: 'visitor_access_00001',
    consentReceiptId: 'receipt_access_0001',
    seq: 0,
    sentAt: now,
    events: [
      {
        type: EventType.Meta,
        timestamp: now,
        data: { href: `${ORIGIN}/checkout`, width: 1280, height: 800 },
      },
      {
        type: EventType.FullSnapshot,
        timestamp: now + 1,
        data: {
          node: {
            type: NodeType.Document,
            id: 1,
            childNodes: [
              {
                type: NodeType.Element,
                id: 2,
                tagName: 'p',
                attributes: {},
                childNodes: [{ type: NodeType.Text, id: 3, textContent: 'Checkout' }],
              },
            ],
          },
          initialOffset: { left: 0, top: 0 },
        },
      },
    ],
  });
  // One raw replay, opened with a purpose by the support desk's token.
  const token = await replayViewerToken();
  const events = await fetch(
    `${server.url}${await grantedEventsPath(server.url, token, sessionId, PURPOSE)}`,
    { headers: { authorization: `Bearer ${token}` } },
  );
  expect(events.status).toBe(200);
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  const page = await context.newPage();
  await signInOwner(page);
  await page.close();
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await veil?.close();
});

/** The server's answer when its database does not answer (a route interception). */
function unavailable(route: Route): Promise<void> {
  return route.fulfill({
    status: 503,
    contentType: 'application/json',
    body: JSON.stringify({ error: { code: 'unavailable', message: 'the database does not answer' } }),
  });
}

async function signInOwner(page: Page): Promise<void> {
  await signIn(page, server.url, OWNER);
  await page.getByTestId('site-card').first().waitFor();
}

describe('the Users page', () => {
  it('lists users and tokens, adds a user, creates and revokes a token', async () => {
    const page = await context.newPage();
    try {
      await page.goto(`${server.url}/`);
      await page.getByTestId('site-card').first().waitFor();
      await page.getByRole('link', { name: 'Users' }).click();
      await page.waitForURL('**/users');
      const owner = page.locator(`[data-testid="user-row"][data-email="${OWNER.email}"]`);
      await expect.poll(() => owner.count()).toBe(1);
      expect(await owner.getByRole('combobox').inputValue()).toBe('owner');
      // The support desk's token is listed.
      const tokens = page.getByTestId('tokens-table');
      await expect.poll(() => tokens.locator('tbody tr').count()).toBe(1);
      expect(await tokens.locator('tbody tr').first().textContent()).toContain('support desk');

      // Add an analyst restricted to the site: listed with its role and site, password shown once.
      await page.getByLabel('Email', { exact: true }).fill('analyst@access.e2e');
      await page.locator('#new-user-role').selectOption('analyst');
      await page.locator('#new-user-sites').fill(site.siteKey);
      await page.getByTestId('new-user-form').getByRole('button', { name: 'Add' }).click();
      await expect
        .poll(() => page.getByTestId('new-user-password').textContent())
        .toContain('analyst@access.e2e');
      const analyst = page.locator('[data-testid="user-row"][data-email="analyst@access.e2e"]');
      await expect.poll(() => analyst.count()).toBe(1);
      expect(await analyst.getByRole('combobox').inputValue()).toBe('analyst');
      expect(await analyst.textContent()).toContain(site.siteKey);
      const stored = await server.store.users.findByEmail('analyst@access.e2e');
      expect(stored?.role).toBe('analyst');

      // A token: shown once, listed, then revoked.
      await page.locator('#token-name').fill('nightly export');
      await page.locator('#token-role').selectOption('auditor');
      await page.getByTestId('new-token-form').getByRole('button', { name: 'Create token' }).click();
      await expect.poll(() => page.getByTestId('new-token').textContent()).toMatch(/shown once/);
      const row = tokens.locator('tbody tr', { hasText: 'nightly export' });
      await expect.poll(() => row.count()).toBe(1);
      await row.getByRole('button', { name: 'Revoke' }).click();
      await expect.poll(() => row.textContent()).toContain('revoked');
    } finally {
      await page.close();
    }
  });

  it('shows an error when the users or tokens cannot be loaded, never an empty list', async () => {
    const page = await context.newPage();
    try {
      await page.goto(`${server.url}/`);
      await page.getByTestId('site-card').first().waitFor();
      await page.route('**/api/v1/tokens', unavailable);
      await page.route('**/api/v1/users', unavailable);
      await page.goto(`${server.url}/users`);
      await page.getByTestId('tokens-error').waitFor();
      expect(await page.getByTestId('tokens-error').textContent()).toContain('Could not load the API tokens');
      expect(await page.getByTestId('tokens-table').count()).toBe(0);
      const usersError = page.getByTestId('users-load-error');
      await usersError.waitFor();
      expect(await usersError.textContent()).toContain('Could not load users');
      expect(await usersError.textContent()).toContain('the database does not answer');
      expect(await page.getByTestId('users-table').count()).toBe(0);
      expect(await page.getByTestId('user-row').count()).toBe(0);
    } finally {
      await page.close();
    }
  });
});

describe('the access report', () => {
  it('lists each raw replay grant with who, which session and why', async () => {
    const page = await context.newPage();
    try {
      await page.goto(`${server.url}/`);
      await page.getByTestId('site-card').first().waitFor();
      await page.goto(`${server.url}/audit/access`);
      const grant = page.getByTestId('access-grant');
      await expect.poll(() => grant.count()).toBe(1);
      const text = (await grant.first().textContent()) ?? '';
      expect(text).toContain(sessionId);
      expect(text).toContain(site.siteKey);
      expect(text).toContain(PURPOSE);
      expect(text).toContain('support desk');
      expect(await page.getByTestId('access-totals').textContent()).toMatch(/support desk.*1 replay/);
    } finally {
      await page.close();
    }
  });

  it('shows an error when the report cannot be loaded, never "nobody has opened a raw replay"', async () => {
    const page = await context.newPage();
    try {
      await page.goto(`${server.url}/`);
      await page.getByTestId('site-card').first().waitFor();
      await page.route('**/api/v1/audit/access-report*', unavailable);
      await page.goto(`${server.url}/audit/access`);
      const error = page.getByTestId('access-report-error');
      await error.waitFor();
      expect(await error.textContent()).toContain('Could not load the report');
      expect(await error.textContent()).toContain('the database does not answer');
      expect(await page.getByText('Nobody has opened a raw replay').count()).toBe(0);
      expect(await page.getByTestId('access-grants').count()).toBe(0);
    } finally {
      await page.close();
    }
  });
});

describe('the audit page', () => {
  it('says when the access anomalies cannot be loaded instead of showing none', async () => {
    const page = await context.newPage();
    try {
      await page.goto(`${server.url}/`);
      await page.getByTestId('site-card').first().waitFor();
      await page.route('**/api/v1/alerts/access', unavailable);
      await page.goto(`${server.url}/audit`);
      const error = page.getByTestId('access-alerts-error');
      await error.waitFor();
      expect(await error.textContent()).toContain('Could not load the access anomalies');
      expect(await error.getByRole('button', { name: 'Try again' }).count()).toBe(1);
    } finally {
      await page.close();
    }
  });

  it("shows the access anomalies of the site the page shows, and every site's for every site", async () => {
    const other = await createSite(
      server.store,
      { now: () => Date.now() },
      { name: 'Other shop', origins: ['https://other.access.e2e'], samplingPercent: 100 },
    );
    const now = Date.now();
    for (const [s, who] of [
      [site, 'Anomaly Here'],
      [other, 'Anomaly There'],
    ] as const) {
      await server.store.accessAlerts.raise({
        kind: 'raw_replay_rate',
        siteId: s.id,
        siteKey: s.siteKey,
        userId: null,
        apiTokenId: null,
        actorLabel: who,
        count: 9,
        threshold: 5,
        windowStart: now - 60_000,
        createdAt: now,
        acknowledgedAt: null,
        acknowledgedBy: null,
        note: null,
        dedupeKey: `e2e-${s.siteKey}`,
      });
    }
    const page = await context.newPage();
    try {
      await page.goto(`${server.url}/audit`);
      const card = page.getByTestId('access-alerts');
      await card.getByText('Anomaly There').waitFor();
      expect(await card.getByText('Anomaly Here').count()).toBe(1);
      await page.getByTestId('audit-site').selectOption(other.siteKey);
      await card.getByText('Anomaly Here').waitFor({ state: 'detached' });
      expect(await card.getByText('Anomaly There').count()).toBe(1);
      await page.getByTestId('audit-site').selectOption(site.siteKey);
      await card.getByText('Anomaly Here').waitFor();
      expect(await card.getByText('Anomaly There').count()).toBe(0);
      await page.getByTestId('audit-site').selectOption('');
      await card.getByText('Anomaly There').waitFor();
      expect(await card.getByText('Anomaly Here').count()).toBe(1);
    } finally {
      await page.close();
    }
  });
});
