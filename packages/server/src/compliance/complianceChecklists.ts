import type {
  Attestation,
  ChecklistItem,
  ComplianceReport,
  EvidenceLink,
  Readiness,
  ReadinessArea,
} from '@veil/core';

type Status = ChecklistItem['status'];

/** What the checklists read: the report's sections built before them. */
export type ChecklistInput = Pick<
  ComplianceReport,
  'site' | 'policy' | 'lawfulBasis' | 'retention' | 'consent' | 'subjectRequests' | 'processors' | 'inventory'
> & { readiness: Readiness; attestations: readonly Attestation[]; canaries: number };

const item = (
  id: string,
  title: string,
  status: Status,
  note: string,
  evidence: EvidenceLink[],
): ChecklistItem => ({
  id,
  title,
  status,
  note,
  evidence,
});

const fromScore = (score: number): Status => (score >= 2 ? 'met' : score === 1 ? 'partial' : 'open');

function areaStatus(r: Readiness, area: ReadinessArea): { status: Status; note: string } {
  const found = r.areas.find((a) => a.area === area);
  return found
    ? { status: fromScore(found.score), note: found.reason }
    : { status: 'open', note: 'not scored' };
}

function attested(list: readonly Attestation[], kind: Attestation['kind']): Attestation | undefined {
  return list.find((a) => a.kind === kind && a.valid);
}

function dpaStatus(input: ChecklistInput): { status: Status; note: string } {
  const signed = input.processors.filter((p) => p.dpaSignedAt !== null).length;
  const dpa = attested(input.attestations, 'dpa_signed');
  if (input.processors.length > 0 && signed === input.processors.length)
    return { status: 'met', note: `${signed} of ${input.processors.length} processors have a signed DPA` };
  if (dpa) return { status: 'met', note: `attested by ${dpa.attestedBy}: ${dpa.statement}` };
  if (input.processors.length === 0) return { status: 'open', note: 'the processor register is empty' };
  return { status: 'partial', note: `${signed} of ${input.processors.length} processors have a signed DPA` };
}

function trainingStatus(input: ChecklistInput): { status: Status; note: string } {
  const t = attested(input.attestations, 'training_done');
  return t
    ? { status: 'met', note: `attested by ${t.attestedBy}: ${t.statement}` }
    : { status: 'open', note: 'no valid training attestation' };
}

