/**
 * The privacy policy screens of the dashboard in Chromium against the real server: the policy
 * page (current version, difference to the preset, an edit validated and diffed before saving, a
 * required reason, the history), masking failures per page with the element to fix, and the
 * privacy preview rebuilding a captured page in a script-less sandbox with its elements outlined.
 * Built dashboard required (`npm run build`).
 */
import { join } from 'node:path';
import { EventType, NodeType, VeilCustomTag } from '@veil/core';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../packages/server/src/clock.js';
import type { RunningServer } from '../../packages/server/src/index.js';
import { PolicyService } from '../../packages/server/src/privacy/PolicyService.js';
import { createSite } from '../../packages/server/src/sites/createSite.js';
import type { SiteRecord } from '../../packages/server/src/storage/sites/SiteRepository.js';
import { launchChromium } from '../support/browser.js';
import { type DashboardServer, ownerFor, signIn, startDashboardServer } from '../support/dashboard.js';

const OWNER = ownerFor('privacy-dashboard');
const ORIGIN = 'https://portal.e2e.example';

let dashboard: DashboardServer;
let root: string;
let server: RunningServer;
let browser: Browser;
let site: SiteRecord;
let page: Page;

beforeAll(async () => {
  dashboard = await startDashboardServer(OWNER);
  ({ server, root } = dashboard);
  site = await createSite(server.store, systemClock, {
    name: 'Student portal',
    origins: [ORIGIN],
    samplingPercent: 100,
  });
  // Legitimate interest (documented), so that the test batch needs no consent receipt.
  const policies = new PolicyService({
    store: server.store,
    clock: systemClock,
    audit: server.app.veil.audit,
  });
  const current = await policies.current(site);
  await policies.update(
    site,
    {
      ...current.policy,
      lawfulBasis: 'legitimate_interest',
      legitimateInterestAssessment: { purpose: 'p', necessity: 'n', balancing: 'b', safeguards: 's' },
    },
    'set-up',
    { type: 'system', id: null, label: 'e2e' },
  );
  // A batch from a page that forgot to mask: the server masks and records the failure.
  const now = Date.now();
  const res = await server.app.inject({
    method: 'POST',
    url: '/ingest/v1/batch',
    headers: { 'content-type': 'text/plain', origin: ORIGIN },
    payload: JSON.stringify({
      v: 1,
      siteKey: site.siteKey,
      sessionId: 'dashboard_e2e_session_01',
      seq: 0,
      sentAt: now,
      events: [
        {
          type: EventType.Meta,
          timestamp: now,
          data: { href: `${ORIGIN}/students/4711/record`, width: 1024, height: 700 },
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
                  tagName: 'html',
                  attributes: {},
                  childNodes: [
                    { type: NodeType.Element, id: 3, tagName: 'head', attributes: {}, childNodes: [] },
                    {
                      type: NodeType.Element,
                      id: 4,
                      tagName: 'body',
                      attributes: {},
                      childNodes: [
                        {
                          type: NodeType.Element,
                          id: 5,
                          tagName: 'form',
                          attributes: { id: 'record' },
                          childNodes: [
                            {
                              type: NodeType.Element,
                              id: 6,
                              tagName: 'p',
                              attributes: {},
                              childNodes: [
                                {
                                  type: NodeType.Text,
                                  id: 7,
                                  textContent: 'Contact: grace.planted@example.net',
                                },
                              ],
                            },
                            {
                              type: NodeType.Element,
                              id: 8,
                              tagName: 'div',
                              attributes: { class: 'veil-block', rr_width: '320px', rr_height: '60px' },
                              childNodes: [],
                            },
                            {
                              type: NodeType.Element,
                              id: 9,
                              tagName: 'input',
                              attributes: { type: 'text', value: '********' },
                              childNodes: [],
                            },
                            {
                              type: NodeType.Element,
                              id: 10,
                              tagName: 'input',
                              attributes: { type: 'text', value: '17', class: 'veil-unmask' },
                              childNodes: [],
                            },
                          ],
                        },
                      ],
                    },
                  ],
                },
              ],
            },
            initialOffset: { left: 0, top: 0 },
          },
        },
        {
          type: EventType.Custom,
          timestamp: now + 2,
          data: {
            tag: VeilCustomTag.PageView,
            payload: { url: `${ORIGIN}/students/4711/record`, title: 'Record' },
          },
        },
        {
          type: EventType.IncrementalSnapshot,
          timestamp: now + 5000,
          data: { source: 1, positions: [{ x: 1, y: 1, id: 4, timeOffset: 0 }] },
        },
      ],
    }),
  });
  expect(res.statusCode, res.body).toBe(202);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await dashboard?.close();
});

async function signInOwner(page: Page): Promise<void> {
  await signIn(page, server.url, OWNER);
  await page.locator('[data-testid="site-privacy-link"]').first().waitFor();
}

