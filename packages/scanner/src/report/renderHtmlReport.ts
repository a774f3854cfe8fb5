import type { Evidence, Finding, PageObservation, ScanPhase, ScanReport } from './scanReport.js';

/** Escapes text for HTML element content and double-quoted attributes. */
export function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

export const PHASE_LABEL: Record<ScanPhase, string> = {
  before_consent: 'Before any consent choice',
  after_reject: 'After the visitor rejected',
  after_accept: 'After the visitor accepted',
};

const EVIDENCE_LABEL: Record<Evidence['kind'], string> = {
  request: 'Request',
  cookie: 'Cookie',
  localStorage: 'localStorage key',
  sessionStorage: 'sessionStorage key',
  indexedDb: 'IndexedDB database',
  global: 'JavaScript global',
};

const STYLE = `
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1d2433;max-width:1100px;margin:2rem auto;padding:0 1rem}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{margin-top:2rem;border-bottom:1px solid #d8dce4;padding-bottom:.3rem}
.meta{color:#5a6375}.verdict{padding:1rem;border-radius:6px;font-weight:600;margin:1rem 0}
.verdict.fail{background:#fdecec;border:1px solid #e3a4a4}.verdict.pass{background:#eaf6ec;border:1px solid #9fcfa8}
.verdict.unsure{background:#fff6e0;border:1px solid #e6c979}
.finding{border:1px solid #d8dce4;border-radius:6px;padding:0 1rem 1rem;margin:1rem 0}
.sev{display:inline-block;padding:.1rem .5rem;border-radius:4px;font-size:.8rem;font-weight:700;text-transform:uppercase}
.sev.high{background:#b42318;color:#fff}.sev.medium{background:#f79009;color:#1d2433}
table{border-collapse:collapse;width:100%;font-size:.9rem}th,td{text-align:left;border-bottom:1px solid #eceef2;padding:.3rem .4rem;vertical-align:top}
td.url{word-break:break-all;font-family:ui-monospace,monospace;font-size:.82rem}.fix{background:#f3f6fb;padding:.6rem .8rem;border-radius:4px}
`;

function evidenceRows(evidence: readonly Evidence[]): string {
  return evidence
    .map(
      (e) =>
        `<tr><td>${escapeHtml(EVIDENCE_LABEL[e.kind])}${e.failed ? ' (attempted)' : ''}</td>` +
        `<td class="url">${escapeHtml(e.value)}</td><td class="url">${escapeHtml(e.pageUrl)}</td></tr>`,
    )
    .join('');
}

function renderFinding(f: Finding): string {
  const rules = f.rules
    .map(
      (r) => `<li><strong>${escapeHtml(r.id)}</strong> (${escapeHtml(r.title)}): ${escapeHtml(r.text)}</li>`,
    )
    .join('');
  const more =
    f.moreEvidence > 0 ? `<p>…and ${f.moreEvidence} more items of evidence (see the JSON report).</p>` : '';
  return `<section class="finding">
<h3><span class="sev ${escapeHtml(f.severity)}">${escapeHtml(f.severity)}</span> ${escapeHtml(f.title)}</h3>
<p><strong>When:</strong> ${escapeHtml(PHASE_LABEL[f.phase])}. <strong>Pages:</strong> ${f.pages.length}.</p>
<table><thead><tr><th>Evidence</th><th>What</th><th>Page</th></tr></thead><tbody>${evidenceRows(f.evidence)}</tbody></table>${more}
<p><strong>Rules broken:</strong></p><ul>${rules}</ul>
<p class="fix"><strong>How to fix:</strong> ${escapeHtml(f.fix)}</p>
</section>`;
}

