import { useMemo, useState } from 'react';
import { useAuth } from '../auth/AuthContext';
import { ErrorNotice, Loading } from '../components/ErrorNotice';
import { PageHeading } from '../components/PageHeading';
import { formatDateTime } from '../format/dateTime';
import { useResource } from '../hooks/useResource';
import { accessApi } from './accessApi';

/** Who watched what, and why: every raw replay grant with its purpose and ticket, per person. */
export function AccessReportPage() {
  const { api } = useAuth();
  const access = useMemo(() => accessApi(api), [api]);
  const [user, setUser] = useState('');
  const [report, reload] = useResource(`access-report/${user}`, (signal) =>
    access.accessReport(user, signal),
  );

  return (
    <>
      <PageHeading
        title="Access report"
        description="Who watched which raw recording, and why. Each line is one purpose-bound grant, also recorded in the audit log."
      />
      {report.status === 'loading' && <Loading label="Loading the report…" />}
      {report.status === 'error' && (
        <ErrorNotice
          error={report.error}
          title="Could not load the report"
          onRetry={reload}
          testId="access-report-error"
        />
      )}
      {report.status === 'ready' && (
        <>
          <section className="card access-card" aria-labelledby="totals-title">
            <div className="card__head">
              <h2 id="totals-title" className="card__title">
                Per person
              </h2>
              {user && (
                <button type="button" className="button button--small" onClick={() => setUser('')}>
                  Everyone
                </button>
              )}
            </div>
            {report.data.totals.length === 0 ? (
              <p className="muted">Nobody has opened a raw replay.</p>
            ) : (
              <ul className="plain-list" data-testid="access-totals">
                {report.data.totals.map((t) => (
                  <li key={`${t.actor.type}:${t.actor.id}`}>
                    {t.actor.type === 'user' ? (
                      <button type="button" className="link-button" onClick={() => setUser(t.actor.id)}>
                        {t.actor.label}
                      </button>
                    ) : (
                      <span>
                        {t.actor.label} <span className="muted">(API token)</span>
                      </span>
                    )}{' '}
                    — {t.count} {t.count === 1 ? 'replay' : 'replays'}
                  </li>
                ))}
              </ul>
            )}
          </section>
          <section className="card access-card" aria-label="Grants">
            <div className="table-wrap">
              <table className="table table--compact" data-testid="access-grants">
                <caption className="visually-hidden">Raw replay grants, newest first</caption>
                <thead>
                  <tr>
                    <th scope="col">When</th>
                    <th scope="col">Who</th>
                    <th scope="col">Session</th>
                    <th scope="col">Site</th>
                    <th scope="col">Purpose</th>
                    <th scope="col">Ticket</th>
                  </tr>
                </thead>
                <tbody>
                  {report.data.grants.map((g) => (
                    <tr key={g.id} data-testid="access-grant">
                      <td>{formatDateTime(g.at)}</td>
                      <td>{g.actor.label}</td>
                      <td>
                        <code>{g.sessionId}</code>
                      </td>
                      <td>{g.siteKey ?? '—'}</td>
                      <td>{g.purpose}</td>
                      <td>{g.ticket ?? '—'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </section>
        </>
      )}
    </>
  );
}