describe('privacy policy in the dashboard', () => {
  it('edits the policy with the diff shown before saving and a required reason; shows history and masking failures', async () => {
    // One sign-in for both tests: a TOTP code is good once.
    const context = await browser.newContext({ viewport: { width: 1300, height: 1000 } });
    page = await context.newPage();
    await signInOwner(page);
    await page.locator('[data-testid="site-privacy-link"]').first().click();
    await expect.poll(() => page.getByTestId('policy-current').textContent()).toContain('Version 2');
    expect(await page.getByTestId('policy-preset-diff').textContent()).toContain('lawfulBasis');
    // The disclosure notice is generated from the version in force.
    const notice = page.getByTestId('notice-text');
    await expect.poll(() => page.getByTestId('notice-version').textContent()).toContain('version 2.');
    expect(await notice.inputValue()).toContain('deleted automatically 30 days after');

    const editor = page.getByTestId('policy-editor');
    const policy = JSON.parse(await editor.inputValue()) as Record<string, unknown>;
    await editor.fill(JSON.stringify({ ...policy, retentionDays: 400 }, null, 2));
    await page.getByTestId('policy-review').click();
    await expect.poll(() => page.getByTestId('policy-problem').textContent()).toContain('retentionDays');
    // A selector browsers would refuse, or an IP rule that matches nothing, is named before saving.
    await editor.fill(JSON.stringify({ ...policy, blockSelectors: ['.ok', '#grades['] }, null, 2));
    await page.getByTestId('policy-review').click();
    await expect
      .poll(() => page.getByTestId('policy-problem').textContent())
      .toContain('"#grades[" is not a valid CSS selector');
    await editor.fill(JSON.stringify({ ...policy, ipBlockList: ['10.0.0.0/33'] }, null, 2));
    await page.getByTestId('policy-review').click();
    await expect.poll(() => page.getByTestId('policy-problem').textContent()).toContain('"10.0.0.0/33"');

    await editor.fill(JSON.stringify({ ...policy, retentionDays: 7, maskAllText: true }, null, 2));
    await page.getByTestId('policy-review').click();
    await expect
      .poll(() => page.getByTestId('policy-diff').textContent())
      .toContain('~ retentionDays: 30 → 7');
    expect(await page.getByTestId('policy-diff').textContent()).toContain('~ maskAllText: false → true');
    expect(await page.getByTestId('policy-publish').isDisabled()).toBe(true); // no reason yet
    await page.getByTestId('policy-reason').fill('FERPA: mask all text on student pages');
    await page.getByTestId('policy-publish').click();
    await expect.poll(() => page.getByTestId('policy-published').textContent()).toContain('version 3');
    await expect.poll(() => page.getByTestId('policy-history').locator('li').count()).toBe(3);
    // Publishing regenerates the notice: the new version and its retention, in each language and format.
    await expect.poll(() => page.getByTestId('notice-version').textContent()).toContain('version 3.');
    expect(await notice.inputValue()).toContain('deleted automatically 7 days after');
    expect(await notice.inputValue()).toContain('privacy policy version 3');
    await page.getByTestId('notice-language').selectOption('de');
    await expect.poll(() => notice.inputValue()).toContain('7 Tage nach ihrer Entstehung');
    await page.getByTestId('notice-format').selectOption('html');
    await expect
      .poll(() => notice.inputValue())
      .toContain('<section lang="de" data-veil-policy-version="3">');
    expect(await page.getByTestId('policy-history').textContent()).toContain(
      'FERPA: mask all text on student pages',
    );

    const failures = page.getByTestId('masking-failures-page');
    await expect.poll(() => failures.count()).toBeGreaterThan(0);
    const text = await failures.first().textContent();
    expect(text).toContain('/students/:id/record');
    expect(text).toContain('form#record>p:nth-of-type(1)');
    expect(text).toContain('email');
    expect(text).not.toContain('grace.planted');
  });

  it('previews a captured page in a script-less sandbox with blocked, masked and unmasked elements outlined', async () => {
    await page.getByTestId('privacy-preview-link').click();
    await page.getByTestId('preview-page').fill('/students/');
    await page.getByTestId('preview-purpose').fill('check the record screen before release');
    await page.getByTestId('preview-load').click();
    await expect.poll(() => page.getByTestId('preview-counts').textContent()).toContain('1 blocked');
    expect(await page.getByTestId('preview-counts').textContent()).toContain('1 unmasked');
    const iframe = page.getByTestId('preview-stage').locator('iframe');
    await iframe.waitFor({ state: 'attached' });
    const sandbox = (await iframe.getAttribute('sandbox')) ?? '';
    expect(sandbox.split(/\s+/)).not.toContain('allow-scripts');
    const frame = await (await iframe.elementHandle())!.contentFrame();
    await expect.poll(async () => frame!.locator('[data-veil-preview="blocked"]').count()).toBeGreaterThan(0);
    expect(await frame!.locator('[data-veil-preview="unmasked"]').count()).toBeGreaterThan(0);
    expect(await frame!.content()).not.toContain('grace.planted');
    // The preview opened a raw recording: it is logged with its purpose.
    const log = await server.store.accessLog.listForSession('dashboard_e2e_session_01');
    expect(log.map((e) => e.purpose)).toContain('check the record screen before release');
    await page.screenshot({ path: join(root, 'preview.png') });
    if (process.env.VEIL_E2E_SCREENSHOTS)
      await page.screenshot({ path: join(process.env.VEIL_E2E_SCREENSHOTS, 'privacy-preview.png') });
    await page.context().close();
  });
});
