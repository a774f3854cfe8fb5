import { useEffect, useMemo, useState } from 'react';
import { useAuth } from '../auth/AuthContext';
import { ErrorNotice, Loading } from '../components/ErrorNotice';
import { PageHeading } from '../components/PageHeading';
import { formatTime } from '../format/dateTime';
import { useResource } from '../hooks/useResource';
import { Link, navigate, useLocation } from '../router/history';
import { paths } from '../router/routes';
import { sitesApi } from '../sites/sitesApi';
import { EmptySessions } from './EmptySessions';
import { rememberSessionListUrl } from './lastListUrl';
import { SessionFiltersBar } from './SessionFiltersBar';
import { SessionTable } from './SessionTable';
import {
  describeFunnelFilter,
  EMPTY_SESSION_FILTERS,
  hasActiveFilters,
  parseSessionFilters,
  type SessionFilters,
  sessionFiltersToSearch,
} from './sessionFilters';
import { useSessionList } from './useSessionList';

export function SessionsPage({ siteKey }: { siteKey: string }) {
  const { api } = useAuth();
  const location = useLocation();
  const filters = useMemo(() => parseSessionFilters(location.search), [location.search]);
  const [live, setLive] = useState(true);
  const [site] = useResource(`site:${siteKey}`, (signal) => sitesApi(api).get(siteKey, signal));
  const list = useSessionList(api, siteKey, filters, live);
  const siteData = site.status === 'ready' ? site.data : null;

  // Canonical URL: drop malformed or reordered parameters without adding a history entry.
  useEffect(() => {
    const canonical = sessionFiltersToSearch(filters);
    if (canonical !== location.search) navigate(paths.sessions(siteKey, canonical), { replace: true });
    rememberSessionListUrl(siteKey, canonical);
  }, [filters, location.search, siteKey]);

  const setFilters = (next: SessionFilters) =>
    navigate(paths.sessions(siteKey, sessionFiltersToSearch(next)), { replace: true });
  const filtered = hasActiveFilters(filters);
  const sessions = list.state.sessions;

  return (
    <>
      <PageHeading
        eyebrow={
          <Link to={paths.sites()} className="back-link">
            Sites
          </Link>
        }
        title={siteData ? `${siteData.name}: sessions` : 'Sessions'}
        description={
          siteData ? (
            <>
              Site key <code className="mono">{siteData.siteKey}</code>
              {siteData.origins.length > 0 && <> · {siteData.origins.join(', ')}</>}
            </>
          ) : undefined
        }
        actions={
          <div className="live-toggle">
            <label className="switch">
              <input
                type="checkbox"
                checked={live}
                onChange={(e) => setLive(e.target.checked)}
                data-testid="auto-refresh"
              />
              <span>Auto-refresh</span>
            </label>
            <span className="muted small" aria-live="off">
              {list.refreshedAt !== null ? `Updated ${formatTime(list.refreshedAt)}` : ''}
            </span>
          </div>
        }
      />
      {site.status === 'error' && site.error.status === 404 ? (
        <ErrorNotice error={site.error} title="No such site" />
      ) : (
        <>
          <SessionFiltersBar filters={filters} onChange={setFilters} />
          {filters.funnel && (
            <p className="notice" data-testid="funnel-filter">
              Only the sessions that reached {describeFunnelFilter(filters.funnel)}, in order.{' '}
              <button
                type="button"
                className="button"
                onClick={() => setFilters({ ...filters, funnel: null })}
              >
                Show all sessions
              </button>
            </p>
          )}
          {list.error && sessions.length > 0 && (
            <p className="notice notice--warning" role="status">
              Refreshing failed ({list.error.message}); showing the last list. Retrying every few seconds.
            </p>
          )}
          {list.loading && <Loading label="Loading sessions…" />}
          {!list.loading && list.error && sessions.length === 0 && (
            <ErrorNotice error={list.error} title="Could not load sessions" onRetry={list.retry} />
          )}
          {!list.loading && !list.error && sessions.length === 0 && (
            <EmptySessions
              site={siteData}
              siteKey={siteKey}
              filtered={filtered}
              onClearFilters={() => setFilters({ ...EMPTY_SESSION_FILTERS })}
            />
          )}
          {sessions.length > 0 && (
            <>
              <p className="muted small list-count" aria-live="polite" data-testid="session-count">
                {sessions.length} {sessions.length === 1 ? 'session' : 'sessions'}
                {list.state.nextCursor !== null ? ' shown, more available' : ''}
              </p>
              <SessionTable sessions={sessions} now={list.refreshedAt ?? Date.now()} />
              {list.state.nextCursor !== null && (
                <div className="load-more">
                  <button
                    type="button"
                    className="button"
                    onClick={list.loadMore}
                    disabled={list.loadingMore}
                    data-testid="load-more"
                  >
                    {list.loadingMore ? 'Loading…' : 'Load more sessions'}
                  </button>
                </div>
              )}
            </>
          )}
        </>
      )}
    </>
  );
}
