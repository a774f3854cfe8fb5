import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ComplianceReport, complianceReportSchema } from '@veil/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPORT_SECTIONS } from '../../src/compliance/renderReportHtml.js';
import { T0 } from '../support/batches.js';
import { pdfPages } from '../support/pdfText.js';
import { startTestApp, type TestApp } from '../support/testApp.js';

// The compliance pack's charts are the dashboard's own (Recharts components drawn in headless
// Chromium from the dashboard's build), not a second drawing: the consent chart has one point per
// day and region at the opt-in rate the database's receipts give, the readiness chart one bar per
// area at its score, in the HTML and in the PDF. Without Chromium the HTML and PDF packs fail
// with a clear 503; JSON needs no browser.

const DAY = 86_400_000;
const DASHBOARD_DIST = path.resolve(fileURLToPath(import.meta.url), '../../../../dashboard/dist');
const FROM = T0 + DAY;
const TO = T0 + 4 * DAY - 1;
let t: TestApp;
let owner: Record<string, string>;

/** Grants and refusals per day (after T0) and region: opt-in rates 75/25, 50/100, 100/none. */
const DECISIONS: readonly (readonly [day: number, region: string, granted: number, denied: number])[] = [
  [1, 'DE', 3, 1],
  [1, 'FR', 1, 3],
  [2, 'DE', 1, 1],
  [2, 'FR', 2, 0],
  [3, 'DE', 4, 0],
];

const month = (ms: number) => new Date(ms).toISOString().slice(0, 7);
const SUMMARIES: readonly (readonly [at: number, score: number])[] = [
  [T0 - 40 * DAY, 6],
  [T0 - 10 * DAY, 9],
  [T0 + 70 * DAY, 15],
];

beforeAll(async () => {
  t = await startTestApp({ config: { dashboardDir: DASHBOARD_DIST } });
  owner = { authorization: `Bearer ${await t.token('owner')}` };
  // An attested area scores 2, the defaults 1, the rest 0: bars of every length.
  const attested = await t.app.inject({
    method: 'POST',
    url: `/api/v1/sites/${t.site.siteKey}/attestations`,
    headers: owner,
    payload: { kind: 'cross_team_review_held', statement: 'Product, legal and security reviewed Veil' },
  });
  expect(attested.statusCode, attested.body).toBe(201);
  // Two monthly summaries before the period (the trend) and one after it (not in this pack).
  for (const [at, score] of SUMMARIES)
    await t.app.veil.store.compliance.putSummary({
      siteId: t.site.id,
      month: month(at),
      score,
      maxScore: 20,
      figures: {},
      createdAt: at,
    });
  let n = 0;
  for (const [day, region, granted, denied] of DECISIONS)
    for (let i = 0; i < granted + denied; i++) {
      const grant = i < granted;
      const receipt = {
        siteId: t.site.id,
        id: `receipt-${++n}`,
        visitorId: null,
        decision: grant ? ('granted' as const) : ('denied' as const),
        granted: grant ? ['analytics'] : [],
        denied: grant ? [] : ['analytics'],
        source: 'api' as const,
        policyVersion: null,
        lawfulBasis: 'consent' as const,
        bannerTextHash: null,
        language: null,
        region,
        withdraws: null,
        recordedAt: T0 + day * DAY + (i + 1) * 60_000,
      };
      if (grant) await t.app.veil.store.consent.registerGrant(receipt);
      else await t.app.veil.store.consent.recordRefusal(receipt);
    }
});
afterAll(() => t?.close());

const download = (app: TestApp, format: string, headers = owner) =>
  app.app.inject({
    method: 'POST',
    url: `/api/v1/sites/${app.site.siteKey}/compliance/report`,
    headers,
    payload: { from: String(FROM), to: String(TO), format },
  });

const mmdd = (ms: number) => new Date(ms).toISOString().slice(5, 10);

/** Opt-in rate (whole percent) per region and day, from the stored receipts (not the pack's query). */
async function databaseRates(): Promise<Map<string, Map<string, number>>> {
  const receipts = await t.app.veil.store.consent.list(t.site.id, { from: FROM, to: TO, limit: 1000 });
  const counts = new Map<string, Map<string, { granted: number; denied: number }>>();
  for (const r of receipts) {
    const region = r.region ?? 'unknown';
    const byDay = counts.get(region) ?? new Map<string, { granted: number; denied: number }>();
    const day = mmdd(r.recordedAt);
    const c = byDay.get(day) ?? { granted: 0, denied: 0 };
    if (r.decision === 'granted') c.granted++;
    if (r.decision === 'denied') c.denied++;
    byDay.set(day, c);
    counts.set(region, byDay);
  }
  return new Map(
    [...counts].map(([region, byDay]) => [
      region,
      new Map([...byDay].map(([day, c]) => [day, Math.round((c.granted / (c.granted + c.denied)) * 100)])),
    ]),
  );
}

/** The markup of the `<figure data-testid="…">` a dashboard chart renders. */
function figure(html: string, testId: string): string {
  const found = new RegExp(`<figure[^>]*data-testid="${testId}"[\\s\\S]*?</figure>`).exec(html)?.[0];
  if (!found) throw new Error(`no figure ${testId} in the pack`);
  return found;
}

