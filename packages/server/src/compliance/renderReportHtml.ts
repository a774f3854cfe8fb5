import {
  barChartSvg,
  type ChecklistItem,
  type ComplianceReport,
  type EvidenceLink,
  lineChartSvg,
} from '@veil/core';

/** The pack's sections in order: id (the anchor), title. The PDF's contents and page numbers follow it. */
export const REPORT_SECTIONS = [
  ['summary', 'Summary'],
  ['record-of-processing', 'Record of processing (GDPR Art. 30)'],
  ['lawful-basis', 'Lawful basis'],
  ['policy', 'Privacy policy and exclusions'],
  ['inventory', 'Data inventory'],
  ['retention', 'Retention, purges and legal holds'],
  ['consent', 'Consent'],
  ['access', 'Access to recordings'],
  ['alerts', 'Alerts and their resolution'],
  ['subject-requests', 'Data-subject requests'],
  ['incidents', 'Exposure incidents'],
  ['processors', 'Processors and DPAs'],
  ['audit-chain', 'Audit-chain verification'],
  ['readiness', 'Readiness score'],
  ['checklists', 'Checklists'],
] as const;

const esc = (text: string): string =>
  text.replace(
    /[<>&"']/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
const date = (ms: number | null): string => (ms === null ? '—' : new Date(ms).toISOString().slice(0, 10));
const time = (ms: number | null): string =>
  ms === null ? '—' : `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
const pct = (r: number | null): string => (r === null ? '—' : `${Math.round(r * 100)} %`);
const num = (n: number): string => String(n);

function table(head: readonly string[], rows: readonly (readonly string[])[], empty: string): string {
  if (rows.length === 0) return `<p class="empty">${esc(empty)}</p>`;
  return (
    `<table><thead><tr>${head.map((h) => `<th scope="col">${esc(h)}</th>`).join('')}</tr></thead><tbody>` +
    rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('') +
    '</tbody></table>'
  );
}

function list(items: readonly string[]): string {
  return `<ul>${items.map((i) => `<li>${esc(i)}</li>`).join('')}</ul>`;
}

function link(l: EvidenceLink, origin: string): string {
  const href = l.href.startsWith('/') ? `${origin}${l.href}` : l.href;
  const safe = /^(https?:\/\/|#|\/)/.test(href);
  return safe ? `<a href="${esc(href)}">${esc(l.label)}</a>` : esc(`${l.label}: ${l.href}`);
}

function dl(pairs: readonly (readonly [string, string])[]): string {
  return `<dl>${pairs.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${v}</dd>`).join('')}</dl>`;
}

function checklist(items: readonly ChecklistItem[], origin: string): string {
  return table(
    ['Item', 'Status', 'Note', 'Evidence'],
    items.map((i) => [
      esc(i.title),
      `<span class="status status-${i.status}">${esc(i.status)}</span>`,
      esc(i.note),
      i.evidence.map((l) => link(l, origin)).join(', ') || '—',
    ]),
    'no items',
  );
}

function section(id: string, title: string, body: string): string {
  return `<section id="${id}" aria-labelledby="${id}-h"><h2 id="${id}-h">${esc(title)}</h2>${body}</section>`;
}

const STYLE = `
body{font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;font-variant-ligatures:none;color:#1b1f23;max-width:60rem;margin:2rem auto;padding:0 1rem}
h1{font-size:1.8rem;margin:0 0 .25rem}h2{font-size:1.3rem;border-bottom:2px solid #2f6f8f;padding-bottom:.2rem;margin-top:2.5rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem;font-size:.9em}th,td{border:1px solid #c9d1d9;padding:.3rem .45rem;text-align:left;vertical-align:top}
th{background:#eef3f6}dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem}dt{font-weight:600}dd{margin:0}
.figures{display:grid;grid-template-columns:repeat(3,1fr);gap:.5rem}.figure{border:1px solid #c9d1d9;border-radius:6px;padding:.5rem .75rem}
.figure b{display:block;font-size:1.6rem}.empty,.unavailable{color:#57606a;font-style:italic}.unavailable{border-left:4px solid #bf8700;padding-left:.75rem}
.status{font-weight:600}.status-met{color:#1a7f37}.status-partial{color:#9a6700}.status-open{color:#cf222e}
.toc ol{padding-left:1.2rem}.toc li{display:flex;gap:.5rem}.toc li a{flex:1}.toc .page{min-width:2rem;text-align:right}
svg{max-width:100%;height:auto}a{color:#0b5a80}
@media print{body{margin:0;max-width:none;font-size:11px}section{break-before:page}#summary{break-before:auto}
table{page-break-inside:auto}tr{break-inside:avoid}h2{break-after:avoid}a{color:inherit;text-decoration:none}.toc{break-after:page}}
@page{size:A4;margin:18mm 14mm 20mm}`;

/**
 * The compliance pack as one self-contained HTML document (no scripts, no outside resources):
 * readable on screen and in print, and what headless Chromium prints as the PDF. `origin` turns
 * the evidence links into absolute URLs of this Veil. `pages` (from the PDF pass) numbers the contents.
 */
export function renderReportHtml(
  report: ComplianceReport,
  options: { origin: string; pages?: Readonly<Record<string, number>> } = { origin: '' },
): string {
  const r = report;
  const o = options.origin;
  const f = r.figures;
  const toc = `<nav class="toc" id="contents" aria-labelledby="contents-h"><h2 id="contents-h">Contents</h2><ol>${REPORT_SECTIONS.map(
    ([id, title]) =>
      `<li><a href="#${id}">${esc(title)}</a><span class="page" data-section="${id}">${options.pages?.[id] ?? ''}</span></li>`,
  ).join('')}</ol></nav>`;

  const summary = section(
    'summary',
    'Summary',
    `<div class="figures">${(
      [
        ['Sessions stored', f.sessionsStored],
        ['Raw-replay views', f.rawReplayViews],
        ['Sessions purged', f.sessionsPurged],
        ['Subject requests', f.subjectRequests],
        ['Consent decisions', f.consentDecisions],
        ['Alerts raised', f.alertsRaised],
      ] as const
    )
      .map(([k, v]) => `<div class="figure"><span>${esc(k)}</span><b>${num(v)}</b></div>`)
      .join('')}</div>
    <p>Readiness score: <b>${r.readiness.score} of ${r.readiness.max}</b>. Audit chain: <b>${r.auditChain.ok ? 'intact' : 'BROKEN'}</b>.</p>`,
  );

  const rop = r.recordOfProcessing;
  const record = section(
    'record-of-processing',
    'Record of processing (GDPR Art. 30)',
    dl([
      ['Controller', esc(rop.controller)],
      ['Purposes', list(rop.purposes)],
      ['Data subjects', list(rop.dataSubjects)],
      ['Categories of data', list(rop.dataCategories)],
      ['Never collected', list(rop.neverCollected)],
      ['Recipients', list(rop.recipients)],
      ['Transfers', esc(rop.transfers)],
      ['Retention', esc(rop.retention)],
      ['Safeguards', list(rop.safeguards)],
    ]),
  );

  const lb = r.lawfulBasis;
  const lawful = section(
    'lawful-basis',
    'Lawful basis',
    dl([
      ['Basis', esc(lb.basis === 'consent' ? 'Consent' : 'Legitimate interest')],
      ['Global Privacy Control', lb.honoursGlobalPrivacyControl ? 'honoured' : 'not honoured'],
      ...(lb.assessment
        ? ([
            ['Purpose', esc(lb.assessment.purpose)],
            ['Necessity', esc(lb.assessment.necessity)],
            ['Balancing', esc(lb.assessment.balancing)],
            ['Safeguards', esc(lb.assessment.safeguards)],
          ] as const)
        : []),
    ]),
  );

  const p = r.policy;
  const ex = p.exclusions;
  const policy = section(
    'policy',
    'Privacy policy and exclusions',
    dl([
      ['Current version', num(p.currentVersion)],
      ['Preset', esc(p.preset)],
      ['Sampling', `${p.samplingPercent} %`],
      ['Pages allowed', esc(ex.pageAllowList.join(', ') || 'all')],
      ['Pages never recorded', esc(ex.pageDenyList.join(', ') || 'none')],
      ['Blocked elements', esc(ex.blockSelectors.join(', ') || 'none besides the defaults')],
      ['Masked elements', esc(ex.maskTextSelectors.join(', ') || 'none besides the defaults')],
      ['Restricted regions', esc(ex.restrictedRegions.join(', ') || 'none')],
      ['IP block rules', num(ex.ipRules)],
      ['All text masked', ex.maskAllText ? 'yes' : 'no'],
      ['Network payloads', ex.captureNetworkPayloads ? 'captured' : 'not captured'],
      ['Recorded iframes', esc(ex.allowedIframes.join(', ') || 'none')],
    ]) +
      '<h3>Version history</h3>' +
      table(
        ['Version', 'Published', 'By', 'Reason', 'Changes'],
        p.versions.map((v) => [
          num(v.version),
          time(v.createdAt),
          esc(v.author),
          esc(v.reason),
          esc(v.changes.join('; ') || '—'),
        ]),
        'no versions',
      ),
  );

  const inventory = section(
    'inventory',
    'Data inventory',
    r.inventory.available
      ? dl([
          ['Pages', num(r.inventory.pages)],
          ['Fields', num(r.inventory.fields)],
          ['Pending review', num(r.inventory.pending)],
        ]) +
          table(
            ['Kind', 'Name', 'Status'],
            r.inventory.items.map((i) => [esc(i.kind), esc(i.name), esc(i.status)]),
            'no items',
          )
      : `<p class="unavailable">Not available: ${esc(r.inventory.note)}</p>`,
  );

  const ret = r.retention;
  const retention = section(
    'retention',
    'Retention, purges and legal holds',
    dl([
      ['Retention', `${ret.retentionDays} days`],
      ['Oldest session now', time(ret.oldestSessionAt)],
      ['Due now', num(ret.dueSessionsNow)],
      ['Held now', num(ret.heldSessionsNow)],
      [
        'Exception',
        ret.exception
          ? `${ret.exception.overdueSessions} sessions overdue since ${time(ret.exception.oldestAt)}`
          : 'none',
      ],
      ['Purge runs in the period', num(ret.runs)],
      ['Sessions purged in the period', num(ret.sessionsPurged)],
      ['Bytes purged in the period', num(ret.bytesPurged)],
    ]) +
      '<h3>Purge receipts</h3>' +
      table(
        ['Receipt', 'Completed', 'Trigger', 'Sessions', 'Bytes', 'Held', 'Overdue'],
        ret.receipts.map((x) => [
          esc(x.id),
          time(x.completedAt),
          esc(x.trigger),
          num(x.sessions),
          num(x.bytes),
          num(x.held),
          num(x.overdue),
        ]),
        'no purge run in the period',
      ) +
      '<h3>Legal holds</h3>' +
      table(
        ['Hold', 'Scope', 'Reason', 'By', 'Placed', 'Expires', 'Released'],
        ret.holds.map((h) => [
          esc(h.id),
          esc(h.scope),
          esc(h.reason),
          esc(h.createdBy),
          date(h.createdAt),
          date(h.expiresAt),
          date(h.releasedAt),
        ]),
        'no legal hold in the period',
      ),
  );

  const c = r.consent;
  const consent = section(
    'consent',
    'Consent',
    dl([
      ['Granted', num(c.totals.granted)],
      ['Refused', num(c.totals.denied)],
      ['Withdrawn', num(c.totals.withdrawn)],
      ['Opt-in rate', pct(c.optInRate)],
    ]) +
      barChartSvg({
        title: 'Opt-in rate by region',
        max: 1,
        data: c.byRegion.map((x) => ({ label: x.region, value: x.optInRate ?? 0, text: pct(x.optInRate) })),
      }) +
      lineChartSvg({
        title: 'Opt-in rate per day',
        max: 1,
        data: c.daily.map((d) => ({ x: d.day, y: d.optInRate })),
        formatX: date,
        formatY: (y) => `${Math.round(y * 100)} %`,
      }) +
      '<h3>By source</h3>' +
      table(
        ['Source', 'Granted', 'Refused', 'Withdrawn', 'Opt-in'],
        c.bySource.map((x) => [
          esc(x.source),
          num(x.granted),
          num(x.denied),
          num(x.withdrawn),
          pct(x.optInRate),
        ]),
        'no consent decision in the period',
      ) +
      '<h3>By region</h3>' +
      table(
        ['Region', 'Granted', 'Refused', 'Withdrawn', 'Opt-in'],
        c.byRegion.map((x) => [
          esc(x.region),
          num(x.granted),
          num(x.denied),
          num(x.withdrawn),
          pct(x.optInRate),
        ]),
        'no consent decision in the period',
      ),
  );

  const a = r.access;
  const access = section(
    'access',
    'Access to recordings',
    dl([
      ['Raw-replay views', num(a.rawReplayViews)],
      ['Sessions viewed', num(a.sessionsViewed)],
      ['Access anomalies', num(a.anomalies)],
    ]) +
      table(
        ['Viewer', 'Views', 'Sessions'],
        a.viewers.map((v) => [esc(v.viewer), num(v.views), num(v.sessions)]),
        'no raw replay was viewed',
      ) +
      '<h3>Every view and its purpose</h3>' +
      table(
        ['When', 'Who', 'Session', 'Purpose'],
        a.views.map((v) => [time(v.at), esc(v.viewer), esc(v.sessionId), esc(v.purpose)]),
        'none',
      ),
  );

  const al = r.alerts;
  const alerts = section(
    'alerts',
    'Alerts and their resolution',
    dl([
      ['Raised', num(al.raised)],
      ['Open', num(al.open)],
      ['Acknowledged', num(al.acknowledged)],
      ['Resolved', num(al.resolved)],
      ['Masking failures (count)', num(al.maskingFailures)],
    ]) +
      table(
        ['First seen', 'Kind', 'Severity', 'Summary', 'Status', 'Resolved', 'Note'],
        al.items.map((x) => [
          time(x.firstSeenAt),
          esc(x.kind),
          esc(x.severity),
          esc(x.summary),
          esc(x.status),
          x.resolvedAt === null ? '—' : `${time(x.resolvedAt)} by ${esc(x.resolvedBy ?? '?')}`,
          esc(x.note ?? '—'),
        ]),
        'no alert in the period',
      ),
  );

  const sr = r.subjectRequests;
  const requests = section(
    'subject-requests',
    'Data-subject requests',
    dl([
      ['Requests', num(sr.total)],
      ['Completed', num(sr.completed)],
      ['Pending', num(sr.pending)],
      ['Late', num(sr.late)],
      [
        'Median turnaround',
        sr.medianTurnaroundHours === null ? '—' : `${sr.medianTurnaroundHours.toFixed(1)} hours`,
      ],
    ]) +
      table(
        ['Request', 'Kind', 'Origin', 'Received', 'Due', 'Completed', 'Turnaround'],
        sr.items.map((x) => [
          esc(x.id),
          esc(x.kind),
          esc(x.origin),
          time(x.receivedAt),
          date(x.dueAt),
          time(x.completedAt),
          x.turnaroundHours === null ? '—' : `${x.turnaroundHours.toFixed(1)} h`,
        ]),
        'no request in the period',
      ),
  );

  const incidents = section(
    'incidents',
    'Exposure incidents',
    r.incidents.available
      ? dl([
          ['Incidents', num(r.incidents.total)],
          ['Open', num(r.incidents.open)],
        ]) +
          table(
            ['Incident', 'Title', 'Status', 'Opened'],
            r.incidents.items.map((i) => [esc(i.id), esc(i.title), esc(i.status), time(i.openedAt)]),
            'no incident in the period',
          )
      : `<p class="unavailable">Not available: ${esc(r.incidents.note)}</p>`,
  );

  const processors = section(
    'processors',
    'Processors and DPAs',
    table(
      ['Name', 'Role', 'Purpose', 'Location', 'DPA signed', 'DPA reference'],
      r.processors.map((x) => [
        esc(x.name),
        esc(x.role),
        esc(x.purpose),
        esc(x.location),
        date(x.dpaSignedAt),
        esc(x.dpaReference ?? '—'),
      ]),
      'The processor register is empty.',
    ),
  );

  const ac = r.auditChain;
  const chain = section(
    'audit-chain',
    'Audit-chain verification',
    dl([
      [
        'Result',
        ac.ok
          ? 'intact: every hash, link and signed checkpoint verified'
          : `BROKEN: ${esc(ac.problem ?? '')}`,
      ],
      ['Entries', num(ac.entries)],
      ['Signed checkpoints', num(ac.checkpoints)],
      ['Head', `seq ${ac.headSeq}`],
      ['Signing key', esc(ac.signingKeyId)],
      ['Key fingerprint (SHA-256)', `<code>${esc(ac.signingKeyFingerprint)}</code>`],
    ]),
  );

  const rd = r.readiness;
  const readiness = section(
    'readiness',
    'Readiness score',
    `<p>Score: <b>${rd.score} of ${rd.max}</b></p>` +
      barChartSvg({
        title: 'Readiness by area (0–2)',
        max: 2,
        data: rd.areas.map((x) => ({ label: x.title, value: x.score, text: `${x.score}` })),
      }) +
      table(
        ['Area', 'Score', 'Basis', 'Why', 'Evidence'],
        rd.areas.map((x) => [
          esc(x.title),
          num(x.score),
          esc(x.basis),
          esc(x.reason),
          x.evidence.map((l) => link(l, o)).join(', ') || '—',
        ]),
        'no areas',
      ) +
      '<h3>Attestations</h3>' +
      table(
        ['Kind', 'Statement', 'By', 'On', 'Expires', 'Valid'],
        r.attestations.map((x) => [
          esc(x.kind),
          esc(x.statement),
          esc(x.attestedBy),
          date(x.attestedAt),
          date(x.expiresAt),
          x.valid ? 'yes' : 'expired',
        ]),
        'no attestation recorded',
      ),
  );

  const checklists = section(
    'checklists',
    'Checklists',
    '<h3>Session-recording compliance checklist</h3>' +
      checklist(r.checklists.sessionRecording, o) +
      '<h3>Privacy-audit checklist</h3>' +
      checklist(r.checklists.privacyAudit, o),
  );

  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Compliance pack: ${esc(r.site.name)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><style>${STYLE}</style></head><body>
<header><h1>Compliance pack: ${esc(r.site.name)}</h1><p>Site <code>${esc(r.site.siteKey)}</code> · period ${date(r.period.from)} to ${date(r.period.to - 1)} · generated ${time(r.generatedAt)} by ${esc(r.generatedBy)}</p></header>
<main>${toc}${summary}${record}${lawful}${policy}${inventory}${retention}${consent}${access}${alerts}${requests}${incidents}${processors}${chain}${readiness}${checklists}</main></body></html>`;
}
