import type { ComplianceReport, ReportFormat } from '@veil/core';
import type { Browser } from 'playwright-core';
import { VeilError } from '../errors/VeilError.js';
import { assertReportChartsBuilt } from './drawReportCharts.js';
import { printReportPdf } from './printReportPdf.js';
import { renderReportHtml } from './renderReportHtml.js';

export interface RenderedReport {
  body: Buffer;
  contentType: string;
  fileName: string;
}

export interface RenderReportOptions {
  /** This Veil's origin: evidence links become absolute. */
  origin: string;
  /** The Chromium that draws the charts (HTML and PDF) and prints the PDF. */
  chromiumPath: string;
  /** The built dashboard, whose chart page draws the pack's charts. */
  dashboardDir: string;
  /** A line per step of the rendering (the CLI's progress on standard error). */
  onProgress?: (step: string) => void;
}

const firstLine = (error: unknown): string =>
  error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error);

/**
 * The scanner's browser launcher (playwright-core) and the charts' graph layout (elkjs) are loaded
 * on the first HTML or PDF pack, not at start-up: they cost seconds of CPU to load, which every
 * server start (and restart after a crash) would pay for packs it may never render.
 */
async function startChromium(path: string, format: ReportFormat): Promise<Browser> {
  try {
    const { launchScanBrowser } = await import('@veil/scanner');
    return await launchScanBrowser(path);
  } catch (error) {
    throw new VeilError(
      'unavailable',
      `The ${format} compliance pack needs Chromium (its charts are the dashboard's, drawn in a browser${format === 'pdf' ? ', and Chromium prints the PDF' : ''}), which could not start at ${path} (set VEIL_CHROMIUM_PATH, or apt-get install chromium): ${firstLine(error)}; --format json needs no browser`,
    );
  }
}

/**
 * The pack in one of its formats: the model as JSON (no browser), the HTML document, or the PDF
 * Chromium prints from it. HTML and PDF carry the dashboard's charts, so both need Chromium: one
 * browser per pack draws every chart and, for the PDF, prints it. Without Chromium (or without the
 * dashboard's build) they fail with `unavailable` and say why, never with an empty chart.
 */
export async function renderReport(
  report: ComplianceReport,
  format: ReportFormat,
  options: RenderReportOptions,
): Promise<RenderedReport> {
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  const base = `veil-compliance-${report.site.siteKey}-${day(report.period.from)}-${day(report.period.to - 1)}`;
  if (format === 'json')
    return {
      body: Buffer.from(`${JSON.stringify(report, null, 2)}\n`),
      contentType: 'application/json; charset=utf-8',
      fileName: `${base}.json`,
    };
  await assertReportChartsBuilt(options.dashboardDir);
  options.onProgress?.('starting Chromium…');
  const browser = await startChromium(options.chromiumPath, format);
  try {
    options.onProgress?.("drawing the dashboard's charts…");
    const { reportGraphics } = await import('./reportGraphics.js');
    const graphics = await reportGraphics(report, { browser, dashboardDir: options.dashboardDir });
    if (format === 'html')
      return {
        body: Buffer.from(renderReportHtml(report, { origin: options.origin, graphics })),
        contentType: 'text/html; charset=utf-8',
        fileName: `${base}.html`,
      };
    options.onProgress?.('printing the PDF…');
    try {
      return {
        body: await printReportPdf(browser, report, { origin: options.origin, graphics }),
        contentType: 'application/pdf',
        fileName: `${base}.pdf`,
      };
    } catch (error) {
      throw new VeilError(
        'unavailable',
        `Chromium could not print the PDF (${options.chromiumPath}): ${firstLine(error)}`,
      );
    }
  } finally {
    await browser.close();
  }
}
