import {
  MAX_SCAN_FINDING_EVIDENCE,
  MAX_SCAN_FINDING_PAGES,
  type ScanFindingSummary,
  type ScanRunSummary,
} from '@veil/core';
import type { ScanReport } from '@veil/scanner';

/** A URL without query, fragment or credentials: where it was, never what it carried. */
export function withoutQuery(href: string): string {
  try {
    const url = new URL(href);
    url.search = '';
    url.hash = '';
    url.username = '';
    url.password = '';
    return url.href.slice(0, 500);
  } catch {
    // Not a URL the scanner could have produced: keep nothing of it.
    return '(not a URL)';
  }
}

/**
 * What a scheduled scan keeps of a scanner report: counts, versions and one summary per finding
 * (vendor, phase, page URLs and request URLs without their query, cookie, storage and global
 * names). Page titles, script lists and every other page observation are dropped.
 */
export function summariseScanReport(report: ScanReport): {
  summary: ScanRunSummary;
  findings: ScanFindingSummary[];
} {
  const summary: ScanRunSummary = {
    pagesScanned: report.summary.pagesScanned,
    pagesFailed: report.summary.pagesFailed,
    high: report.summary.high,
    medium: report.summary.medium,
    scannerVersion: report.scanner.version,
    signaturesVersion: report.signatures.version,
    phaseErrors: report.phases.flatMap((p) =>
      p.error ? [{ phase: p.phase, error: p.error.slice(0, 300) }] : [],
    ),
  };
  const findings = report.findings.map((f): ScanFindingSummary => {
    const pages = [...new Set(f.pages.map(withoutQuery))];
    const evidence: ScanFindingSummary['evidence'] = [];
    const seen = new Set<string>();
    for (const e of f.evidence) {
      const value = e.kind === 'request' ? withoutQuery(e.value) : e.value.slice(0, 200);
      const key = `${e.kind}\u0000${value}`;
      if (seen.has(key)) continue;
      seen.add(key);
      evidence.push({ kind: e.kind, value, ...(e.failed === undefined ? {} : { failed: e.failed }) });
    }
    return {
      severity: f.severity,
      vendorId: f.vendorId,
      vendorName: f.vendorName,
      category: f.category,
      phase: f.phase,
      title: f.title,
      pages: pages.slice(0, MAX_SCAN_FINDING_PAGES),
      pageCount: pages.length,
      evidence: evidence.slice(0, MAX_SCAN_FINDING_EVIDENCE),
      evidenceCount: evidence.length + f.moreEvidence,
      rules: f.rules.map((r) => r.id),
      fix: f.fix,
    };
  });
  return { summary, findings };
}
