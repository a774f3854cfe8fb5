import type { ContentErasureReceipt, ContentScan, IncidentDetail } from '@veil/core';
import { type FormEvent, useEffect, useState } from 'react';
import { describeError } from '../api/ApiError';
import { ErrorNotice, Loading } from '../components/ErrorNotice';
import { formatDateTime } from '../format/dateTime';
import { useResource } from '../hooks/useResource';
import { describeClock } from './incidentClock';
import type { IncidentsApi } from './incidentsApi';

/** How often a running scan's progress is read. */
const POLL_MS = 300;

interface PanelProps {
  siteKey: string;
  incidentId: string;
  incidents: IncidentsApi;
  onChange: () => void;
}

/** One incident: its clock and facts, the content scans with their evidence, the decision form. */
export function IncidentPanel({ siteKey, incidentId, incidents, onChange }: PanelProps) {
  const [detail, reload] = useResource(`incident/${incidentId}`, (signal) =>
    incidents.show(siteKey, incidentId, signal),
  );
  const refresh = () => {
    reload();
    onChange();
  };
  return (
    <section
      id="incident-panel"
      className="card compliance-card"
      aria-labelledby="incident-panel-title"
      data-testid="incident-panel"
    >
      {detail.status === 'loading' && <Loading label="Loading the incident…" />}
      {detail.status === 'error' && (
        <ErrorNotice error={detail.error} title="Could not load the incident" onRetry={reload} />
      )}
      {detail.status === 'ready' && (
        <>
          <Facts detail={detail.data} />
          <ScanSection
            siteKey={siteKey}
            incidentId={incidentId}
            incidents={incidents}
            scans={detail.data.scans}
            onChange={refresh}
          />
          <Decision siteKey={siteKey} detail={detail.data} incidents={incidents} onChange={refresh} />
        </>
      )}
    </section>
  );
}

function Facts({ detail }: { detail: IncidentDetail }) {
  const i = detail.incident;
  return (
    <>
      <h2 id="incident-panel-title" className="card__title">
        {i.title}
      </h2>
      <p data-testid="incident-clock" data-state={i.clock.state} role="status">
        <strong>72-hour clock:</strong> {describeClock(i.clock)} (deadline {formatDateTime(i.clock.deadline)})
      </p>
      <dl className="facts">
        <div>
          <dt>What</dt>
          <dd>{i.kind.replaceAll('_', ' ')}</dd>
        </div>
        <div>
          <dt>Page</dt>
          <dd>{i.page ?? '—'}</dd>
        </div>
        <div>
          <dt>Element</dt>
          <dd>{i.element ?? '—'}</dd>
        </div>
        <div>
          <dt>Found</dt>
          <dd>
            {i.foundHow.replaceAll('_', ' ')}
            {i.foundDetails ? `: ${i.foundDetails}` : ''}
          </dd>
        </div>
        <div>
          <dt>Discovered</dt>
          <dd>{formatDateTime(i.discoveredAt)}</dd>
        </div>
        <div>
          <dt>Sessions found / erased</dt>
          <dd data-testid="incident-sessions">
            {i.sessionsFound} / {i.sessionsErased}
          </dd>
        </div>
      </dl>
    </>
  );
}

