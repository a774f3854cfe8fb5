/**
 * Walking skeleton, end to end with real parts only: the real server in-process (embedded SQLite in
 * a fresh data directory), the real loader and recorder, the real dashboard, headless Chromium.
 *
 * A visitor consents on the demo site, types planted PII into the clinic intake, looks up a student
 * record, fills the supplier portal and leaves. Then: the session is listed, its events replay to a
 * non-blank page in the dashboard's sandboxed player, and no planted value is found in the events
 * the API returns, the request bodies the browser sent (kept by a forwarding proxy, see
 * `startIngestTap`), the server's log or any byte of the data directory.
 */
import { join } from 'node:path';
import { EventType, IncrementalSource, MASKED_INPUT_VALUE } from '@veil/core';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newApiToken, tokenHash } from '../../packages/server/src/auth/secrets.js';
import type { RunningServer } from '../../packages/server/src/index.js';
import { launchChromium } from '../support/browser.js';
import { type DashboardServer, ownerFor, signIn, startDashboardServer } from '../support/dashboard.js';
import { readTreeBytes } from '../support/files.js';
import { type CapturedBatch, type IngestTap, startIngestTap } from '../support/ingestCapture.js';
import { colourStats } from '../support/png.js';
import { grantedEventsPath } from '../support/replayGrant.js';
import { eventually, pageViewRecorded } from '../support/waitFor.js';

/** Owners need a second factor: the owner starts enrolled with a known TOTP secret. */
const OWNER = ownerFor('walking-skeleton');
const PURPOSE = 'e2e walking skeleton';

/** What the visitor types. Every value is secret except the one `veil-unmask` quantity. */
const TYPED = {
  fullName: 'Zelda Plantedname',
  email: 'planted.patient@example.org',
  dob: '1984-03-12',
  phone: '+1 415 555 0142',
  insuranceId: 'INS-PLANTED-99321',
  card: '4111 1111 1111 1111',
  password: 'Sup3rSecret!Pw',
  symptoms: 'PLANTED-NOTE chest pain since tuesday',
  company: 'Plantedfreight Logistics GmbH',
  supplierEmail: 'planted.supplier@example.com',
  iban: 'DE89370400440532013000',
  vin: '1M8GDM9AXKP042788',
  supplierNotes: 'PLANTED-SUPPLIER-NOTE gate 4 after 6pm',
  orderQuantity: '17',
  studentId: 'LC-PLANTED-0193',
} as const;

/** Byte strings that must appear nowhere: typed values, their other spellings, page secrets. */
const FORBIDDEN: readonly string[] = [
  TYPED.fullName,
  TYPED.email,
  TYPED.dob,
  TYPED.phone,
  TYPED.insuranceId,
  TYPED.card,
  TYPED.card.replaceAll(' ', ''),
  TYPED.password,
  TYPED.symptoms,
  'PLANTED-NOTE',
  TYPED.company,
  TYPED.supplierEmail,
  TYPED.iban,
  'DE89 3704 0044 0532 0130 00',
  TYPED.vin,
  TYPED.supplierNotes,
  'PLANTED-SUPPLIER-NOTE',
  TYPED.studentId,
  // Page content that markup says must not leave the browser:
  'MRN-7730-2291', // hidden input on the intake form
  '5407 3249 31', // bank account in an `fs-exclude` block on the supplier portal
  'Dana Whitfield', // `data-hj-suppress` text on the supplier portal
  'Harbour Health Centre', // the chosen <option>: option texts are masked
  'Grace Okafor', // `veil-mask` region of the student portal
  'grace.okafor@example.net',
  'individual education plan', // `veil-block` region of the student portal
];

/** Credentials of this run (the owner's password, the API token): stored only as hashes, never logged. */
const credentials: string[] = [OWNER.password, OWNER.totpSecret];

/** Returns the forbidden values found in `bytes` (as UTF-8 text, and as JSON-escaped text). */
function leaks(bytes: Buffer | string): string[] {
  const buf = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes;
  return [...FORBIDDEN, ...credentials].filter(
    (value) => buf.includes(value) || buf.includes(JSON.stringify(value).slice(1, -1)),
  );
}

