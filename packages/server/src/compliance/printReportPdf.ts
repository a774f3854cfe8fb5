import type { ComplianceReport } from '@veil/core';
import type { Browser } from 'playwright-core';
import { REPORT_SECTIONS, type ReportHtmlOptions, renderReportHtml } from './renderReportHtml.js';

/** A4 less the `@page` margins of the pack's style sheet, in CSS pixels (96 per inch). */
const MM = 96 / 25.4;
const CONTENT_WIDTH_PX = Math.floor((210 - 28) * MM);
const CONTENT_HEIGHT_PX = Math.floor((297 - 38) * MM);

const FOOTER = `<div style="font:9px sans-serif;width:100%;padding:0 14mm;display:flex;justify-content:space-between;color:#555">
<span class="title"></span><span>Page <span class="pageNumber"></span> of <span class="totalPages"></span></span></div>`;

/**
 * Prints the pack in `browser` (headless Chromium; the caller owns it): page numbers in the footer, and the contents numbered
 * by a first layout pass in print media (every section starts a page; its page count is its height
 * over the printable height). The HTML has no script and loads nothing: the page is offline.
 */
export async function printReportPdf(
  browser: Browser,
  report: ComplianceReport,
  options: Omit<ReportHtmlOptions, 'pages'>,
): Promise<Buffer> {
  const html = { origin: options.origin, graphics: options.graphics };
  const context = await browser.newContext({
    viewport: { width: CONTENT_WIDTH_PX, height: CONTENT_HEIGHT_PX },
    javaScriptEnabled: true,
  });
  try {
    // Nothing leaves the machine: the pack is self-contained.
    await context.route('**/*', (route) => route.abort());
    const page = await context.newPage();
    await page.emulateMedia({ media: 'print' });
    await page.setContent(renderReportHtml(report, html), { waitUntil: 'load' });
    // Runs in the page (this package has no DOM types): heights of the lead (title and contents) and of each section.
    const ids = JSON.stringify(REPORT_SECTIONS.map(([id]) => id));
    const heights = (await page.evaluate(`(() => {
      const h = (el) => (el ? el.getBoundingClientRect().height : 0);
      return {
        lead: h(document.querySelector('header')) + h(document.getElementById('contents')),
        sections: ${ids}.map((id) => h(document.getElementById(id))),
      };
    })()`)) as { lead: number; sections: number[] };
    const pages: Record<string, number> = {};
    let next = Math.max(1, Math.ceil(heights.lead / CONTENT_HEIGHT_PX)) + 1;
    REPORT_SECTIONS.forEach(([id], i) => {
      pages[id] = next;
      next += Math.max(1, Math.ceil((heights.sections[i] ?? 0) / CONTENT_HEIGHT_PX));
    });
    await page.setContent(renderReportHtml(report, { ...html, pages }), { waitUntil: 'load' });
    const pdf = await page.pdf({
      format: 'A4',
      printBackground: true,
      displayHeaderFooter: true,
      headerTemplate: '<span></span>',
      footerTemplate: FOOTER,
      preferCSSPageSize: true,
      outline: true,
      tagged: true,
    });
    return Buffer.from(pdf);
  } finally {
    await context.close();
  }
}
