import { roleHasPermission } from '@veil/core';
import { type FormEvent, useMemo, useRef, useState } from 'react';
import { describeError } from '../api/ApiError';
import { useAuth } from '../auth/AuthContext';
import { ErrorNotice, Loading } from '../components/ErrorNotice';
import { PageHeading } from '../components/PageHeading';
import { formatDateTime } from '../format/dateTime';
import { useResource } from '../hooks/useResource';
import { type AccessApi, type AuditEntryView, type AuditFilterForm, accessApi } from './accessApi';
import { NoSite, type SiteScope, SiteSelect, siteToRead, useSiteChoices, WithSiteScope } from './siteChoice';

const EMPTY: AuditFilterForm = { q: '', action: '', actor: '', siteKey: '', from: '', to: '' };

/** A short, readable line of an entry's details (the full JSON is one click away). */
function summary(entry: AuditEntryView): string {
  const d = entry.details;
  if (typeof d.purpose === 'string')
    return `“${d.purpose}”${typeof d.ticket === 'string' ? ` (${d.ticket})` : ''}`;
  if (typeof d.reason === 'string') return `reason: ${d.reason}`;
  if (typeof d.email === 'string') return `${d.email}${typeof d.role === 'string' ? ` as ${d.role}` : ''}`;
  const keys = Object.keys(d);
  return keys.length === 0 ? '' : keys.slice(0, 4).join(', ');
}

/**
 * The audit log: search by text, action, site and dates; the chain's verification state;
 * exports (JSON Lines with the chain, verifiable offline; CSV); open access-anomaly alerts.
 *
 * A user of every site reads the instance-wide log (the site picker narrows it). A user restricted
 * to sites may not (the server answers 403): it picks one of its sites and reads that site's
 * entries (`/sites/{siteKey}/audit`) with the same search and paging; the chain's verification
 * and the exports cover the whole log, so they are not offered to it.
 */
export function AuditPage() {
  return (
    <WithSiteScope loadingLabel="Loading the audit log…">
      {(scope) => <AuditLog scope={scope} />}
    </WithSiteScope>
  );
}