interface RrwebEvent {
  type: number;
  timestamp: number;
  data?: { source?: number; text?: string; href?: string; isChecked?: boolean; id?: number };
}

interface SessionSummary {
  id: string;
  siteKey: string;
  pageCount: number;
  eventCount: number;
  entryUrl: string;
}

let dashboard: DashboardServer;
let dataDir: string;
let server: RunningServer;
let baseUrl: string;
let browser: Browser;
let tap: IngestTap;
/** Every line the server logged (pino JSON lines) and printed to its console. */
const logLines: string[] = [];

beforeAll(async () => {
  dashboard = await startDashboardServer(OWNER, {
    env: { VEIL_DEMO: 'true', VEIL_LOG_LEVEL: 'trace' },
    deps: {
      logStream: { write: (line: string) => void logLines.push(line) },
      print: (line: string) => void logLines.push(line),
    },
  });
  server = dashboard.server;
  dataDir = join(dashboard.root, 'data');
  baseUrl = server.url;
  browser = await launchChromium();
  tap = await startIngestTap();
});

afterAll(async () => {
  await browser?.close();
  await tap?.close();
  await dashboard?.close();
});

async function api<T>(path: string, token: string): Promise<{ status: number; text: string; json: T }> {
  const res = await fetch(`${baseUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });
  const text = await res.text();
  return { status: res.status, text, json: JSON.parse(text) as T };
}

/** The visitor's journey: consent, clinic intake, student records, supplier portal, leave. */
async function visit(context: BrowserContext): Promise<void> {
  const page = await context.newPage();
  const recorderLoaded = page.waitForResponse((r) => r.url().includes('/r/v1/recorder.js'), {
    timeout: 15_000,
  });
  await page.goto(`${baseUrl}/demo/`);
  await page.getByRole('button', { name: 'Accept analytics' }).click();
  await recorderLoaded;
  expect(await page.evaluate(() => localStorage.getItem('demo-consent'))).toBe('granted');
  await pageViewRecorded(page, tap, '/demo/');

  await page.click('#link-clinic');
  await page.waitForURL('**/clinic/intake.html');
  await pageViewRecorded(page, tap, '/clinic/intake.html');
  await page.locator('#full-name').pressSequentially(TYPED.fullName);
  await page.locator('#email').pressSequentially(TYPED.email);
  await page.locator('#dob').fill(TYPED.dob);
  await page.locator('#phone').pressSequentially(TYPED.phone);
  await page.locator('#insurance-id').fill(TYPED.insuranceId);
  await page.locator('#clinic-location').selectOption('harbour');
  await page.locator('#card-number').pressSequentially(TYPED.card);
  await page.locator('#symptoms').pressSequentially(TYPED.symptoms);
  await page.locator('#account-password').pressSequentially(TYPED.password);
  await page.locator('#agree-terms').check();
  // The planted values really are in the page (so their absence below means something).
  expect(await page.locator('#email').inputValue()).toBe(TYPED.email);
  expect(await page.locator('#card-number').inputValue()).toBe(TYPED.card);
  expect(await page.locator('#account-password').inputValue()).toBe(TYPED.password);
  expect(await page.locator('#symptoms').inputValue()).toBe(TYPED.symptoms);
  await page.click('#intake-submit');
  await page.waitForURL('**/thanks.html');
  await pageViewRecorded(page, tap, '/thanks.html', 1);

  await page.getByRole('link', { name: 'Student records' }).click();
  await page.waitForURL('**/students/portal.html');
  await pageViewRecorded(page, tap, '/students/portal.html');
  await page.locator('#student-id').fill(TYPED.studentId);
  await page.click('#lookup-submit');
  await page.locator('#student-record').waitFor();

  await page.getByRole('link', { name: 'Supplier portal' }).click();
  await page.waitForURL('**/suppliers/portal.html');
  await pageViewRecorded(page, tap, '/suppliers/portal.html');
  await page.locator('#company').fill(TYPED.company);
  await page.locator('#contact-email').pressSequentially(TYPED.supplierEmail);
  await page.locator('#iban').pressSequentially(TYPED.iban);
  await page.locator('#vin').pressSequentially(TYPED.vin);
  await page.locator('#order-quantity').fill(TYPED.orderQuantity);
  await page.locator('#supplier-notes').pressSequentially(TYPED.supplierNotes);
  expect(await page.locator('#vin').inputValue()).toBe(TYPED.vin);
  expect(await page.locator('#iban').inputValue()).toBe(TYPED.iban);
  await page.click('#supplier-submit');
  await page.waitForURL('**/thanks.html');
  await pageViewRecorded(page, tap, '/thanks.html', 2);
  // Closing runs `pagehide`: the recorder's final flush, sent as a beacon.
  const finalsBefore = finalBatches();
  await page.close({ runBeforeUnload: true });
  await expect
    .poll(finalBatches, { timeout: 30_000, message: 'the pagehide batch of the closed page' })
    .toBeGreaterThan(finalsBefore);
}

function finalBatches(): number {
  return batchesJson(tap.batches).filter((b) => b.final === true).length;
}

function batchesJson(batches: CapturedBatch[]): Array<{ final?: boolean; events: RrwebEvent[] }> {
  return batches.map((b) => JSON.parse(b.body.toString('utf8')) as { final?: boolean; events: RrwebEvent[] });
}

describe('walking skeleton: demo site → recorder → ingest → store → API → dashboard replay', () => {
  it('records a consented visit, replays it in a sandbox and leaks no planted value anywhere', async () => {
    // ---- the visit, every request through the tap that keeps the ingest bodies ----
    const visitor = await browser.newContext({
      viewport: { width: 1280, height: 800 },
      proxy: { server: tap.server },
    });
    await visit(visitor);
    await visitor.close();
    expect(tap.batches.length, 'ingest requests').toBeGreaterThan(1);
    // Accepted, or shed under load (503 + Retry-After) and then sent again and accepted: a shed
    // (session, seq) that never got its 202 would be a loss.
    expect(
      tap.batches.filter((b) => b.decodeError !== undefined || (b.status !== 202 && b.status !== 503)),
    ).toEqual([]);
    const batchKey = (b: CapturedBatch) => {
      const { sessionId, seq } = JSON.parse(b.body.toString('utf8')) as { sessionId: string; seq: number };
      return `${sessionId}:${seq}`;
    };
    const accepted = new Set(tap.batches.filter((b) => b.status === 202).map(batchKey));
    expect(
      tap.batches
        .filter((b) => b.status === 503)
        .map(batchKey)
        .filter((k) => !accepted.has(k)),
      'shed and never accepted',
    ).toEqual([]);

    // ---- (a) the session is listed ----
    const token = await createToken();
    const siteKey = server.demoSiteKey;
    expect(siteKey, 'the demo site exists').toBeTruthy();
    const demoHtml = await (await fetch(`${baseUrl}/demo/`)).text();
    expect(demoHtml, 'the served demo page carries the demo site key').toContain(`data-site="${siteKey}"`);

    const session = await eventually(async () => {
      const { status, json } = await api<{ sessions: SessionSummary[] }>(
        `/api/v1/sites/${encodeURIComponent(siteKey!)}/sessions`,
        token,
      );
      if (status !== 200) throw new Error(`sessions list answered ${status}`);
      return json.sessions.find((s) => s.pageCount >= 2);
    }, 'a listed session with pageCount >= 2');
    expect(session.siteKey).toBe(siteKey);
    expect(session.pageCount, 'page views: home, intake, thanks, students, suppliers, thanks').toBe(6);

    // ---- (b) its events hold a full snapshot ----
    const eventsRes = await api<{ sessionId: string; purpose: string; events: RrwebEvent[] }>(
      await grantedEventsPath(baseUrl, token, session.id, PURPOSE),
      token,
    );
    expect(eventsRes.status).toBe(200);
    const events = eventsRes.json.events;
    expect(
      events.some((e) => e.type === EventType.FullSnapshot),
      'a FullSnapshot',
    ).toBe(true);
    const pageHrefs = events.filter((e) => e.type === EventType.Meta).map((e) => e.data?.href ?? '');
    expect(pageHrefs.some((h) => h.includes('/clinic/intake.html'))).toBe(true);
    expect(pageHrefs.some((h) => h.includes('/suppliers/portal.html'))).toBe(true);

    // Typed values replay as the fixed-length mask; only the `veil-unmask` quantity is kept.
    const inputTexts = events
      .filter((e) => e.type === EventType.IncrementalSnapshot && e.data?.source === IncrementalSource.Input)
      .map((e) => e.data?.text)
      .filter((t): t is string => typeof t === 'string' && t !== '');
    expect(inputTexts).toContain(MASKED_INPUT_VALUE);
    expect(inputTexts, 'the veil-unmask order quantity').toContain(TYPED.orderQuantity);
    // 'on' is a checkbox's markup value (rrweb reports it with `isChecked`), not something typed.
    expect(
      inputTexts.filter((t) => t !== MASKED_INPUT_VALUE && t !== TYPED.orderQuantity && t !== 'on'),
    ).toEqual([]);

    // ---- (b) the dashboard replays it to a non-blank page, in a sandbox without scripts ----
    await checkDashboardReplay(siteKey!, session.id);

    // ---- (c) no planted value anywhere: every place is checked, then all findings reported at once ----
    await server.close(); // flushes the store: the data directory is complete from here on
    const found: Record<string, string[]> = {};
    const check = (where: string, bytes: Buffer | string) => {
      const hits = leaks(bytes);
      if (hits.length > 0) found[where] = hits;
    };
    check('API events JSON', eventsRes.text);
    for (const [i, batch] of tap.batches.entries()) {
      check(`ingest body #${i} (decompressed)`, batch.body);
      check(`ingest body #${i} (re-serialised)`, JSON.stringify(JSON.parse(batch.body.toString('utf8'))));
    }
    expect(logLines.length, 'the server logged something').toBeGreaterThan(0);
    expect(logLines.join(''), 'the log saw the ingest requests').toContain('/ingest/v1/batch');
    check('server log', logLines.join(''));
    const files = await readTreeBytes(dataDir);
    expect(files.length, 'files in the data directory').toBeGreaterThan(0);
    for (const file of files) check(`data file ${file.path}`, file.bytes);
    expect(found, 'planted values found').toEqual({});
  });
});

