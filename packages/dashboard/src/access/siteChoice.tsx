import { type ReactNode, useMemo } from 'react';
import { useAuth } from '../auth/AuthContext';
import { authApi } from '../auth/authApi';
import { ErrorNotice, Loading } from '../components/ErrorNotice';
import { useResource } from '../hooks/useResource';
import { type Site, sitesApi } from '../sites/sitesApi';

/** Which sites the signed-in user holds: every site (`all`) or these site ids. */
export type SiteScope = 'all' | readonly string[];

/**
 * Renders `children` with the user's site scope as the server holds it now (an administrator may
 * have changed it since sign-in); while it loads, `loadingLabel`; when it fails, an error to retry.
 */
export function WithSiteScope({
  loadingLabel,
  errorTestId,
  children,
}: {
  loadingLabel: string;
  errorTestId?: string;
  children: (scope: SiteScope) => ReactNode;
}) {
  const { api } = useAuth();
  const [me, reloadMe] = useResource('me', (signal) => authApi(api).whoAmI(signal));
  if (me.status === 'loading') return <Loading label={loadingLabel} />;
  if (me.status === 'error')
    return (
      <ErrorNotice
        error={me.error}
        title="Could not load your sites"
        onRetry={reloadMe}
        testId={errorTestId}
      />
    );
  return <>{children(me.data?.sites ?? 'all')}</>;
}

/**
 * The site a page reads: a user restricted to sites always reads one of them (the chosen one, else
 * the first it holds, '' while none is known); a user of every site reads the chosen one or all ('').
 */
export function siteToRead(perSite: boolean, chosen: string, choices: readonly Site[]): string {
  return perSite ? chosen || (choices[0]?.siteKey ?? '') : chosen;
}

/**
 * The sites a page may offer, by name: the server lists only the sites the user holds (all of
 * them for a user of every site). `key` names the resource (one per page, so each reloads alone).
 */
export function useSiteChoices(key: string) {
  const { api } = useAuth();
  const [sites, reload] = useResource(key, (signal) => sitesApi(api).list(signal));
  const choices = useMemo(
    () =>
      sites.status === 'ready'
        ? [...sites.data].sort((a, b) => a.name.localeCompare(b.name) || a.siteKey.localeCompare(b.siteKey))
        : [],
    [sites],
  );
  return { sites, reload, choices };
}

/**
 * The Site picker of the audit log and the access report: a native select (arrow keys switch
 * sites). A user restricted to sites always reads one of its sites, so "Every site" is offered only
 * to a user of every site.
 */
export function SiteSelect({
  id,
  value,
  onChange,
  perSite,
  choices,
}: {
  id: string;
  value: string;
  onChange: (siteKey: string) => void;
  perSite: boolean;
  choices: readonly Site[];
}) {
  return (
    <div className="field">
      <label htmlFor={id}>Site</label>
      <select
        id={id}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        disabled={perSite && choices.length === 0}
        data-testid={id}
      >
        {!perSite && <option value="">Every site</option>}
        {choices.map((site) => (
          <option key={site.siteKey} value={site.siteKey}>
            {site.name} ({site.siteKey})
          </option>
        ))}
      </select>
    </div>
  );
}

/** Why a user restricted to sites sees nothing yet: its sites are loading, failed, or are none. */
export function NoSite({
  status,
  count,
  what,
  testId,
}: {
  status: 'loading' | 'ready' | 'error';
  count: number;
  /** What there is none of to read: "audit entry", "access report". */
  what: string;
  testId: string;
}) {
  if (status === 'loading') return <Loading label="Loading your sites…" />;
  if (status === 'error' || count > 0) return null;
  return (
    <p className="muted" data-testid={testId}>
      You hold no site, so there is no {what} for you to read. An administrator can give you sites on the
      Users page.
    </p>
  );
}
