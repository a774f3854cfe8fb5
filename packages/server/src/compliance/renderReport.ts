import type { ComplianceReport, ReportFormat } from '@veil/core';
import { VeilError } from '../errors/VeilError.js';
import { printReportPdf } from './printReportPdf.js';
import { renderReportHtml } from './renderReportHtml.js';
import { reportGraphics } from './reportGraphics.js';

export interface RenderedReport {
  body: Buffer;
  contentType: string;
  fileName: string;
}

/** The pack in one of its formats: the model as JSON, the HTML document, or the PDF Chromium prints from it. */
export async function renderReport(
  report: ComplianceReport,
  format: ReportFormat,
  options: { origin: string; chromiumPath: string },
): Promise<RenderedReport> {
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  const base = `veil-compliance-${report.site.siteKey}-${day(report.period.from)}-${day(report.period.to - 1)}`;
  if (format === 'json')
    return {
      body: Buffer.from(`${JSON.stringify(report, null, 2)}\n`),
      contentType: 'application/json; charset=utf-8',
      fileName: `${base}.json`,
    };
  const graphics = await reportGraphics(report);
  if (format === 'html')
    return {
      body: Buffer.from(renderReportHtml(report, { origin: options.origin, graphics })),
      contentType: 'text/html; charset=utf-8',
      fileName: `${base}.html`,
    };
  try {
    return {
      body: await printReportPdf(report, { ...options, graphics }),
      contentType: 'application/pdf',
      fileName: `${base}.pdf`,
    };
  } catch (error) {
    throw new VeilError(
      'unavailable',
      `Chromium could not print the PDF (${options.chromiumPath}): ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`,
    );
  }
}
