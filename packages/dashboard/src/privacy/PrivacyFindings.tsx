import { useState } from 'react';
import { ErrorNotice, Loading } from '../components/ErrorNotice';
import { formatDateTime } from '../format/dateTime';
import { toApiError, useResource } from '../hooks/useResource';
import { failuresByPage, type privacyApi } from './privacyApi';

type PrivacyApi = ReturnType<typeof privacyApi>;

const DROP_REASONS: Readonly<Record<string, string>> = {
  gpc: 'Batches refused for Global Privacy Control or Do Not Track',
  unsampled: 'Batches of sessions outside the sample',
  ip_blocked: 'Batches from blocked addresses',
  region_restricted: 'Batches from restricted regions',
  page_not_allowed: 'Events on pages outside targeting',
  network_payload: 'Network payload events',
  error_events: 'Error events (capture off)',
  network_metadata: 'Network metadata events (capture off)',
  malformed_activity: 'Malformed error or network events',
  session_too_short: 'Sessions shorter than the minimum',
  no_error: 'Batches without an error (record-on-error)',
};

/** Masking failures per page with the element to fix: what the server had to mask itself. */
export function MaskingFailuresCard({ siteKey, privacy }: { siteKey: string; privacy: PrivacyApi }) {
  const [failures, reload] = useResource(`masking-failures/${siteKey}`, (signal) =>
    privacy.maskingFailures(siteKey, signal),
  );
  return (
    <section className="card compliance-card" aria-labelledby="masking-failures">
      <h2 id="masking-failures" className="card__title">
        Masking failures
      </h2>
      <p className="muted small">
        Personal data the server found and masked that the browser should have masked already: fix the element
        (add <code>veil-mask</code>, <code>veil-block</code> or a policy selector). Never the value, only
        where and what kind.
      </p>
      {failures.status === 'loading' && <Loading label="Loading masking failures…" />}
      {failures.status === 'error' && (
        <ErrorNotice error={failures.error} title="Could not load masking failures" onRetry={reload} />
      )}
      {failures.status === 'ready' && failures.data.length === 0 && (
        <p className="muted" data-testid="masking-failures-none">
          None: the browser layer masked everything the server checks for.
        </p>
      )}
      {failures.status === 'ready' &&
        failuresByPage(failures.data).map((group) => (
          <div key={group.page} className="table-wrap" data-testid="masking-failures-page">
            <h3 className="small">
              <code>{group.page}</code> ({group.total})
            </h3>
            <table className="table table--compact">
              <thead>
                <tr>
                  <th scope="col">Element to fix</th>
                  <th scope="col">Kind</th>
                  <th scope="col">Where</th>
                  <th scope="col">Count</th>
                  <th scope="col">Last seen</th>
                </tr>
              </thead>
              <tbody>
                {group.rows.map((f) => (
                  <tr key={`${f.elementPath}|${f.label}|${f.location}`}>
                    <td>{f.elementPath ? <code className="mono">{f.elementPath}</code> : '–'}</td>
                    <td>{f.label}</td>
                    <td>{f.location}</td>
                    <td>{f.count}</td>
                    <td>{formatDateTime(f.lastSeenAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ))}
    </section>
  );
}

/** Canary alerts: a sentinel value the policy must mask arrived unmasked. */
export function PrivacyAlertsCard({ siteKey, privacy }: { siteKey: string; privacy: PrivacyApi }) {
  const [alerts, reload] = useResource(`privacy-alerts/${siteKey}`, (signal) =>
    privacy.alerts(siteKey, signal),
  );
  const [problem, setProblem] = useState<string | null>(null);
  async function acknowledge(id: string) {
    setProblem(null);
    try {
      await privacy.acknowledge(siteKey, id, 'acknowledged in the dashboard');
      reload();
    } catch (error) {
      setProblem(toApiError(error).message);
    }
  }
  return (
    <section className="card compliance-card" aria-labelledby="privacy-alerts">
      <h2 id="privacy-alerts" className="card__title">
        Canary alerts
      </h2>
      {alerts.status === 'loading' && <Loading label="Loading alerts…" />}
      {alerts.status === 'error' && (
        <ErrorNotice error={alerts.error} title="Could not load alerts" onRetry={reload} />
      )}
      {problem && <p className="notice notice--error">{problem}</p>}
      {alerts.status === 'ready' && alerts.data.length === 0 && (
        <p className="muted">No canary has arrived unmasked.</p>
      )}
      {alerts.status === 'ready' && alerts.data.length > 0 && (
        <ul className="alert-list" data-testid="privacy-alerts">
          {alerts.data.map((a) => (
            <li key={a.id} className={a.acknowledgedAt === null ? 'alert alert--critical' : 'alert'}>
              <strong>{a.label}</strong> arrived unmasked {a.count}× on{' '}
              <code>{a.pagePattern || '(unknown page)'}</code>, {formatDateTime(a.createdAt)}
              {a.acknowledgedAt === null ? (
                <button type="button" className="button button--small" onClick={() => acknowledge(a.id)}>
                  Acknowledge
                </button>
              ) : (
                <span className="muted small"> (acknowledged by {a.acknowledgedBy})</span>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** What the server's privacy steps dropped in the last 30 days. */
export function PrivacyDropsCard({ siteKey, privacy }: { siteKey: string; privacy: PrivacyApi }) {
  const [drops, reload] = useResource(`privacy-drops/${siteKey}`, (signal) => privacy.drops(siteKey, signal));
  const totals = new Map<string, number>();
  if (drops.status === 'ready')
    for (const d of drops.data) totals.set(d.reason, (totals.get(d.reason) ?? 0) + d.count);
  return (
    <section className="card compliance-card" aria-labelledby="privacy-drops">
      <h2 id="privacy-drops" className="card__title">
        Dropped by the server (30 days)
      </h2>
      {drops.status === 'loading' && <Loading label="Loading…" />}
      {drops.status === 'error' && (
        <ErrorNotice error={drops.error} title="Could not load drop counts" onRetry={reload} />
      )}
      {drops.status === 'ready' && (
        <dl className="facts" data-testid="privacy-drops">
          {Object.entries(DROP_REASONS).map(([reason, label]) => (
            <div key={reason}>
              <dt>{label}</dt>
              <dd>{totals.get(reason) ?? 0}</dd>
            </div>
          ))}
        </dl>
      )}
    </section>
  );
}