/** The page for a user of every site (`all`) or of these site ids. */
function AuditLog({ scope }: { scope: SiteScope }) {
  const { api, user } = useAuth();
  const perSite = scope !== 'all';
  const heldSites = scope === 'all' ? 0 : scope.length;
  const access = useMemo(() => accessApi(api), [api]);
  const { sites, reload: reloadSites, choices: siteChoices } = useSiteChoices('audit/sites');
  const [draft, setDraft] = useState<AuditFilterForm>(EMPTY);
  const [filters, setFilters] = useState<AuditFilterForm>(EMPTY);
  // A user restricted to sites always reads one of them: the chosen one, else the first it holds.
  const siteKey = siteToRead(perSite, filters.siteKey, siteChoices);
  const shown = useMemo(() => ({ ...filters, siteKey }), [filters, siteKey]);
  const [pages, setPages] = useState<AuditEntryView[][]>([]);
  const [nextBefore, setNextBefore] = useState<number | null>(null);
  const [moreState, setMoreState] = useState<{ loading: boolean; error: unknown }>({
    loading: false,
    error: null,
  });
  const key = JSON.stringify(shown);
  /** The search the page shows now: an older page that arrives after the search changed is dropped. */
  const shownKey = useRef(key);
  shownKey.current = key;
  const [first, reload] = useResource(`audit/${key}`, async (signal) => {
    // No site to read yet (the user's sites are loading, failed to load, or are none).
    if (perSite && shown.siteKey === '') return null;
    const page = await access.audit(shown, null, perSite, signal);
    setPages([]);
    setNextBefore(page.nextBefore);
    setMoreState({ loading: false, error: null });
    return page;
  });
  // The chain's verification spans every site: not asked for by a user restricted to sites.
  const [verify, reverify] = useResource(perSite ? 'audit/verify/none' : 'audit/verify', (signal) =>
    perSite ? Promise.resolve(null) : access.verify(signal),
  );

  const [exportError, setExportError] = useState<string | null>(null);
  /** The export is a POST (recorded in the audit log); the file is saved from the answer. */
  async function exportAs(format: 'jsonl' | 'csv') {
    setExportError(null);
    try {
      const { blob, filename } = await access.exportFile(format, filters);
      const url = URL.createObjectURL(blob);
      const link = document.createElement('a');
      link.href = url;
      link.download = filename ?? `veil-audit.${format}`;
      link.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (err) {
      setExportError(describeError(err));
    }
  }

  function search(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setFilters(draft);
  }

  /** Another site: the search as entered runs on it at once. */
  function chooseSite(next: string) {
    const form = { ...draft, siteKey: next };
    setDraft(form);
    setFilters(form);
  }

  /** The next older page; a failure says so (with a retry) and keeps the entries shown. */
  async function more() {
    if (nextBefore === null || moreState.loading) return;
    const askedFor = key;
    setMoreState({ loading: true, error: null });
    try {
      const page = await access.audit(shown, nextBefore, perSite);
      if (shownKey.current !== askedFor) return;
      setPages((p) => [...p, page.entries]);
      setNextBefore(page.nextBefore);
      setMoreState({ loading: false, error: null });
    } catch (error) {
      if (shownKey.current === askedFor) setMoreState({ loading: false, error });
    }
  }

  const ready = first.status === 'ready' && first.data !== null ? first.data : null;
  const entries = ready ? [ready.entries, ...pages].flat() : [];
  const actions = ready ? ready.actions : [];

  return (
    <>
      <PageHeading
        title="Audit log"
        description="Every security-relevant act, append-only and hash-chained, with signed checkpoints. Nobody can change an entry unnoticed."
        actions={
          !perSite && (
            <>
              <button
                type="button"
                className="button button--small"
                onClick={() => exportAs('jsonl')}
                data-testid="audit-export-jsonl"
              >
                Export JSON Lines
              </button>
              <button
                type="button"
                className="button button--small"
                onClick={() => exportAs('csv')}
                data-testid="audit-export-csv"
              >
                Export CSV
              </button>
            </>
          )
        }
      />
      {exportError && (
        <p className="notice notice--error" role="alert" data-testid="audit-export-error">
          {exportError}
        </p>
      )}
      {perSite ? (
        <p className="notice" data-testid="audit-scope-note">
          Your account is restricted to {heldSites === 1 ? 'one site' : `${heldSites} sites`}: the log shows
          the entries recorded for the chosen site. Entries of other sites and of the instance as a whole are
          not shown; the chain's verification and the exports cover the whole log and are for users of every
          site.
        </p>
      ) : (
        <VerifyBanner verify={verify} onRetry={reverify} />
      )}
      {sites.status === 'error' && (
        <ErrorNotice
          error={sites.error}
          title={perSite ? 'Could not load your sites' : 'Could not load the sites to choose from'}
          onRetry={reloadSites}
          testId="audit-sites-error"
        />
      )}
      {roleHasPermission(user.role, 'alerts:read') && <AlertsCard access={access} siteKey={siteKey} />}
      <section className="card access-card" aria-labelledby="audit-search-title">
        <h2 id="audit-search-title" className="card__title">
          Search
        </h2>
        <form className="form form--row" onSubmit={search} data-testid="audit-search">
          <SiteSelect
            id="audit-site"
            value={siteKey}
            onChange={chooseSite}
            perSite={perSite}
            choices={siteChoices}
          />
          <div className="field">
            <label htmlFor="audit-q">Text</label>
            <input
              id="audit-q"
              value={draft.q}
              onChange={(e) => setDraft({ ...draft, q: e.target.value })}
              placeholder="email, session id, purpose…"
              data-testid="audit-q"
            />
          </div>
          <div className="field">
            <label htmlFor="audit-action">Action</label>
            <select
              id="audit-action"
              value={draft.action}
              onChange={(e) => setDraft({ ...draft, action: e.target.value })}
            >
              <option value="">Any</option>
              {actions.map((a) => (
                <option key={a} value={a}>
                  {a}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="audit-from">From</label>
            <input
              id="audit-from"
              type="date"
              value={draft.from}
              onChange={(e) => setDraft({ ...draft, from: e.target.value })}
            />
          </div>
          <div className="field">
            <label htmlFor="audit-to">To</label>
            <input
              id="audit-to"
              type="date"
              value={draft.to}
              onChange={(e) => setDraft({ ...draft, to: e.target.value })}
            />
          </div>
          <button type="submit" className="button button--primary" data-testid="audit-search-submit">
            Search
          </button>
        </form>
      </section>
      <section className="card access-card" aria-label="Entries">
        {first.status === 'loading' && <Loading label="Loading the audit log…" />}
        {first.status === 'error' && (
          <ErrorNotice error={first.error} title="Could not load the audit log" onRetry={reload} />
        )}
        {first.status === 'ready' && first.data === null && (
          <NoSite
            status={sites.status}
            count={siteChoices.length}
            what="audit entry"
            testId="audit-no-site"
          />
        )}
        {ready && entries.length === 0 && <p className="muted">No entry matches.</p>}
        {entries.length > 0 && (
          <div className="table-wrap">
            <table className="table table--compact" data-testid="audit-entries">
              <caption className="visually-hidden">Audit entries, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">#</th>
                  <th scope="col">Time</th>
                  <th scope="col">Actor</th>
                  <th scope="col">Action</th>
                  <th scope="col">Site</th>
                  <th scope="col">Target</th>
                  <th scope="col">Details</th>
                </tr>
              </thead>
              <tbody>
                {entries.map((e) => (
                  <tr
                    key={e.seq}
                    data-testid="audit-entry"
                    data-action={e.action}
                    data-site={e.siteKey ?? undefined}
                  >
                    <td>{e.seq}</td>
                    <td>{formatDateTime(e.at)}</td>
                    <td>
                      {e.actor.label ?? e.actor.type}
                      {e.actor.type !== 'user' && <span className="muted"> ({e.actor.type})</span>}
                    </td>
                    <td>
                      <code>{e.action}</code>
                    </td>
                    <td>{e.siteKey ?? '—'}</td>
                    <td>{e.target ? `${e.target.type} ${e.target.id}` : '—'}</td>
                    <td>
                      <details>
                        <summary>{summary(e) || 'details'}</summary>
                        <pre className="audit-details">{JSON.stringify(e.details, null, 2)}</pre>
                        <p className="muted">
                          hash {e.hash.slice(0, 16)}… · previous {e.prevHash.slice(0, 16)}…
                        </p>
                      </details>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {moreState.error !== null && (
          <ErrorNotice error={moreState.error} title="Could not load the older entries" onRetry={more} />
        )}
        {ready && nextBefore !== null && moreState.error === null && (
          <button
            type="button"
            className="button"
            onClick={more}
            disabled={moreState.loading}
            aria-busy={moreState.loading}
            data-testid="audit-more"
          >
            {moreState.loading ? 'Loading older entries…' : 'Older entries'}
          </button>
        )}
      </section>
    </>
  );
}

function VerifyBanner({
  verify,
  onRetry,
}: {
  verify: ReturnType<typeof useResource<Awaited<ReturnType<AccessApi['verify']>> | null>>[0];
  onRetry: () => void;
}) {
  if (verify.status === 'loading') return <Loading label="Verifying the chain…" />;
  if (verify.status === 'error')
    return <ErrorNotice error={verify.error} title="Could not verify" onRetry={onRetry} />;
  const r = verify.data;
  if (r === null) return null;
  return r.ok ? (
    <p className="notice notice--success" role="status" data-testid="audit-verify">
      Chain intact: {r.entries} entries, {r.checkpoints} signed checkpoints
      {r.uncheckpointed > 0 ? ` (${r.uncheckpointed} newest entries awaiting the next checkpoint)` : ''}.
    </p>
  ) : (
    <p className="notice notice--error" role="alert" data-testid="audit-verify">
      Tampering detected — {r.problem.kind} at entry {r.problem.seq}: {r.problem.message}
    </p>
  );
}

/**
 * Open access-anomaly alerts (for roles that may read alerts) of the site the page shows, or of
 * every site the user holds when it shows all. A failed load says so: an empty card would read as
 * "no anomalies".
 */
function AlertsCard({ access, siteKey }: { access: AccessApi; siteKey: string }) {
  const [alerts, reload] = useResource(`alerts/${siteKey}`, (signal) => access.alerts(siteKey, signal));
  const [error, setError] = useState<string | null>(null);
  if (alerts.status === 'loading') return null;
  if (alerts.status === 'error')
    return (
      <div data-testid="access-alerts-error">
        <ErrorNotice error={alerts.error} title="Could not load the access anomalies" onRetry={reload} />
      </div>
    );
  if (alerts.data.length === 0) return null;
  async function ack(id: string) {
    const note = window.prompt('Note for the audit log (optional)') ?? '';
    try {
      await access.acknowledgeAlert(id, note);
      reload();
    } catch (err) {
      setError(describeError(err));
    }
  }
  return (
    <section className="card access-card" aria-labelledby="alerts-title" data-testid="access-alerts">
      <h2 id="alerts-title" className="card__title">
        Access anomalies
      </h2>
      {error && <p className="notice notice--error">{error}</p>}
      <ul className="plain-list">
        {alerts.data.map((a) => (
          <li key={a.id}>
            <strong>{a.actor.label}</strong> opened {a.count} raw replays within an hour on{' '}
            {a.siteKey ?? 'a site'} (limit {a.threshold}), {formatDateTime(a.createdAt)}.{' '}
            {a.acknowledgedAt === null ? (
              <button type="button" className="button button--small" onClick={() => ack(a.id)}>
                Acknowledge
              </button>
            ) : (
              <span className="muted">
                Acknowledged by {a.acknowledgedBy}
                {a.note ? `: ${a.note}` : ''}
              </span>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