/** A least-privilege API token (replay_viewer: sessions:read + replay:raw), made the way `veil tokens create` does. */
async function createToken(): Promise<string> {
  const token = newApiToken();
  credentials.push(token);
  await server.store.apiTokens.create({
    name: 'e2e walking skeleton',
    tokenHash: tokenHash(token),
    role: 'replay_viewer',
    createdBy: null,
    createdAt: Date.now(),
  });
  return token;
}

async function checkDashboardReplay(siteKey: string, sessionId: string): Promise<void> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  const page: Page = await context.newPage();
  await signIn(page, baseUrl, OWNER);
  await page
    .locator(`[data-testid="site-card"][data-site-key="${siteKey}"]`)
    .getByTestId('site-sessions-link')
    .click();
  await page
    .locator(`[data-testid="session-row"][data-session-id="${sessionId}"]`)
    .getByTestId('session-link')
    .click();

  // Every raw replay asks why first.
  await page.getByTestId('purpose-input').fill('e2e walking skeleton: replay renders');
  await page.getByTestId('purpose-submit').click();
  const stage = page.getByTestId('player-container');
  await expect.poll(() => stage.getAttribute('data-state'), { timeout: 15_000 }).toBe('ready');
  const iframe = stage.locator('iframe');
  await iframe.waitFor({ state: 'attached' });

  // Untrusted replay data: sandboxed, scripts never allowed.
  const sandbox = await iframe.getAttribute('sandbox');
  expect(sandbox, 'player iframe sandbox attribute').not.toBeNull();
  expect(sandbox!.toLowerCase().split(/\s+/)).not.toContain('allow-scripts');

  await page.getByTestId('play-button').click();
  // The replayed page draws in its own time: wait until it is a page, not a blank frame.
  const stats = await eventually(async () => {
    const s = colourStats(await iframe.screenshot());
    return s.distinctColours > 16 && s.dominantShare < 0.97 ? s : undefined;
  }, 'a non-blank replayed page');
  expect(stats.distinctColours, 'colours in the replayed page').toBeGreaterThan(16);
  expect(stats.dominantShare, 'share of the most frequent colour').toBeLessThan(0.97);
  await context.close();
}
