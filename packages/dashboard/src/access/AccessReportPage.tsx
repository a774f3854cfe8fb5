import { useMemo, useState } from 'react';
import { useAuth } from '../auth/AuthContext';
import { ErrorNotice, Loading } from '../components/ErrorNotice';
import { PageHeading } from '../components/PageHeading';
import { formatDateTime } from '../format/dateTime';
import { useResource } from '../hooks/useResource';
import { accessApi } from './accessApi';
import { NoSite, type SiteScope, SiteSelect, siteToRead, useSiteChoices, WithSiteScope } from './siteChoice';

/**
 * Who watched what, and why: every raw replay grant with its purpose and ticket, per person.
 *
 * A user of every site reads the instance-wide report (the site picker narrows it). A user
 * restricted to sites may not (the server answers 403): it picks one of its sites and reads that
 * site's report (`/sites/{siteKey}/access-report`), whose totals count that site's grants only.
 */
export function AccessReportPage() {
  return (
    <WithSiteScope loadingLabel="Loading the report…" errorTestId="access-report-error">
      {(scope) => <AccessReport scope={scope} />}
    </WithSiteScope>
  );
}

/** The report for a user of every site (`all`) or of these site ids. */
function AccessReport({ scope }: { scope: SiteScope }) {
  const { api } = useAuth();
  const perSite = scope !== 'all';
  const heldSites = scope === 'all' ? 0 : scope.length;
  const access = useMemo(() => accessApi(api), [api]);
  const { sites, reload: reloadSites, choices: siteChoices } = useSiteChoices('access-report/sites');
  const [user, setUser] = useState('');
  const [chosenSite, setChosenSite] = useState('');
  // A user restricted to sites always reads one of them: the chosen one, else the first it holds.
  const siteKey = siteToRead(perSite, chosenSite, siteChoices);
  const [report, reload] = useResource(`access-report/${perSite}/${siteKey}/${user}`, (signal) =>
    // No site to read yet (the user's sites are loading, failed to load, or are none).
    perSite && siteKey === ''
      ? Promise.resolve(null)
      : access.accessReport({ user, siteKey }, perSite, signal),
  );
  const ready = report.status === 'ready' ? report.data : null;

  return (
    <>
      <PageHeading
        title="Access report"
        description="Who watched which raw recording, and why. Each line is one purpose-bound grant, also recorded in the audit log."
      />
      {perSite && (
        <p className="notice" data-testid="access-report-scope-note">
          Your account is restricted to {heldSites === 1 ? 'one site' : `${heldSites} sites`}: the report
          shows the raw replays of the chosen site, and each person's total counts that site's only.
        </p>
      )}
      {sites.status === 'error' && (
        <ErrorNotice
          error={sites.error}
          title={perSite ? 'Could not load your sites' : 'Could not load the sites to choose from'}
          onRetry={reloadSites}
          testId={perSite ? 'access-report-error' : 'access-report-sites-error'}
        />
      )}
      <div className="card access-card">
        <div className="form form--row">
          <SiteSelect
            id="access-report-site"
            value={siteKey}
            onChange={setChosenSite}
            perSite={perSite}
            choices={siteChoices}
          />
        </div>
      </div>
      {report.status === 'loading' && <Loading label="Loading the report…" />}
      {report.status === 'error' && (
        <ErrorNotice
          error={report.error}
          title="Could not load the report"
          onRetry={reload}
          testId="access-report-error"
        />
      )}
      {report.status === 'ready' && ready === null && (
        <NoSite
          status={sites.status}
          count={siteChoices.length}
          what="access report"
          testId="access-report-no-site"
        />
      )}
      {ready && (
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
            {ready.totals.length === 0 ? (
              <p className="muted">Nobody has opened a raw replay.</p>
            ) : (
              <ul className="plain-list" data-testid="access-totals">
                {ready.totals.map((t) => (
                  <li key={`${t.actor.type}:${t.actor.id}`} data-testid="access-total">
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
                  {ready.grants.map((g) => (
                    <tr key={g.id} data-testid="access-grant" data-site={g.siteKey ?? undefined}>
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
            {ready.total > ready.grants.length && (
              <p className="muted" data-testid="access-grants-shown">
                The newest {ready.grants.length} of {ready.total} grants; the totals above count all{' '}
                {ready.total}.
              </p>
            )}
          </section>
        </>
      )}
    </>
  );
}