/** The seven-item session-recording compliance checklist and the privacy-audit checklist, each item with its evidence. */
export function complianceChecklists(input: ChecklistInput): ComplianceReport['checklists'] {
  const key = encodeURIComponent(input.site.siteKey);
  const policyLink = { label: 'Privacy policy', href: `/sites/${key}/privacy` };
  const p = input.policy;
  const ex = p.exclusions;
  const incident = areaStatus(input.readiness, 'incident_playbook');
  const retention = areaStatus(input.readiness, 'retention_enforced');
  const review = areaStatus(input.readiness, 'periodic_audits');
  const dpa = dpaStatus(input);
  const training = trainingStatus(input);
  const canaries = input.canaries;

  const sessionRecording: ChecklistItem[] = [
    item(
      'data_flow_chart',
      'Data-flow chart',
      input.inventory.pages > 0 && input.inventory.pending === 0 ? 'met' : 'partial',
      input.inventory.pages === 0
        ? 'the record of processing states the flow; no recording has drawn the inventory yet'
        : `the data inventory's diagram: ${input.inventory.pages} pages, ${input.inventory.fields} fields and elements, ${input.inventory.pending} pending review`,
      [
        { label: 'Record of processing', href: '#record-of-processing' },
        { label: 'Data inventory', href: '#inventory' },
        { label: 'Inventory in the dashboard', href: `/sites/${key}/inventory` },
      ],
    ),
    item(
      'settings_documented',
      'Settings documented',
      'met',
      `policy version ${p.currentVersion} with ${p.versions.length} versions of history`,
      [policyLink, { label: 'Policy history', href: '#policy' }],
    ),
    item('documentation_package', 'Documentation package', 'met', 'this compliance pack', [
      { label: 'Contents', href: '#contents' },
    ]),
    item(
      'automated_oversight',
      'Automated oversight',
      canaries > 0 && retention.status === 'met' ? 'met' : 'partial',
      `${canaries} canaries; server-side masking on every batch; retention: ${retention.note}`,
      [
        { label: 'Alerts', href: '#alerts' },
        { label: 'Retention', href: '#retention' },
      ],
    ),
    item('incident_response', 'Incident response', incident.status, incident.note, [
      { label: 'Alerts', href: '#alerts' },
    ]),
    item('vendor_dpas', 'Vendor DPAs', dpa.status, dpa.note, [
      { label: 'Processor register', href: '#processors' },
    ]),
    item('training', 'Training', training.status, training.note, [
      { label: 'Attestations', href: '#readiness' },
    ]),
  ];

  const lawful =
    input.lawfulBasis.basis === 'consent'
      ? item('lawful_basis', 'Lawful basis', 'met', 'consent: nothing is recorded before a consent receipt', [
          { label: 'Lawful basis', href: '#lawful-basis' },
        ])
      : item(
          'lawful_basis',
          'Lawful basis',
          input.lawfulBasis.assessment ? 'met' : 'open',
          input.lawfulBasis.assessment
            ? 'legitimate interest with a documented assessment'
            : 'legitimate interest without an assessment',
          [{ label: 'Lawful basis', href: '#lawful-basis' }],
        );
  const decisions =
    input.consent.totals.granted + input.consent.totals.denied + input.consent.totals.withdrawn;
  const privacyAudit: ChecklistItem[] = [
    lawful,
    item(
      'privacy_policy_disclosure',
      'Privacy-policy disclosure',
      'partial',
      `Veil generates the disclosure text for policy version ${p.currentVersion}; publishing it is the site's step`,
      [{ label: 'Generated notice', href: `/api/v1/sites/${key}/notice?format=html` }],
    ),
    item('dpa', 'Data processing agreement', dpa.status, dpa.note, [
      { label: 'Processor register', href: '#processors' },
    ]),
    item(
      'cookie_notice',
      'Cookie notice',
      input.lawfulBasis.basis === 'consent' ? 'met' : 'partial',
      input.lawfulBasis.basis === 'consent'
        ? 'consent banner or platform gates the recorder'
        : 'no consent gate under legitimate interest; the notice must say so',
      [{ label: 'Generated notice', href: `/api/v1/sites/${key}/notice?format=html` }],
    ),
    item('password_fields', 'Password fields', 'met', 'never captured, in any configuration', []),
    item(
      'global_masking',
      'Global masking',
      'met',
      ex.maskAllText
        ? 'every input and all page text masked'
        : 'every input masked; detected PII masked in text',
      [policyLink],
    ),
    item(
      'sensitive_elements',
      'Sensitive elements',
      ex.blockSelectors.length + ex.maskTextSelectors.length > 0 ? 'met' : 'partial',
      `${ex.blockSelectors.length} blocked and ${ex.maskTextSelectors.length} masked selectors`,
      [policyLink],
    ),
    item(
      'page_targeting',
      'Page targeting',
      ex.pageAllowList.length + ex.pageDenyList.length > 0 ? 'met' : 'partial',
      `${ex.pageAllowList.length} allowed and ${ex.pageDenyList.length} denied page patterns`,
      [policyLink],
    ),
    item(
      'network_capture_off',
      'Network capture off',
      ex.captureNetworkPayloads ? 'open' : 'met',
      ex.captureNetworkPayloads ? 'XHR/fetch payloads are captured' : 'XHR/fetch payloads are not captured',
      [policyLink],
    ),
    item(
      'iframes',
      'Iframes',
      ex.allowedIframes.length === 0 ? 'met' : 'partial',
      ex.allowedIframes.length === 0
        ? 'no iframe content recorded'
        : `${ex.allowedIframes.length} same-origin iframes recorded with masking`,
      [policyLink],
    ),
    item(
      'sampling',
      'Sampling',
      p.samplingPercent < 100 ? 'met' : 'partial',
      `${p.samplingPercent} % of visitors recorded`,
      [policyLink],
    ),
    item('ip_blocking', 'IP blocking', 'met', `IP addresses never stored; ${ex.ipRules} block rules`, [
      policyLink,
    ]),
    item(
      'opt_out',
      'Opt-out',
      'met',
      'opt-out page and page API; GPC and Do Not Track ' +
        (input.lawfulBasis.honoursGlobalPrivacyControl ? 'honoured' : 'not honoured'),
      [{ label: 'Generated notice', href: `/api/v1/sites/${key}/notice?format=html` }],
    ),
    item(
      'erasure',
      'Erasure',
      input.subjectRequests.late > 0 ? 'partial' : 'met',
      `${input.subjectRequests.completed} of ${input.subjectRequests.total} requests completed, ${input.subjectRequests.late} late`,
      [
        { label: 'Privacy requests', href: '/privacy-requests' },
        { label: 'Subject requests', href: '#subject-requests' },
      ],
    ),
    item(
      'consent_verified',
      'Consent verified',
      input.lawfulBasis.basis === 'consent' ? 'met' : 'partial',
      `the server refuses batches without a consent receipt; ${decisions} decisions in the period`,
      [{ label: 'Consent', href: `/sites/${key}/consent` }],
    ),
    item(
      'retention',
      'Retention',
      retention.status,
      `${input.retention.retentionDays} days; ${retention.note}`,
      [{ label: 'Retention', href: '#retention' }],
    ),
    item('review_schedule', 'Review schedule', review.status, review.note, [
      { label: 'Readiness', href: '#readiness' },
    ]),
    item('training', 'Training', training.status, training.note, [
      { label: 'Attestations', href: '#readiness' },
    ]),
    item('incident_response', 'Incident response', incident.status, incident.note, [
      { label: 'Alerts', href: '#alerts' },
    ]),
  ];
  return { sessionRecording, privacyAudit };
}