function renderPages(pages: readonly PageObservation[]): string {
  const rows = pages
    .map((p) => {
      const failed = p.requests.filter((r) => r.failed).length;
      const status = p.status === 'ok' ? 'scanned' : `not scanned: ${p.error ?? 'error'}`;
      return (
        `<tr><td class="url">${escapeHtml(p.url)}</td><td>${escapeHtml(PHASE_LABEL[p.phase])}</td>` +
        `<td>${escapeHtml(status)}</td><td>${p.requests.length} (${failed} failed)</td>` +
        `<td>${escapeHtml(p.cookies.map((c) => c.name).join(', ') || '—')}</td>` +
        `<td>${escapeHtml([...p.localStorage, ...p.sessionStorage].join(', ') || '—')}</td></tr>`
      );
    })
    .join('');
  return `<table><thead><tr><th>Page</th><th>Phase</th><th>Result</th><th>Requests</th><th>Cookies</th><th>Storage keys</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function verdict(report: ScanReport): string {
  const { high, medium, pagesFailed } = report.summary;
  const phaseErrors = report.phases.filter((p) => p.error);
  if (high + medium > 0) {
    return `<div class="verdict fail">Trackers act without consent: ${high} high and ${medium} medium findings.</div>`;
  }
  if (pagesFailed > 0 || phaseErrors.length > 0) {
    return `<div class="verdict unsure">No tracker was seen acting without consent, but ${pagesFailed} page visits could not be completed: the scan does not cover the whole site.</div>`;
  }
  return '<div class="verdict pass">No tracker known to the scanner acted before consent or after a refusal on the pages scanned.</div>';
}

/**
 * The report as one self-contained HTML page for a compliance lead: verdict, findings with
 * evidence, rules and fixes, consent clicks, what runs after acceptance, and every page visited.
 * Every text from the scanned site is escaped.
 */
export function renderHtmlReport(report: ScanReport): string {
  const accepted = report.detections.filter((d) => d.phase === 'after_accept');
  const afterAccept =
    accepted.length === 0
      ? '<p>No known tracker was seen after acceptance (or no accept button was given).</p>'
      : `<ul>${[...new Set(accepted.map((d) => d.vendorName))].map((n) => `<li>${escapeHtml(n)}</li>`).join('')}</ul>`;
  const clicks = report.phases
    .map(
      (p) =>
        `<li>${escapeHtml(PHASE_LABEL[p.phase])}: <code>${escapeHtml(p.selector ?? '')}</code> ` +
        (p.error
          ? `<strong>not clicked</strong>: ${escapeHtml(p.error)}`
          : `clicked on ${escapeHtml(p.clickedOn ?? '')}`) +
        '</li>',
    )
    .join('');
  const notes = report.notes.map((n) => `<li>${escapeHtml(n)}</li>`).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Pre-consent tracker scan: ${escapeHtml(report.options.urls.join(', '))}</title><style>${STYLE}</style></head>
<body>
<h1>Pre-consent tracker scan</h1>
<p class="meta">${escapeHtml(report.options.urls.join(', '))}<br>Scanned ${escapeHtml(report.startedAt)} to ${escapeHtml(report.finishedAt)} with ${escapeHtml(report.scanner.name)} ${escapeHtml(report.scanner.version)}, signatures ${escapeHtml(report.signatures.version)} (${report.signatures.vendors} vendors); ${report.summary.pagesScanned} page visits.</p>
${verdict(report)}
<h2>Findings</h2>
${report.findings.length === 0 ? '<p>None.</p>' : report.findings.map(renderFinding).join('\n')}
<h2>How the scan was made</h2>
<p>Each phase ran in a fresh headless Chromium profile (no cookies, no storage): first a visitor who has made no choice, then one who clicked the reject button, then one who clicked the accept button. Every request the page attempted counts, including requests that failed. Cookie and storage values are not read, only their names.</p>
${clicks ? `<ul>${clicks}</ul>` : '<p>No consent buttons were given: only the before-consent phase ran.</p>'}
<h2>After acceptance</h2>
${afterAccept}
<h2>Pages visited</h2>
${renderPages(report.pages)}
${notes ? `<h2>Notes</h2><ul>${notes}</ul>` : ''}
</body></html>
`;
}
