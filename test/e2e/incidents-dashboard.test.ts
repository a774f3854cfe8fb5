import { EventType, NodeType } from '@veil/core';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../packages/server/src/index.js';
import { createSite } from '../../packages/server/src/sites/createSite.js';
import type { SiteRecord } from '../../packages/server/src/storage/sites/SiteRepository.js';
import { launchChromium } from '../support/browser.js';
import { type DashboardServer, ownerFor, signIn, startDashboardServer } from '../support/dashboard.js';

// The Incidents page in Chromium against the real server, driven with the keyboard: record an
// exposure incident, find the sessions holding the leaked value by content (progress, matches with
// positions, never the value), erase them with a receipt, record the notification decision, and
// see the 72-hour clock. Built dashboard required (`npm run build`).

const OWNER = ownerFor('incidents');
const ORIGIN = 'https://shop.incidents.e2e';
const LEAKED = 'Wb-HERON-LEAK-5t';

let veil: DashboardServer | undefined;
let server: RunningServer;
let browser: Browser;
let site: SiteRecord;
const sessions: Record<'leaked' | 'clean', string> = { leaked: '', clean: '' };

async function post(url: string, body: unknown) {
  const res = await server.app.inject({
    method: 'POST',
    url,
    headers: { 'content-type': 'text/plain', origin: ORIGIN },
    payload: JSON.stringify(body),
  });
  expect(res.statusCode, res.body).toBeLessThan(300);
}

async function record(name: 'leaked' | 'clean', text: string) {
  const now = Date.now();
  const id = `session_${name}_${now.toString(36)}`;
  await post('/ingest/v1/batch', {
    v: 1,
    siteKey: site.siteKey,
    sessionId: id,
    visitorId: `visitor_${name}_00001`,
    consentReceiptId: 'receipt_incident_01',
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
                childNodes: [{ type: NodeType.Text, id: 3, textContent: text }],
              },
            ],
          },
          initialOffset: { left: 0, top: 0 },
        },
      },
    ],
  });
  sessions[name] = id;
}

beforeAll(async () => {
  veil = await startDashboardServer(OWNER);
  server = veil.server;
  site = await createSite(
    server.store,
    { now: () => Date.now() },
    // Not a sampling test: every session is in the sample (the server checks it per batch).
    { name: 'Incident shop', origins: [ORIGIN], samplingPercent: 100 },
  );
  await post(`/r/v1/sites/${site.siteKey}/consent`, {
    v: 1,
    decision: 'granted',
    receiptId: 'receipt_incident_01',
    granted: ['analytics'],
    denied: [],
    source: 'banner',
  });
  await record('leaked', `Vehicle: ${LEAKED}`);
  await record('clean', 'Vehicle: not given');
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await veil?.close();
});

describe('the Incidents page', () => {
  it('records an incident, finds and erases the sessions by content, records the decision, by keyboard', async () => {
    const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    try {
      const page = await context.newPage();
      await signIn(page, server.url, OWNER);

      const link = page
        .locator(`[data-testid="site-card"][data-site-key="${site.siteKey}"]`)
        .getByTestId('site-incidents-link');
      await link.focus();
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { level: 1, name: 'Incidents' }).waitFor();

      // The form, field by field with Tab; the selects change with the arrow keys.
      await page.getByLabel('Title').focus();
      await page.keyboard.type('VIN shown on checkout');
      await page.keyboard.press('Tab'); // What leaked: personal data (default)
      await page.keyboard.press('Tab');
      await page.keyboard.type('/checkout');
      await page.keyboard.press('Tab');
      await page.keyboard.type('form#vehicle input[name=vin]');
      await page.keyboard.press('Enter');
      const row = page.getByTestId('incident-row');
      await row.waitFor();
      expect(await row.getAttribute('data-state')).toBe('running');
      expect(await row.textContent()).toMatch(/7[12] h \d+ min left to notify/);

      // The panel opened on the new incident; the clock runs from discovery.
      const panel = page.getByTestId('incident-panel');
      await panel.getByTestId('incident-clock').waitFor();
      expect(await panel.getByTestId('incident-clock').getAttribute('data-state')).toBe('running');

      await page.getByLabel(/Leaked value/).focus();
      await page.keyboard.type(LEAKED);
      await page.keyboard.press('Enter');
      const erase = page.getByRole('button', { name: 'Erase 1 sessions' });
      await erase.waitFor();
      const matches = await page.getByTestId('scan-matches').textContent();
      expect(matches).toContain(sessions.leaked);
      expect(matches).toMatch(/event 1 data\.node\.childNodes\[0\]\.childNodes\[0\]\.textContent/);
      expect(await page.getByTestId('scan-progress').textContent()).toContain(
        'Scanned 2 of 2 sessions; found in 1',
      );
      await erase.focus();
      await page.keyboard.press('Enter');
      const receipt = page.getByTestId('content-erasure-receipt');
      await receipt.waitFor();
      expect(await receipt.textContent()).toMatch(
        /Erased 1 sessions \(1 data keys destroyed\), receipt cer_/,
      );
      await expect.poll(() => panel.getByTestId('incident-sessions').textContent()).toBe('1 / 1');

      await page.getByLabel('Notify', { exact: true }).focus();
      await page.keyboard.press('Space');
      await page.getByLabel('Why').focus();
      await page.keyboard.type('vehicle identity of customers; risk to them');
      await page.keyboard.press('Tab');
      await page.keyboard.press('Enter');
      const decision = panel.getByTestId('incident-decision');
      await decision.waitFor();
      expect(await decision.textContent()).toContain('notify the authority — vehicle identity of customers');
      await expect.poll(() => panel.getByTestId('incident-clock').getAttribute('data-state')).toBe('decided');

      expect(await page.content()).not.toContain(LEAKED);
      expect(await server.store.recordings.get(sessions.leaked)).toBeUndefined();
      expect(await server.store.recordings.get(sessions.clean)).toBeDefined();
    } finally {
      await context.close();
    }
  });
});