/** Tick labels of one axis with their position: `[label, coordinate]`. */
function ticks(svg: string, orientation: 'left' | 'bottom', coordinate: 'x' | 'y'): [string, number][] {
  const re = new RegExp(
    `<text[^>]*orientation="${orientation}"[^>]*\\s${coordinate}="([\\d.]+)"[^>]*class="[^"]*tick-value[^"]*"[^>]*><tspan[^>]*>([^<]*)</tspan>`,
    'g',
  );
  return [...svg.matchAll(re)].map((m) => [m[2] ?? '', Number(m[1])]);
}

/** A linear scale through two ticks: coordinate → value. */
function scale(ticksOf: [string, number][], a: string, b: string, va: number, vb: number) {
  const ca = ticksOf.find(([l]) => l === a)?.[1];
  const cb = ticksOf.find(([l]) => l === b)?.[1];
  if (ca === undefined || cb === undefined) throw new Error(`no ticks ${a} and ${b}`);
  return (c: number) => va + ((c - ca) / (cb - ca)) * (vb - va);
}

/** Every line of the region chart: region (by its legend colour) → day label → value (percent). */
function chartLines(html: string): Map<string, Map<string, number>> {
  const fig = figure(html, 'region-optin-chart');
  const colours = new Map<string, string>();
  for (const m of fig.matchAll(
    /<li class="recharts-legend-item[\s\S]*?stroke="(#[0-9a-f]{6})"[\s\S]*?recharts-legend-item-text[^>]*>([^<]*)</g,
  ))
    colours.set(m[1] ?? '', m[2] ?? '');
  // Through two inner ticks: the top tick's label is nudged into the drawing.
  const y = scale(ticks(fig, 'left', 'y'), '0 %', '50 %', 0, 50);
  const xTicks = ticks(fig, 'bottom', 'x');
  const lines = new Map<string, Map<string, number>>();
  for (const m of fig.matchAll(
    /<path stroke="(#[0-9a-f]{6})"[^>]*class="recharts-curve recharts-line-curve" d="([^"]*)"/g,
  )) {
    const points = new Map<string, number>();
    for (const p of (m[2] ?? '').matchAll(/[ML]([\d.]+),([\d.]+)/g)) {
      const day = xTicks.find(([, x]) => Math.abs(x - Number(p[1])) < 0.5)?.[0] ?? `x=${p[1]}`;
      points.set(day, Math.round(y(Number(p[2]))));
    }
    lines.set(colours.get(m[1] ?? '') ?? `colour ${m[1]}`, points);
  }
  return lines;
}

/** Every bar of the readiness chart: area title → score read off its length against the axis. */
function readinessBars(html: string): Map<string, number> {
  const fig = figure(html, 'readiness-chart');
  const axis = ticks(fig, 'bottom', 'x');
  const zero = axis.find(([l]) => l === '0')?.[1];
  const two = axis.find(([l]) => l === '2')?.[1];
  if (zero === undefined || two === undefined) throw new Error('no ticks 0 and 2');
  const bars = new Map<string, number>();
  for (const m of fig.matchAll(
    /<path fill="#[0-9a-f]{6}" name="([^"]*)" x="([\d.]+)" y="[\d.]+" width="([\d.]+)"/g,
  )) {
    expect(Number(m[2])).toBeCloseTo(zero, 0);
    bars.set(m[1] ?? '', Math.round((Number(m[3]) / (two - zero)) * 2 * 100) / 100);
  }
  return bars;
}

/** The readiness trend's line: x label (month or `now`) → score. */
function trendLine(html: string): Map<string, number> {
  const fig = figure(html, 'readiness-trend');
  const y = scale(ticks(fig, 'left', 'y'), '0', '10', 0, 10);
  const xTicks = ticks(fig, 'bottom', 'x');
  const d = /class="recharts-curve recharts-line-curve" d="([^"]*)"/.exec(fig)?.[1] ?? '';
  return new Map(
    [...d.matchAll(/[ML]([\d.]+),([\d.]+)/g)].map((p) => [
      xTicks.find(([, x]) => Math.abs(x - Number(p[1])) < 0.5)?.[0] ?? `x=${p[1]}`,
      Math.round(y(Number(p[2]))),
    ]),
  );
}