function ScanSection(props: {
  siteKey: string;
  incidentId: string;
  incidents: IncidentsApi;
  scans: ContentScan[];
  onChange: () => void;
}) {
  const { siteKey, incidentId, incidents, onChange } = props;
  const [running, setRunning] = useState<ContentScan | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [receipt, setReceipt] = useState<ContentErasureReceipt | null>(null);

  useEffect(() => {
    if (running === null || running.status !== 'running') return;
    const timer = setTimeout(() => {
      incidents.scan(siteKey, running.id).then(
        (scan) => {
          setRunning(scan);
          if (scan.status !== 'running') onChange();
        },
        (e: unknown) => setError(describeError(e)),
      );
    }, POLL_MS);
    return () => clearTimeout(timer);
  }, [running, incidents, siteKey, onChange]);

  async function start(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const input = event.currentTarget.elements.namedItem('leaked-value') as HTMLInputElement;
    setError(null);
    setReceipt(null);
    try {
      setRunning(await incidents.startScan(siteKey, incidentId, input.value));
      input.value = ''; // the value leaves the page as soon as it is sent
    } catch (e) {
      setError(describeError(e));
    }
  }

  async function erase(scan: ContentScan) {
    setError(null);
    try {
      setReceipt(await incidents.erase(siteKey, scan.id));
      setRunning(null);
      onChange();
    } catch (e) {
      setError(describeError(e));
    }
  }

  const current = running;
  return (
    <div className="incident-scans">
      <h3>Find the sessions holding the value</h3>
      <form onSubmit={start} className="form form--grid" data-testid="scan-form">
        <div className="field">
          <label htmlFor="leaked-value">Leaked value (sent once, never stored: only its keyed hash)</label>
          <input
            id="leaked-value"
            name="leaked-value"
            type="password"
            autoComplete="off"
            required
            minLength={4}
            maxLength={500}
          />
        </div>
        <div className="form__actions field--wide">
          <button type="submit" className="button" disabled={current?.status === 'running'}>
            Scan recordings
          </button>
        </div>
      </form>
      {current && (
        <div data-testid="scan-progress">
          <label htmlFor="scan-bar">
            Scanned {current.sessionsScanned} of {current.sessionsTotal} sessions; found in{' '}
            {current.matchedSessions}
          </label>
          <progress id="scan-bar" max={Math.max(1, current.sessionsTotal)} value={current.sessionsScanned} />
          {current.status === 'completed' && current.matchedSessions > 0 && (
            <>
              <ul data-testid="scan-matches">
                {current.matches.map((m) => (
                  <li key={m.sessionId}>
                    <code>{m.sessionId}</code>: {m.count} × (
                    {m.positions
                      .slice(0, 3)
                      .map((p) => `event ${p.eventIndex} ${p.path}`)
                      .join('; ')}
                    )
                  </li>
                ))}
              </ul>
              <button type="button" className="button button--danger" onClick={() => void erase(current)}>
                Erase {current.matchedSessions} sessions
              </button>
            </>
          )}
          {current.status === 'failed' && (
            <p className="notice notice--error" role="alert">
              The scan failed: {current.error}
            </p>
          )}
        </div>
      )}
      {receipt && (
        <p role="status" data-testid="content-erasure-receipt">
          Erased {receipt.sessions} sessions ({receipt.dataKeysDestroyed} data keys destroyed), receipt{' '}
          {receipt.id}
          {receipt.heldSessionIds.length > 0 ? `; ${receipt.heldSessionIds.length} kept by legal holds` : ''}.
        </p>
      )}
      {error && (
        <p className="notice notice--error" role="alert">
          {error}
        </p>
      )}
      {props.scans.length > 0 && (
        <ul className="muted" data-testid="incident-scans">
          {props.scans.map((s) => (
            <li key={s.id}>
              Scan {s.id} ({formatDateTime(s.createdAt)}, by {s.createdBy}): {s.status}, {s.matchedSessions}{' '}
              sessions
              {s.erasure ? `; erased ${s.erasure.sessions} (receipt ${s.erasure.id})` : ''}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function Decision({
  siteKey,
  detail,
  incidents,
  onChange,
}: {
  siteKey: string;
  detail: IncidentDetail;
  incidents: IncidentsApi;
  onChange: () => void;
}) {
  const [error, setError] = useState<string | null>(null);
  const d = detail.incident.decision;
  if (d) {
    return (
      <p data-testid="incident-decision">
        <strong>Decision:</strong> {d.decision === 'notify' ? 'notify the authority' : 'do not notify'} —{' '}
        {d.reason} (by {d.decidedBy}, {formatDateTime(d.decidedAt)})
      </p>
    );
  }
  async function decide(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setError(null);
    try {
      await incidents.decide(siteKey, detail.incident.id, {
        decision: form.get('decision') === 'notify' ? 'notify' : 'no_notify',
        reason: String(form.get('reason') ?? ''),
      });
      onChange();
    } catch (e) {
      setError(describeError(e));
    }
  }
  return (
    <form onSubmit={decide} data-testid="decision-form">
      <fieldset>
        <legend>Notify the supervisory authority?</legend>
        <label>
          <input type="radio" name="decision" value="notify" required /> Notify
        </label>
        <label>
          <input type="radio" name="decision" value="no_notify" /> Do not notify
        </label>
      </fieldset>
      <div className="field">
        <label htmlFor="decision-reason">Why</label>
        <textarea id="decision-reason" name="reason" required maxLength={4000} rows={3} />
      </div>
      <button type="submit" className="button">
        Record the decision
      </button>
      {error && (
        <p className="notice notice--error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}
