import {
  ATTESTATION_AREA,
  ATTESTATION_KINDS,
  type Attestation,
  type AttestationKind,
  attestationKindSchema,
  READINESS_AREA_TITLES,
} from '@veil/core';
import { type FormEvent, useId, useRef, useState } from 'react';
import { describeError } from '../api/ApiError';
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
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const outcome = useRef<HTMLDivElement>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setMessage(null);
    try {
      const made = await props.compliance.attest(props.siteKey, {
        kind,
        statement: statement.trim(),
        ...(reference.trim() === '' ? {} : { reference: reference.trim() }),
      });
      setMessage({
        ok: true,
        text: `Recorded “${KIND_LABELS[made.kind]}” by ${made.attestedBy}; it counts until ${day(made.expiresAt)}.`,
      });
      setStatement('');
      setReference('');
      props.onChanged();
    } catch (error) {
      setMessage({ ok: false, text: describeError(error) });
    } finally {
      setBusy(false);
      requestAnimationFrame(() => outcome.current?.focus());
    }
  };

  return (
    <div className="attestations">
      {props.attestations.length === 0 ? (
        <p className="muted">No attestation recorded.</p>
      ) : (
        <div className="table-wrap">
          <table className="table table--compact" data-testid="attestation-table">
            <caption className="visually-hidden">Attestations, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Kind</th>
                <th scope="col">Statement</th>
                <th scope="col">Reference</th>
                <th scope="col">By</th>
                <th scope="col">On</th>
                <th scope="col">Counts until</th>
              </tr>
            </thead>
            <tbody>
              {props.attestations.map((a) => (
                <tr key={a.id} data-testid="attestation-row" data-kind={a.kind} data-valid={a.valid}>
                  <th scope="row">
                    {KIND_LABELS[a.kind]}
                    <span className="muted small"> ({countsFor(a.kind)})</span>
                  </th>
                  <td>{a.statement}</td>
                  <td>{a.reference ?? '—'}</td>
                  <td>{a.attestedBy}</td>
                  <td>{day(a.attestedAt)}</td>
                  <td>{a.valid ? day(a.expiresAt) : `expired ${day(a.expiresAt)}`}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <form className="form form--grid" onSubmit={(e) => void submit(e)} data-testid="attestation-form">
        <fieldset className="field--wide">
          <legend>Record an attestation (dated and signed with your name; counts for a year)</legend>
          <div className="form form--grid">
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
          </div>
        </fieldset>
        <div className="form__actions field--wide">
          <button
            type="submit"
            className="button button--primary"
            data-testid="attestation-save"
            disabled={busy}
          >
            Record attestation
          </button>
        </div>
      </form>
      <div aria-live="polite" ref={outcome} tabIndex={-1} data-testid="attestation-outcome">
        {message && (
          <p
            className={`notice notice--${message.ok ? 'success' : 'error'}`}
            role={message.ok ? undefined : 'alert'}
          >
            {message.text}
          </p>
        )}
      </div>
    </div>
  );
}
