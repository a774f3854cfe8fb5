import { access, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { ComplianceReport } from '@veil/core';
import type { Browser } from 'playwright-core';
import { z } from 'zod';
import { VeilError } from '../errors/VeilError.js';

/** The dashboard's built page that draws the pack's charts (`packages/dashboard/report-charts.html`). */
export const REPORT_CHARTS_PAGE = 'report-charts.html';
/** Where the page is opened: every request to it is answered from the dashboard's files, any other refused. */
const CHARTS_ORIGIN = 'http://veil-report-charts.localhost';
/** How long the page may take to load and draw every chart. */
export const REPORT_CHARTS_TIMEOUT_MS = 30_000;

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
};

/** Each chart's `<figure>` as the dashboard draws it: a Recharts SVG (`aria-hidden`) and its table of numbers. */
export const reportChartsSchema = z.object({
  readiness: z.string().min(1),
  readinessTrend: z.string().min(1),
  consentByRegion: z.string().min(1),
});
export type ReportCharts = z.infer<typeof reportChartsSchema>;

/** The page's entry (`window.veilReportCharts`), as the server calls it. */
type ChartsWindow = { veilReportCharts?: (input: unknown) => Promise<unknown> };

/**
 * Throws `unavailable` unless the dashboard's chart page is built in `dashboardDir`: checked before
 * Chromium starts, so a server run without the dashboard build says so instead of drawing no chart.
 */
export async function assertReportChartsBuilt(dashboardDir: string): Promise<void> {
  const file = path.join(dashboardDir, REPORT_CHARTS_PAGE);
  try {
    await access(file);
  } catch {
    throw new VeilError(
      'unavailable',
      `The compliance pack's charts are drawn by the dashboard, which is not built: ${file} is missing (run npm run build, or set VEIL_DASHBOARD_DIR); --format json needs no charts`,
    );
  }
}

/**
 * Draws the pack's charts with the dashboard's own components (Recharts needs a real layout, which
 * server-side React rendering does not give): the dashboard's built chart page is opened in
 * `browser`, offline (its files are served from `dashboardDir`, every other request is refused),
 * and draws every chart in one call. One page per pack, whatever the number of charts.
 */
export async function drawReportCharts(
  browser: Browser,
  dashboardDir: string,
  report: ComplianceReport,
): Promise<ReportCharts> {
  const root = path.resolve(dashboardDir);
  const context = await browser.newContext({ javaScriptEnabled: true });
  const errors: string[] = [];
  try {
    await context.route('**/*', async (route) => {
      const url = new URL(route.request().url());
      const file = path.resolve(root, `.${decodeURIComponent(url.pathname)}`);
      const type = CONTENT_TYPES[path.extname(file)];
      if (url.origin !== CHARTS_ORIGIN || !file.startsWith(`${root}${path.sep}`) || type === undefined)
        return route.abort();
      try {
        return await route.fulfill({ status: 200, contentType: type, body: await readFile(file) });
      } catch {
        return route.fulfill({ status: 404, body: '' });
      }
    });
    const page = await context.newPage();
    page.setDefaultTimeout(REPORT_CHARTS_TIMEOUT_MS);
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${CHARTS_ORIGIN}/${REPORT_CHARTS_PAGE}`, { waitUntil: 'load' });
    await page.waitForFunction(() => typeof (globalThis as ChartsWindow).veilReportCharts === 'function');
    const drawn = await page.evaluate(
      (input) => {
        const draw = (globalThis as ChartsWindow).veilReportCharts;
        if (!draw) throw new Error('the chart page has no veilReportCharts');
        return draw(input);
      },
      { readiness: report.readiness, readinessTrend: report.readinessTrend, consent: report.consent },
    );
    return reportChartsSchema.parse(drawn);
  } catch (error) {
    const why = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new VeilError(
      'unavailable',
      `Chromium could not draw the compliance pack's charts: ${why}${errors.length ? ` (page: ${errors.join('; ')})` : ''}`,
    );
  } finally {
    await context.close();
  }
}
