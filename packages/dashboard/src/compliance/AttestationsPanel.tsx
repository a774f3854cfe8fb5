import {
  ATTESTATION_AREA,
  ATTESTATION_KINDS,
  type Attestation,
  type AttestationKind,
  attestationKindSchema,
  READINESS_AREA_TITLES,
} from '@veil/core';
import { useId, useState } from 'react';
import { EditableList, type ListColumn, OutcomeRegion, useActionOutcome } from '../components/EditableList';
import type { ComplianceApi } from './complianceApi';

/** What each kind says, in the words of the form. */
const KIND_LABELS: Readonly<Record<AttestationKind, string>> = {
  periodic_audit_done: 'Periodic audit done',
  audit_logs_reviewed: 'Audit logs reviewed',
  incident_playbook_reviewed: 'Incident playbook reviewed',
  compliance_owner_named: 'Compliance owner named',
  feedback_loop_in_place: 'Feedback loop in place',
  cross_team_review_held: 'Cross-team review held',
  scope_reviewed: 'Recording scope reviewed',
  training_done: 'Training done',
  dpa_signed: 'DPA signed',
};

const day = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/** Where an attestation of this kind counts: a readiness area, or the checklists only. */
function countsFor(kind: AttestationKind): string {
  const area = ATTESTATION_AREA[kind];
  return area === null ? 'checklists' : `readiness: ${READINESS_AREA_TITLES[area]}`;
}

const COLUMNS: readonly ListColumn<Attestation>[] = [
  {
    header: 'Kind',
    cell: (a) => (
      <>
        {KIND_LABELS[a.kind]}
        <span className="muted small"> ({countsFor(a.kind)})</span>
      </>
    ),
  },
  { header: 'Statement', cell: (a) => a.statement },
  { header: 'Reference', cell: (a) => a.reference ?? '—' },
  { header: 'By', cell: (a) => a.attestedBy },
  { header: 'On', cell: (a) => day(a.attestedAt) },
  { header: 'Counts until', cell: (a) => (a.valid ? day(a.expiresAt) : `expired ${day(a.expiresAt)}`) },
];

/**
 * The site's attestations (dated, attributed, each counting for a year) and a form to record one:
 * what Veil holds no evidence of itself (a training, a reviewed playbook, a signed DPA). The
 * server dates and attributes it and audits it (`compliance.attested`); `onChanged` lets the page
 * recompute the readiness score and the checklists. Native controls only, usable by keyboard; the
 * outcome takes focus when the attestation is recorded.
 */
export function AttestationsPanel(props: {
  siteKey: string;
  attestations: readonly Attestation[];
  compliance: ComplianceApi;
  onChanged: () => void;
}) {
  const id = useId();
  const [kind, setKind] = useState<AttestationKind>(ATTESTATION_KINDS[0]);
  const [statement, setStatement] = useState('');
  const [reference, setReference] = useState('');
  const outcome = useActionOutcome();

  const record = async () => {
    const made = await props.compliance.attest(props.siteKey, {
      kind,
      statement: statement.trim(),
      ...(reference.trim() === '' ? {} : { reference: reference.trim() }),
    });
    setStatement('');
    setReference('');
    props.onChanged();
    return `Recorded “${KIND_LABELS[made.kind]}” by ${made.attestedBy}; it counts until ${day(made.expiresAt)}.`;
  };

  return (
    <div className="attestations">
      <EditableList
        testId="attestation"
        items={props.attestations}
        keyOf={(a) => a.id}
        nameOf={(a) => KIND_LABELS[a.kind]}
        rowData={(a) => ({ 'data-kind': a.kind, 'data-valid': a.valid })}
        columns={COLUMNS}
        caption="Attestations, newest first"
        captionHidden
        empty={<p className="muted">No attestation recorded.</p>}
        outcome={outcome}
        form={{
          legend: 'Record an attestation (dated and signed with your name; counts for a year)',
          submitLabel: 'Record attestation',
          onSubmit: record,
          children: (
            <>
              <div className="field">
                <label htmlFor={`${id}-kind`}>What was done</label>
                <select
                  id={`${id}-kind`}
                  data-testid="attestation-kind"
                  value={kind}
                  onChange={(e) => setKind(attestationKindSchema.parse(e.target.value))}
                >
                  {ATTESTATION_KINDS.map((k) => (
                    <option key={k} value={k}>
                      {KIND_LABELS[k]} ({countsFor(k)})
                    </option>
                  ))}
                </select>
              </div>
              <div className="field field--wide">
                <label htmlFor={`${id}-statement`}>Statement</label>
                <input
                  id={`${id}-statement`}
                  data-testid="attestation-statement"
                  required
                  minLength={3}
                  maxLength={500}
                  value={statement}
                  onChange={(e) => setStatement(e.target.value)}
                />
              </div>
              <div className="field field--wide">
                <label htmlFor={`${id}-reference`}>Where the evidence is kept (optional)</label>
                <input
                  id={`${id}-reference`}
                  data-testid="attestation-reference"
                  maxLength={300}
                  value={reference}
                  onChange={(e) => setReference(e.target.value)}
                />
              </div>
            </>
          ),
        }}
      />
      <OutcomeRegion outcome={outcome} testId="attestation-outcome" />
    </div>
  );
}
