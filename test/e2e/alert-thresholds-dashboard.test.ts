/**
 * The alert thresholds on the dashboard's policy page, in Chromium against the real server, by
 * keyboard only: `alerts.restrictedRegionSpikePerHour`, `alerts.consentRateDropPoints` and
 * `alerts.maxPerSinkPerHour` are fields checked with the policy's own schema (out-of-range values
 * are named at the field, which takes the focus, and nothing is written), a valid change goes
 * into the draft, shows in the diff and is published as a new policy version with its reason;
 * the fields follow the JSON editor. Built dashboard required (`npm run build`).
 */

import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../packages/server/src/clock.js';
import { PolicyService } from '../../packages/server/src/privacy/PolicyService.js';
import { createSite } from '../../packages/server/src/sites/createSite.js';
import type { SiteRecord } from '../../packages/server/src/storage/sites/SiteRepository.js';
import { launchChromium } from '../support/browser.js';
import {
  type DashboardServer,
  eagerFrames,
  ownerFor,
  signIn,
  startDashboardServer,
} from '../support/dashboard.js';

let veil: DashboardServer;
let browser: Browser;
let site: SiteRecord;

beforeAll(async () => {
  veil = await startDashboardServer(ownerFor('alert-thresholds'));
  site = await createSite(veil.server.store, systemClock, {
    name: 'Clinic portal',
    origins: ['https://clinic.e2e.example'],
    samplingPercent: 100,
  });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await veil?.close();
});

/** The test id of the element that has the keyboard focus. */
const focused = (page: Page) => page.evaluate(() => document.activeElement?.getAttribute('data-testid'));

/** Replaces the focused number field's value by typing, as a keyboard user would. */
async function retype(page: Page, value: string): Promise<void> {
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Backspace');
  if (value !== '') await page.keyboard.type(value);
}

describe('alert thresholds in the policy editor', () => {
  it('validates with the policy schema, and publishes a new version with a reason, by keyboard', async () => {
    const context = await browser.newContext({ viewport: { width: 1300, height: 1000 } });
    // The focus moves to the reason field whatever order frames and React's render come in.
    await eagerFrames(context);
    const page = await context.newPage();
    await signIn(page, veil.server.url, veil.owner);
    await page.locator('[data-testid="site-privacy-link"]').first().waitFor();
    await page.goto(`${veil.server.url}/sites/${site.siteKey}/privacy`);

    const spike = page.getByLabel('Restricted-region spike: drops per UTC hour');
    const drop = page.getByLabel('Consent-rate drop: percentage points');
    const perSink = page.getByLabel('Notifications per sink per hour');
    await expect.poll(() => spike.inputValue()).toBe('100');
    expect(await drop.inputValue()).toBe('20');
    expect(await perSink.inputValue()).toBe('10');

    // Out of range, by keyboard: named at the field (the schema's own rule), focus moves to the
    // first bad field, and the draft is untouched.
    const draftBefore = await page.getByTestId('policy-editor').inputValue();
    await spike.focus();
    await retype(page, '0');
    await page.keyboard.press('Tab');
    await retype(page, '150');
    await page.keyboard.press('Enter');
    await expect
      .poll(() => page.getByTestId('threshold-restrictedRegionSpikePerHour-problem').textContent())
      .toMatch(/>=\s*1/);
    expect(await page.getByTestId('threshold-consentRateDropPoints-problem').textContent()).toMatch(
      /<=\s*100/,
    );
    expect(await spike.getAttribute('aria-invalid')).toBe('true');
    expect(await focused(page)).toBe('threshold-restrictedRegionSpikePerHour');
    expect(await page.getByTestId('policy-editor').inputValue()).toBe(draftBefore);
    expect(await page.getByTestId('policy-preview').count()).toBe(0);

    // An empty field is refused too (the schema needs a number).
    await retype(page, '');
    await page.keyboard.press('Enter');
    await expect
      .poll(() => page.getByTestId('threshold-restrictedRegionSpikePerHour-problem').textContent())
      .toContain('A number is required');

    // Valid values: into the draft, the diff, then a reason and publish, all by keyboard.
    await retype(page, '250');
    await page.keyboard.press('Tab');
    await retype(page, '12.5');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('policy-diff').textContent()).toContain('~ alerts:');
    const diff = (await page.getByTestId('policy-diff').textContent()) ?? '';
    expect(diff).toContain('"restrictedRegionSpikePerHour":250');
    expect(diff).toContain('"consentRateDropPoints":12.5');
    expect(await page.getByTestId('threshold-restrictedRegionSpikePerHour-problem').count()).toBe(0);
    await expect.poll(() => focused(page)).toBe('policy-reason');
    await page.keyboard.type('Fewer false alarms from the clinic region');
    await page.keyboard.press('Tab');
    expect(await focused(page)).toBe('policy-publish');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('policy-published').textContent()).toContain('version 2');

    const policies = new PolicyService({
      store: veil.server.store,
      clock: systemClock,
      audit: veil.server.app.veil.audit,
    });
    const current = await policies.current(site);
    expect(current.version).toBe(2);
    expect(current.reason).toBe('Fewer false alarms from the clinic region');
    expect(current.policy.alerts).toMatchObject({
      restrictedRegionSpikePerHour: 250,
      consentRateDropPoints: 12.5,
      maxPerSinkPerHour: 10,
    });
    await expect.poll(() => spike.inputValue()).toBe('250');
    expect(await drop.inputValue()).toBe('12.5');

    // The fields follow the JSON editor.
    const editor = page.getByTestId('policy-editor');
    const policy = JSON.parse(await editor.inputValue()) as { alerts: Record<string, unknown> };
    await editor.fill(JSON.stringify({ ...policy, alerts: { ...policy.alerts, maxPerSinkPerHour: 3 } }));
    await expect.poll(() => perSink.inputValue()).toBe('3');
    await editor.fill('{ not json');
    await expect.poll(() => page.getByTestId('alert-thresholds-unavailable').count()).toBe(1);
    expect(await page.getByTestId('alert-thresholds-apply').isDisabled()).toBe(true);
    await context.close();
  });
});
