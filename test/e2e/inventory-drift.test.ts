/**
 * Scope drift from reality, end to end: the real server serving a copy of the demo site, the real
 * loader and recorder in Chromium. A first visit fills the data inventory (every page and field
 * pending); once all is approved, a new demo page and a new field on the intake form are
 * recorded: both appear as pending items and raise one scope-drift alert each; approving
 * silences the page; excluding the field publishes a block rule, and the next recording has it
 * blocked.
 */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiToken } from '../../packages/server/src/auth/createApiToken.js';
import { systemClock } from '../../packages/server/src/clock.js';
import type { RunningServer } from '../../packages/server/src/index.js';
import { launchChromium } from '../support/browser.js';
import { type DashboardServer, ownerFor, signIn, startDashboardServer } from '../support/dashboard.js';
import { type IngestTap, recordedPageViews, startIngestTap } from '../support/ingestCapture.js';
import { eventually, pageViewRecorded } from '../support/waitFor.js';

const OWNER = ownerFor('inventory');
const DEMO = fileURLToPath(new URL('../../examples/demo-site/public', import.meta.url));
const INTAKE = '/demo/clinic/intake.html';
const REFERRAL = '/demo/clinic/referral.html';

interface Item {
  id: string;
  kind: string;
  pagePattern: string;
  name: string | null;
  elementId: string | null;
  label: string | null;
  tag: string | null;
  capture: string | null;
  status: string;
}
interface Alert {
  id: string;
  details: Record<string, unknown>;
}

/** Holds the copy of the demo site the server serves (and changes during the test). */
let root: string;
let demoDir: string;
let dashboard: DashboardServer;
let server: RunningServer;
let tap: IngestTap;
let browser: Browser;
let token: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'veil-e2e-inventory-'));
  demoDir = join(root, 'demo');
  await cp(DEMO, demoDir, { recursive: true });
  dashboard = await startDashboardServer(OWNER, { env: { VEIL_DEMO: 'true', VEIL_DEMO_DIR: demoDir } });
  server = dashboard.server;
  token = (await createApiToken(server.store, systemClock, { role: 'owner', name: 'e2e inventory' })).token;
  browser = await launchChromium();
  tap = await startIngestTap();
});

afterAll(async () => {
  await browser?.close();
  await tap?.close();
  await dashboard?.close();
  if (root) await rm(root, { recursive: true, force: true });
});

