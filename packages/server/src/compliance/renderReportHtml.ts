import type { ComplianceReport } from '@veil/core';
import { date, esc, time } from './reportHtmlParts.js';
import { REPORT_SECTIONS, type ReportGraphics, SECTION_BODIES } from './reportSections.js';

export { REPORT_SECTIONS, type ReportGraphics } from './reportSections.js';

const STYLE = `
body{font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;font-variant-ligatures:none;color:#1b1f23;max-width:60rem;margin:2rem auto;padding:0 1rem}
h1{font-size:1.8rem;margin:0 0 .25rem}h2{font-size:1.3rem;border-bottom:2px solid #2f6f8f;padding-bottom:.2rem;margin-top:2.5rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem;font-size:.9em}th,td{border:1px solid #c9d1d9;padding:.3rem .45rem;text-align:left;vertical-align:top}
th{background:#eef3f6}dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem}dt{font-weight:600}dd{margin:0}
.figures{display:grid;grid-template-columns:repeat(3,1fr);gap:.5rem}.figure{border:1px solid #c9d1d9;border-radius:6px;padding:.5rem .75rem}
.figure b{display:block;font-size:1.6rem}.empty{color:#57606a;font-style:italic}small{color:#57606a}
.status{font-weight:600}.status-met,.status-approved{color:#1a7f37}.status-partial,.status-pending{color:#9a6700}.status-open{color:#cf222e}
.diagram{margin:.5rem 0 1rem}.compliance-chart{margin:1rem 0;break-inside:avoid}.compliance-chart__caption{font-weight:600;margin-bottom:.5rem}
.visually-hidden{position:absolute;width:1px;height:1px;padding:0;margin:-1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap;border:0}.diagram figcaption{color:#57606a;font-size:.85em}
.toc ol{padding-left:1.2rem}.toc li{display:flex;gap:.5rem}.toc li a{flex:1}.toc .page{min-width:2rem;text-align:right}
svg{max-width:100%;height:auto}a{color:#0b5a80}
@media print{body{margin:0;max-width:none;font-size:11px}section{break-before:page}#summary{break-before:auto}
table{page-break-inside:auto}tr{break-inside:avoid}h2{break-after:avoid}a{color:inherit;text-decoration:none}.toc{break-after:page}}
@page{size:A4;margin:18mm 14mm 20mm}`;

export interface ReportHtmlOptions {
  /** This Veil's origin: evidence links become absolute URLs. */
  origin: string;
  /** The diagram and the dashboard's charts (`reportGraphics`), drawn before rendering. */
  graphics: ReportGraphics;
  /** Page each section starts on (from the PDF's layout pass): numbers the contents. */
  pages?: Readonly<Record<string, number>>;
}

/**
 * The compliance pack as one self-contained HTML document (no scripts, no outside resources):
 * readable on screen and in print, and what headless Chromium prints as the PDF.
 */
export function renderReportHtml(report: ComplianceReport, options: ReportHtmlOptions): string {
  const r = report;
  const toc = `<nav class="toc" id="contents" aria-labelledby="contents-h"><h2 id="contents-h">Contents</h2><ol>${REPORT_SECTIONS.map(
    ([id, title]) =>
      `<li><a href="#${id}">${esc(title)}</a><span class="page" data-section="${id}">${options.pages?.[id] ?? ''}</span></li>`,
  ).join('')}</ol></nav>`;
  const context = { origin: options.origin, graphics: options.graphics };
  const sections = REPORT_SECTIONS.map(
    ([id, title]) =>
      `<section id="${id}" aria-labelledby="${id}-h"><h2 id="${id}-h">${esc(title)}</h2>${SECTION_BODIES[id](r, context)}</section>`,
  ).join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Compliance pack: ${esc(r.site.name)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><style>${STYLE}</style></head><body>
<header><h1>Compliance pack: ${esc(r.site.name)}</h1><p>Site <code>${esc(r.site.siteKey)}</code> · period ${date(r.period.from)} to ${date(r.period.to - 1)} · generated ${time(r.generatedAt)} by ${esc(r.generatedBy)}</p></header>
<main>${toc}${sections}</main></body></html>`;
}