describe('the pack’s charts are the dashboard’s', () => {
  let report: ComplianceReport;
  let html: string;

  beforeAll(async () => {
    // The model the dashboard page reads (not audited, so the HTML download below sees the same).
    const model = await t.app.inject({
      url: `/api/v1/sites/${t.site.siteKey}/compliance?from=${FROM}&to=${TO}`,
      headers: owner,
    });
    expect(model.statusCode, model.body).toBe(200);
    report = complianceReportSchema.parse(model.json());
    const res = await download(t, 'html');
    expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
    html = res.body;
  }, 60_000);

  it('draws one point per day and region at the database’s opt-in rate (Recharts, not a second drawing)', async () => {
    const db = await databaseRates();
    expect([...db.keys()].sort()).toEqual(['DE', 'FR']);
    expect(Object.fromEntries([...chartLines(html)].map(([r, p]) => [r, Object.fromEntries(p)]))).toEqual(
      Object.fromEntries([...db].map(([r, p]) => [r, Object.fromEntries(p)])),
    );
    expect(db.get('FR')?.size).toBe(2);
    expect(Object.fromEntries(db.get('DE') ?? [])).toEqual({ '01-02': 75, '01-03': 50, '01-04': 100 });
    // The drawing is hidden from assistive technology; its table states the same numbers.
    const fig = figure(html, 'region-optin-chart');
    expect(fig).toContain('<div aria-hidden="true">');
    expect(fig).toMatch(
      /<table class="visually-hidden">[\s\S]*<th scope="row">01-02<\/th><td>75 %<\/td><td>25 %<\/td>/,
    );
    expect(fig).not.toContain('tabindex');
    expect(html).not.toContain('recharts-tooltip-wrapper');
    expect(html).not.toContain('<script');
  });

  it('draws one bar per readiness area at its score', () => {
    const bars = readinessBars(html);
    for (const area of report.readiness.areas)
      if (area.score > 0) expect(bars.get(area.title), area.title).toBe(area.score);
      else expect(bars.get(area.title) ?? 0, area.title).toBe(0);
    expect([...bars.keys()].every((title) => report.readiness.areas.some((a) => a.title === title))).toBe(
      true,
    );
    expect(new Set(report.readiness.areas.map((a) => a.score))).toEqual(new Set([0, 1, 2]));
  });

  it('draws the readiness trend: each monthly summary up to the period, then now', () => {
    expect(report.readinessTrend).toEqual([
      { month: month(T0 - 40 * DAY), score: 6, max: 20 },
      { month: month(T0 - 10 * DAY), score: 9, max: 20 },
    ]);
    expect(Object.fromEntries(trendLine(html))).toEqual({
      [month(T0 - 40 * DAY)]: 6,
      [month(T0 - 10 * DAY)]: 9,
      now: report.readiness.score,
    });
  });

  it('prints the same charts into the PDF', async () => {
    const res = await download(t, 'pdf');
    expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
    const pages = (await pdfPages(res.rawPayload)).map((p) => p.replace(/\s+/g, ' '));
    const contents = pages[0] ?? '';
    const start = (title: string) => Number(new RegExp(`${title} (\\d+)`).exec(contents)?.[1]);
    const consent = pages.slice(start('Consent') - 1, start('Access to recordings') - 1).join(' ');
    // The chart's axes and legend are text in the PDF: a tick per day, the percent scale, the regions.
    expect(consent).toContain('Consent opt-in rate by region over time (percent)');
    expect(consent).toMatch(/01-02 01-03 01-04/);
    expect(consent).toMatch(/0 % 25 % 50 % 75 % 100 %/);
    expect(consent).toMatch(/DE FR/);
    const readiness = pages.slice(start('Readiness score') - 1, start('Checklists') - 1).join(' ');
    // Each download counts as a periodic audit: the score is the one printed, not the first pack's.
    expect(readiness).toMatch(/Score: (\d+) of 20 Readiness by area: \1 of 20/);
    expect(readiness).toContain('Readiness score by month');
    expect(readiness).toContain(`${month(T0 - 40 * DAY)} ${month(T0 - 10 * DAY)} now`);
    for (const area of report.readiness.areas) expect(readiness).toContain(area.title);
    expect(REPORT_SECTIONS.length).toBeGreaterThan(10);
  }, 90_000);
});

describe('without Chromium', () => {
  it('fails the HTML and PDF packs with a clear 503 and still gives JSON', async () => {
    const none = await startTestApp({
      config: { dashboardDir: DASHBOARD_DIST, chromiumPath: '/nonexistent/chromium' },
    });
    try {
      const headers = { authorization: `Bearer ${await none.token('owner')}` };
      for (const format of ['html', 'pdf']) {
        const res = await download(none, format, headers);
        expect(res.statusCode).toBe(503);
        expect(res.json().error.code).toBe('unavailable');
        expect(res.json().error.message).toContain(`The ${format} compliance pack needs Chromium`);
        expect(res.json().error.message).toContain('/nonexistent/chromium');
        expect(res.json().error.message).toContain('--format json needs no browser');
      }
      expect((await download(none, 'json', headers)).statusCode).toBe(200);
      const downloads = await none.app.veil.store.audit.query({
        actions: ['report.downloaded'],
        order: 'asc',
        limit: 10,
      });
      expect(downloads.map((e) => e.details.format)).toEqual(['json']);
    } finally {
      await none.close();
    }
  });

  it('says so when the dashboard is not built', async () => {
    const unbuilt = await startTestApp();
    try {
      const res = await download(unbuilt, 'html', {
        authorization: `Bearer ${await unbuilt.token('owner')}`,
      });
      expect(res.statusCode).toBe(503);
      expect(res.json().error.message).toContain('report-charts.html is missing');
    } finally {
      await unbuilt.close();
    }
  });
});
