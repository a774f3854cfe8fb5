import { PHASE_LABEL } from './renderHtmlReport.js';
import type { ScanReport } from './scanReport.js';

/** The report in a few lines for a terminal or a CI log. */
export function renderTextSummary(report: ScanReport): string {
  const { pagesScanned, pagesFailed, high, medium } = report.summary;
  const lines = [
    `Scanned ${pagesScanned} page visits (${pagesFailed} failed) with signatures ${report.signatures.version}: ${high} high, ${medium} medium findings.`,
  ];
  for (const phase of report.phases) {
    if (phase.error) lines.push(`! ${PHASE_LABEL[phase.phase]}: ${phase.error}`);
  }
  for (const page of report.pages) {
    if (page.status !== 'ok' && !report.phases.some((p) => p.error === page.error))
      lines.push(`! ${page.url} (${PHASE_LABEL[page.phase]}): ${page.error ?? 'not scanned'}`);
  }
  for (const f of report.findings) {
    lines.push(`${f.severity.toUpperCase().padEnd(6)} ${f.title}`);
    for (const e of f.evidence.slice(0, 3)) lines.push(`       ${e.kind}: ${e.value}`);
    if (f.evidence.length + f.moreEvidence > 3)
      lines.push(`       …${f.evidence.length + f.moreEvidence - 3} more`);
  }
  const accepted = [
    ...new Set(report.detections.filter((d) => d.phase === 'after_accept').map((d) => d.vendorName)),
  ];
  if (accepted.length > 0) lines.push(`After acceptance: ${accepted.join(', ')}.`);
  return lines.join('\n');
}
