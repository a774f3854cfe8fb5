import type { ComplianceReport } from '@veil/core';
import {
  type Column,
  checklist,
  date,
  dl,
  esc,
  hours,
  links,
  list,
  num,
  pct,
  table,
  time,
} from './reportHtmlParts.js';

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
export type ReportSectionId = (typeof REPORT_SECTIONS)[number][0];

/** Drawn before rendering (asynchronous layouts): SVG elements the sections embed. */
export interface ReportGraphics {
  /** The data inventory's data-flow diagram (elkjs layout, core's drawing). */
  inventoryDiagram: string;
  /** The dashboard's readiness-by-area chart (a `<figure>`: Recharts SVG and its table), drawn in Chromium. */
  readinessChart: string;
  /** The dashboard's readiness-score-by-month chart (monthly summaries and now), drawn in Chromium. */
  readinessTrendChart: string;
  /** The dashboard's opt-in-rate-by-region-over-time chart, drawn in Chromium. */
  consentChart: string;
}

export interface SectionContext {
  /** This Veil's origin: evidence links become absolute. */
  origin: string;
  graphics: ReportGraphics;
}

type SectionBody = (r: ComplianceReport, ctx: SectionContext) => string;

const h3 = (title: string): string => `<h3>${esc(title)}</h3>`;
const or = (values: readonly string[], none: string): string => esc(values.join(', ') || none);
function optInTable<
  T extends { granted: number; denied: number; withdrawn: number; optInRate: number | null },
>(rows: readonly T[], key: Column<T>): string {
  return table(
    rows,
    [
      key,
      ['Granted', (x) => num(x.granted)],
      ['Refused', (x) => num(x.denied)],
      ['Withdrawn', (x) => num(x.withdrawn)],
      ['Opt-in', (x) => pct(x.optInRate)],
    ],
    'no consent decision in the period',
  );
}

