import type { ScanFindingSummary, ScanRun } from '@veil/core';
import { useId, useState } from 'react';
import { formatDateTime } from '../format/dateTime';

const PHASE_LABELS: Readonly<Record<ScanFindingSummary['phase'], string>> = {
  before_consent: 'before consent',
  after_reject: 'after reject',
  after_accept: 'after accept',
};

const STATUS_LABELS: Readonly<Record<ScanRun['status'], string>> = {
  queued: 'Queued',
  running: 'Running…',
  completed: 'Completed',
  failed: 'Failed',
};

function FindingItem({ finding }: { finding: ScanFindingSummary }) {
  return (
    <li className={`scan-finding scan-finding--${finding.severity}`} data-testid="scan-finding">
      <p>
        <strong className={`badge badge--${finding.severity === 'high' ? 'warning' : 'neutral'}`}>
          {finding.severity === 'high' ? 'High' : 'Medium'}
        </strong>{' '}
        {finding.title}
      </p>
      <p className="muted small">
        {finding.vendorName}, {PHASE_LABELS[finding.phase]}, on {finding.pageCount}{' '}
        {finding.pageCount === 1 ? 'page' : 'pages'}: {finding.pages.join(', ')}
      </p>
      <ul className="small">
        {finding.evidence.map((e) => (
          <li key={`${e.kind}:${e.value}`}>
            {e.kind}: <code>{e.value}</code>
            {e.failed ? ' (attempted)' : ''}
          </li>
        ))}
        {finding.evidenceCount > finding.evidence.length && (
          <li>and {finding.evidenceCount - finding.evidence.length} more</li>
        )}
      </ul>
      <p className="small">
        Breaks {finding.rules.join(', ')}. Fix: {finding.fix}
      </p>
    </li>
  );
}

function RunRow({ run }: { run: ScanRun }) {
  const id = useId();
  const [open, setOpen] = useState(false);
  const s = run.summary;
  const detailed = run.findings.length > 0 || run.error !== null || (s?.phaseErrors.length ?? 0) > 0;
  return (
    <>
      <tr data-testid="scan-run" data-status={run.status}>
        <td>{formatDateTime(run.startedAt ?? run.queuedAt)}</td>
        <td>{run.trigger === 'manual' ? `Run now (${run.requestedBy ?? 'unknown'})` : 'Scheduled'}</td>
        <td>{STATUS_LABELS[run.status]}</td>
        <td className="num">{s ? s.pagesScanned : '–'}</td>
        <td className="num" data-testid="scan-run-high">
          {s ? s.high : '–'}
        </td>
        <td className="num">{s ? s.medium : '–'}</td>
        <td>
          {detailed && (
            <button
              type="button"
              className="button button--small button--ghost"
              aria-expanded={open}
              aria-controls={`${id}-details`}
              onClick={() => setOpen(!open)}
            >
              {open ? 'Hide findings' : `Show findings (${run.findings.length})`}
            </button>
          )}
        </td>
      </tr>
      {detailed && open && (
        <tr id={`${id}-details`}>
          <td colSpan={7}>
            {run.error && <p className="notice notice--error">Scan failed: {run.error}</p>}
            {s?.phaseErrors.map((p) => (
              <p key={p.phase} className="notice notice--warning">
                {PHASE_LABELS[p.phase]}: {p.error}
              </p>
            ))}
            <ul className="scan-findings">
              {run.findings.map((f) => (
                <FindingItem key={`${f.vendorId}:${f.phase}`} finding={f} />
              ))}
            </ul>
          </td>
        </tr>
      )}
    </>
  );
}

/** A site's scan runs, newest first, each with its findings (what fired, where, the rule and the fix). */
export function ScanResultsList({ runs }: { runs: readonly ScanRun[] }) {
  if (runs.length === 0) return <p className="muted">No scan has run yet.</p>;
  return (
    <div className="table-wrap">
      <table className="table" data-testid="scan-runs">
        <caption className="visually-hidden">Scan runs, newest first</caption>
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Trigger</th>
            <th scope="col">Status</th>
            <th scope="col" className="num">
              Pages
            </th>
            <th scope="col" className="num">
              High
            </th>
            <th scope="col" className="num">
              Medium
            </th>
            <th scope="col">
              <span className="visually-hidden">Details</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {runs.map((run) => (
            <RunRow key={run.id} run={run} />
          ))}
        </tbody>
      </table>
    </div>
  );
}