async function api<T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  const res = await fetch(`${server.url}${path}`, {
    method: init.method ?? 'GET',
    headers: {
      authorization: `Bearer ${token}`,
      ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${path}: ${res.status} ${text}`);
  return JSON.parse(text) as T;
}

const site = () => `/api/v1/sites/${server.demoSiteKey}`;
const items = async (query = '') => (await api<{ items: Item[] }>(`${site()}/inventory${query}`)).items;
const driftAlerts = async (status = 'unresolved') =>
  (
    await api<{ alerts: Alert[] }>(
      `/api/v1/alerts?site=${server.demoSiteKey}&kind=scope_drift&status=${status}`,
    )
  ).alerts;

/**
 * One consented visit of `paths` in a fresh browser context (through the tap); each page is left
 * only once its page view was received, and closing flushes the recorder.
 */
async function visit(paths: readonly string[]): Promise<void> {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 800 },
    proxy: { server: tap.server },
  });
  const page = await context.newPage();
  const views = (path: string) => recordedPageViews(tap.batches).filter((p) => p.endsWith(path)).length;
  const recorder = page.waitForResponse((r) => r.url().includes('/r/v1/recorder.js'), { timeout: 60_000 });
  const home = views('/demo/') + 1;
  await page.goto(`${server.url}/demo/`);
  await page.getByRole('button', { name: 'Accept analytics' }).click();
  await recorder;
  await pageViewRecorded(page, tap, '/demo/', home);
  for (const path of paths) {
    const n = views(path) + 1;
    await page.goto(`${server.url}${path}`);
    await pageViewRecorded(page, tap, path, n);
  }
  await page.close({ runBeforeUnload: true });
  await context.close();
}

describe('data inventory from recordings in Chromium', () => {
  it('files new pages and fields as pending, alerts once each, and an exclusion blocks the field', async () => {
    await visit([INTAKE, '/demo/students/portal.html', '/demo/suppliers/portal.html']);
    const first = await eventually(async () => {
      const all = await items();
      const pages = all.filter((i) => i.kind === 'page').map((i) => i.pagePattern);
      return pages.includes('/demo/suppliers/portal.html') && all.some((i) => i.name === 'vin')
        ? all
        : undefined;
    }, 'the first visit in the inventory');
    expect(first.every((i) => i.status === 'pending')).toBe(true);
    expect(first.filter((i) => i.pagePattern === INTAKE && i.kind === 'field').map((i) => i.name)).toEqual(
      expect.arrayContaining(['fullName', 'email', 'dob']),
    );
    for (const item of first)
      await api(`${site()}/inventory/${item.id}/approve`, { method: 'POST', body: {} });
    expect(await driftAlerts()).toEqual([]);

    // The site grows: a referral page, and a diagnosis code on the intake form.
    const intake = await readFile(join(demoDir, 'clinic', 'intake.html'), 'utf8');
    const field =
      '<div class="field"><label for="diagnosis-code">Diagnosis code</label><input id="diagnosis-code" name="diagnosisCode" type="text" /></div>';
    expect(intake).toContain('<button type="submit" class="btn" id="intake-submit">');
    await writeFile(
      join(demoDir, 'clinic', 'intake.html'),
      intake.replace(
        '<button type="submit" class="btn" id="intake-submit">',
        `${field}\n<button type="submit" class="btn" id="intake-submit">`,
      ),
    );
    const portal = await readFile(join(demoDir, 'students', 'portal.html'), 'utf8');
    const form = /<form[\s\S]*?<\/form>/.exec(portal)?.[0] ?? '';
    expect(form).not.toBe('');
    await writeFile(
      join(demoDir, 'clinic', 'referral.html'),
      portal.replace(
        form,
        '<form id="referral"><label for="referrer">Referring doctor</label><input id="referrer" name="referrer" type="text" /></form>',
      ),
    );
    await visit([INTAKE, REFERRAL]);
    const pending = await eventually(async () => {
      const p = await items('?status=pending');
      return p.some((i) => i.name === 'diagnosisCode') && p.some((i) => i.name === 'referrer')
        ? p
        : undefined;
    }, 'the new page and field pending');
    // Only the new field of the intake form; the referral page with everything on it.
    expect(pending.filter((i) => i.pagePattern === INTAKE).map((i) => [i.kind, i.name])).toEqual([
      ['field', 'diagnosisCode'],
    ]);
    const referral = pending.filter((i) => i.pagePattern === REFERRAL);
    expect(referral.length + 1).toBe(pending.length);
    expect(referral.map((i) => [i.kind, i.name])).toEqual(
      expect.arrayContaining([
        ['page', null],
        ['field', 'referrer'],
      ]),
    );
    const drift = await driftAlerts();
    expect(drift).toHaveLength(2);
    expect(drift.map((a) => [a.details.pagePattern, a.details.kind]).sort()).toEqual(
      [
        [INTAKE, 'field'],
        [REFERRAL, 'page'],
      ].sort(),
    );

    // Approving silences the page; excluding the field writes the policy and blocks it.
    for (const item of pending.filter((i) => i.pagePattern === REFERRAL))
      await api(`${site()}/inventory/${item.id}/approve`, {
        method: 'POST',
        body: { note: 'referrals in scope' },
      });
    const code = pending.find((i) => i.name === 'diagnosisCode')!;
    const excluded = await api<{ item: { rule: string; policyVersion: number } }>(
      `${site()}/inventory/${code.id}/exclude`,
      { method: 'POST', body: { reason: 'diagnoses are out of scope for UX research' } },
    );
    expect(excluded.item.rule).toBe('blockSelectors: input[name="diagnosisCode"]');
    const policy = await api<{ policy: { blockSelectors: string[] }; version: { version: number } }>(
      `${site()}/policy`,
    );
    expect(policy.policy.blockSelectors).toContain('input[name="diagnosisCode"]');
    expect(policy.version.version).toBe(excluded.item.policyVersion);
    expect(await driftAlerts()).toEqual([]);

    await visit([INTAKE, REFERRAL]);
    const blocked = await eventually(async () => {
      const found = (await items(`?page=${encodeURIComponent(INTAKE)}`)).find((i) => i.id === code.id);
      return found?.capture === 'blocked' ? found : undefined;
    }, 'the excluded field recorded as blocked');
    expect(blocked).toMatchObject({ status: 'excluded', name: 'diagnosisCode' });
    expect(await driftAlerts()).toEqual([]);
    expect(await items('?status=pending')).toEqual([]);
  }, 120_000);

  it('draws every page and field of the demo site in the dashboard diagram, filterable and exportable', async () => {
    const all = await items();
    const context = await browser.newContext({
      viewport: { width: 1400, height: 1000 },
      acceptDownloads: true,
    });
    const page = await context.newPage();
    await signIn(page, server.url, OWNER);
    await page.locator('[data-testid="site-inventory-link"]').first().click();
    const diagram = page.getByTestId('inventory-diagram');
    await diagram.waitFor();
    const labels = async () =>
      diagram.locator('g[data-label]').evaluateAll((gs) => gs.map((g) => g.getAttribute('data-label') ?? ''));
    const drawn = await labels();
    const label = (i: Item) => {
      const name = i.name ?? i.elementId ?? i.label ?? i.tag ?? i.kind;
      return i.kind === 'page' ? i.pagePattern : i.kind === 'field' ? name : `${i.kind}: ${name}`;
    };
    for (const item of all)
      expect(drawn, `${item.kind} ${item.pagePattern} ${item.name}`).toContain(label(item));
    expect(drawn).toEqual(
      expect.arrayContaining(['masked', 'blocked', 'storage: SQLite', 'retention: 30 days']),
    );
    const fields = all.filter((i) => i.kind !== 'page');
    expect(drawn.length).toBeGreaterThanOrEqual(all.length);
    // Laid out by elkjs left to right: every page left of every field.
    const xs = await diagram
      .locator('g[data-node]')
      .evaluateAll((gs) =>
        gs.map((g) => [
          g.getAttribute('data-node'),
          Number(/translate\(([-\d.]+)/.exec(g.getAttribute('transform') ?? '')?.[1]),
        ]),
      );
    const pageX = Math.max(...xs.filter(([n]) => n === 'page').map(([, x]) => x as number));
    const fieldX = Math.min(...xs.filter(([n]) => n === 'field').map(([, x]) => x as number));
    expect(pageX).toBeLessThan(fieldX);

    // Filtered by page with the keyboard: only the intake form's fields stay.
    const select = page.getByLabel('Page', { exact: true });
    await select.focus();
    await page.keyboard.press('ArrowDown');
    const chosen = await select.inputValue();
    expect(chosen).not.toBe('');
    await expect
      .poll(async () =>
        (await labels()).filter((l) => all.some((i) => i.kind === 'page' && l === i.pagePattern)),
      )
      .toEqual([chosen]);
    const onPage = fields.filter((i) => i.pagePattern === chosen).map(label);
    expect(await labels()).toEqual(expect.arrayContaining(onPage));

    const svgDownload = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export SVG' }).click();
    const svg = await svgDownload;
    expect(svg.suggestedFilename()).toMatch(/\.svg$/);
    const svgText = await readFile((await svg.path())!, 'utf8');
    expect(svgText).toContain('<svg');
    expect(svgText).toContain(chosen);
    const pngDownload = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export PNG' }).click();
    const png = await pngDownload;
    expect(png.suggestedFilename()).toMatch(/\.png$/);
    const bytes = await readFile((await png.path())!);
    expect(bytes.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    expect(bytes.length).toBeGreaterThan(2_000);
    await context.close();
  }, 60_000);
});