/** Each section's body, by id: what the pack shows of the model. */
export const SECTION_BODIES: Record<ReportSectionId, SectionBody> = {
  summary: (r) =>
    `<div class="figures">${(
      [
        ['Sessions stored', r.figures.sessionsStored],
        ['Raw-replay views', r.figures.rawReplayViews],
        ['Sessions purged', r.figures.sessionsPurged],
        ['Subject requests', r.figures.subjectRequests],
        ['Consent decisions', r.figures.consentDecisions],
        ['Alerts raised', r.figures.alertsRaised],
      ] as const
    )
      .map(([k, v]) => `<div class="figure"><span>${esc(k)}</span><b>${num(v)}</b></div>`)
      .join('')}</div>
    <p>Readiness score: <b>${r.readiness.score} of ${r.readiness.max}</b>. Audit chain: <b>${r.auditChain.ok ? 'intact' : 'BROKEN'}</b>.</p>`,

  'record-of-processing': ({ recordOfProcessing: rop }) =>
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

  'lawful-basis': ({ lawfulBasis: lb }) =>
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

  policy: ({ policy: p }) =>
    dl([
      ['Current version', num(p.currentVersion)],
      ['Preset', esc(p.preset)],
      ['Sampling', `${p.samplingPercent} %`],
      ['Pages allowed', or(p.exclusions.pageAllowList, 'all')],
      ['Pages never recorded', or(p.exclusions.pageDenyList, 'none')],
      ['Blocked elements', or(p.exclusions.blockSelectors, 'none besides the defaults')],
      ['Masked elements', or(p.exclusions.maskTextSelectors, 'none besides the defaults')],
      ['Restricted regions', or(p.exclusions.restrictedRegions, 'none')],
      ['IP block rules', num(p.exclusions.ipRules)],
      ['All text masked', p.exclusions.maskAllText ? 'yes' : 'no'],
      ['Network payloads', p.exclusions.captureNetworkPayloads ? 'captured' : 'not captured'],
      ['Recorded iframes', or(p.exclusions.allowedIframes, 'none')],
    ]) +
    h3('Version history') +
    table(
      p.versions,
      [
        ['Version', (v) => num(v.version)],
        ['Published', (v) => time(v.createdAt)],
        ['By', (v) => esc(v.author)],
        ['Reason', (v) => esc(v.reason)],
        ['Changes', (v) => esc(v.changes.join('; ') || '—')],
      ],
      'no versions',
    ),

  inventory: ({ inventory: inv }, { graphics }) =>
    dl([
      ['Pages', num(inv.pages)],
      ['Fields and elements', num(inv.fields)],
      ['Pending review', num(inv.pending)],
      ['Approved', num(inv.approved)],
      ['Excluded', num(inv.excluded)],
      ['Captured', num(inv.captured)],
      ['Sensitive and captured', num(inv.sensitiveCaptured)],
      [
        'Storage',
        esc(
          `${inv.storage.engine === 'postgres' ? 'PostgreSQL' : 'SQLite'}, ${inv.storage.encryption}, kept ${inv.storage.retentionDays} days (policy version ${inv.storage.policyVersion})`,
        ),
      ],
    ]) +
    h3('Data flow') +
    `<figure class="diagram">${graphics.inventoryDiagram}<figcaption>Pages → fields → masked / blocked / captured → storage → retention, from the recordings; pending items have an amber border, excluded ones a dashed one.</figcaption></figure>` +
    h3('Items') +
    table(
      inv.items,
      [
        ['Kind', (i) => esc(i.kind)],
        ['Page', (i) => esc(i.pagePattern)],
        ['Element', (i) => esc([i.tag, i.name ?? i.elementId, i.label].filter(Boolean).join(' · ') || '—')],
        ['Capture', (i) => esc(i.capture ?? '—')],
        ['Sensitive', (i) => esc(i.sensitive ?? '—')],
        ['Status', (i) => `<span class="status status-${esc(i.status)}">${esc(i.status)}</span>`],
        [
          'Review',
          (i) =>
            i.reviewedAt === null
              ? '—'
              : esc(`${date(i.reviewedAt)} by ${i.reviewedBy ?? '?'}${i.rule ? `: ${i.rule}` : ''}`),
        ],
      ],
      'no page or field recorded yet',
    ),

  retention: ({ retention: ret }) =>
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
    h3('Purge receipts') +
    table(
      ret.receipts,
      [
        ['Receipt', (x) => esc(x.id)],
        ['Completed', (x) => time(x.completedAt)],
        ['Trigger', (x) => esc(x.trigger)],
        ['Sessions', (x) => num(x.sessions)],
        ['Bytes', (x) => num(x.bytes)],
        ['Held', (x) => num(x.held)],
        ['Overdue', (x) => num(x.overdue)],
      ],
      'no purge run in the period',
    ) +
    h3('Legal holds') +
    table(
      ret.holds,
      [
        ['Hold', (h) => esc(h.id)],
        ['Scope', (h) => esc(h.scope)],
        ['Reason', (h) => esc(h.reason)],
        ['By', (h) => esc(h.createdBy)],
        ['Placed', (h) => date(h.createdAt)],
        ['Expires', (h) => date(h.expiresAt)],
        ['Released', (h) => date(h.releasedAt)],
      ],
      'no legal hold in the period',
    ),

  consent: ({ consent: c }, { graphics }) =>
    dl([
      ['Granted', num(c.totals.granted)],
      ['Refused', num(c.totals.denied)],
      ['Withdrawn', num(c.totals.withdrawn)],
      ['Opt-in rate', pct(c.optInRate)],
    ]) +
    graphics.consentChart +
    h3('By source') +
    optInTable(c.bySource, ['Source', (x) => esc(x.source)]) +
    h3('By region') +
    optInTable(c.byRegion, ['Region', (x) => esc(x.region)]),

  access: ({ access: a }) =>
    dl([
      ['Raw-replay views', num(a.rawReplayViews)],
      ['Sessions viewed', num(a.sessionsViewed)],
      ['Access anomalies', num(a.anomalies)],
    ]) +
    table(
      a.viewers,
      [
        ['Viewer', (v) => esc(v.viewer)],
        ['Views', (v) => num(v.views)],
        ['Sessions', (v) => num(v.sessions)],
      ],
      'no raw replay was viewed',
    ) +
    h3('Every view and its purpose') +
    table(
      a.views,
      [
        ['When', (v) => time(v.at)],
        ['Who', (v) => esc(v.viewer)],
        ['Session', (v) => esc(v.sessionId)],
        ['Purpose', (v) => esc(v.purpose)],
      ],
      'none',
    ),

  alerts: ({ alerts: al }) =>
    dl([
      ['Raised', num(al.raised)],
      ['Open', num(al.open)],
      ['Acknowledged', num(al.acknowledged)],
      ['Resolved', num(al.resolved)],
      ['Masking failures (count)', num(al.maskingFailures)],
    ]) +
    table(
      al.items,
      [
        ['First seen', (x) => time(x.firstSeenAt)],
        ['Kind', (x) => esc(x.kind)],
        ['Severity', (x) => esc(x.severity)],
        ['Summary', (x) => esc(x.summary)],
        ['Status', (x) => esc(x.status)],
        [
          'Resolved',
          (x) => (x.resolvedAt === null ? '—' : `${time(x.resolvedAt)} by ${esc(x.resolvedBy ?? '?')}`),
        ],
        ['Note', (x) => esc(x.note ?? '—')],
      ],
      'no alert in the period',
    ),

  'subject-requests': ({ subjectRequests: sr }) =>
    dl([
      ['Requests', num(sr.total)],
      ['Completed', num(sr.completed)],
      ['Pending', num(sr.pending)],
      ['Late', num(sr.late)],
      ['Median turnaround', hours(sr.medianTurnaroundHours, ' hours')],
    ]) +
    table(
      sr.items,
      [
        ['Request', (x) => esc(x.id)],
        ['Kind', (x) => esc(x.kind)],
        ['Origin', (x) => esc(x.origin)],
        ['Received', (x) => time(x.receivedAt)],
        ['Due', (x) => date(x.dueAt)],
        ['Completed', (x) => time(x.completedAt)],
        ['Turnaround', (x) => hours(x.turnaroundHours)],
      ],
      'no request in the period',
    ),

  incidents: ({ incidents: inc }) =>
    dl([
      ['Incidents', num(inc.total)],
      ['Undecided', num(inc.undecided)],
      ['Overdue (past 72 hours, undecided)', num(inc.overdue)],
      ['Decided within 72 hours', num(inc.decidedInTime)],
      ['Decided late', num(inc.decidedLate)],
      ['Authority notified', num(inc.notified)],
      ['Sessions found', num(inc.sessionsFound)],
      ['Sessions erased', num(inc.sessionsErased)],
    ]) +
    table(
      inc.items,
      [
        ['Incident', (i) => `${esc(i.title)}<br><small>${esc(i.id)} · ${esc(i.kind)}</small>`],
        ['Where', (i) => esc([i.page, i.element].filter(Boolean).join(' · ') || '—')],
        ['Discovered', (i) => `${time(i.discoveredAt)}<br><small>${esc(i.foundHow)}</small>`],
        [
          '72-hour clock',
          (i) =>
            `${esc(i.clock.state.replace('_', ' '))}<br><small>deadline ${time(i.clock.deadline)}</small>`,
        ],
        [
          'Decision',
          (i) =>
            i.decision === null
              ? 'none yet'
              : `${esc(i.decision.decision === 'notify' ? 'notify' : 'do not notify')}: ${esc(i.decision.reason)}<br><small>by ${esc(i.decision.decidedBy)}, ${time(i.decision.decidedAt)}${i.decision.notifiedAt === null ? '' : `, notified ${time(i.decision.notifiedAt)}`}</small>`,
        ],
        ['Sessions found / erased', (i) => `${num(i.sessionsFound)} / ${num(i.sessionsErased)}`],
      ],
      'no exposure incident in the period',
    ),

  processors: ({ processors }) =>
    table(
      processors,
      [
        ['Name', (x) => esc(x.name)],
        ['Role', (x) => esc(x.role)],
        ['Purpose', (x) => esc(x.purpose)],
        ['Location', (x) => esc(x.location)],
        ['DPA signed', (x) => date(x.dpaSignedAt)],
        ['DPA reference', (x) => esc(x.dpaReference ?? '—')],
      ],
      'The processor register is empty.',
    ),

  'audit-chain': ({ auditChain: ac }) =>
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

  readiness: (r, { origin, graphics }) =>
    `<p>Score: <b>${r.readiness.score} of ${r.readiness.max}</b></p>` +
    graphics.readinessChart +
    graphics.readinessTrendChart +
    table(
      r.readiness.areas,
      [
        ['Area', (x) => esc(x.title)],
        ['Score', (x) => num(x.score)],
        ['Basis', (x) => esc(x.basis)],
        ['Why', (x) => esc(x.reason)],
        ['Evidence', (x) => links(x.evidence, origin)],
      ],
      'no areas',
    ) +
    h3('Attestations') +
    table(
      r.attestations,
      [
        ['Kind', (x) => esc(x.kind)],
        ['Statement', (x) => esc(x.statement)],
        ['By', (x) => esc(x.attestedBy)],
        ['On', (x) => date(x.attestedAt)],
        ['Expires', (x) => date(x.expiresAt)],
        ['Valid', (x) => (x.valid ? 'yes' : 'expired')],
      ],
      'no attestation recorded',
    ),

  checklists: (r, { origin }) =>
    h3('Session-recording compliance checklist') +
    checklist(r.checklists.sessionRecording, origin) +
    h3('Privacy-audit checklist') +
    checklist(r.checklists.privacyAudit, origin),
};
