import { useAuth } from '../auth/AuthContext';
import { authApi } from '../auth/authApi';
import { CopyButton } from '../components/CopyButton';
import { ErrorNotice, Loading } from '../components/ErrorNotice';
import { PageHeading } from '../components/PageHeading';
import { formatDateTime } from '../format/dateTime';
import { useResource } from '../hooks/useResource';
import { Link } from '../router/history';
import { paths } from '../router/routes';
import { canAddSites, formatSampling, installSnippet, LAWFUL_BASIS_LABELS } from './installSnippet';
import type { Site } from './sitesApi';
import { sitesApi } from './sitesApi';

export function SitesPage() {
  const { api, user } = useAuth();
  const [sites, reload] = useResource('sites', (signal) => sitesApi(api).list(signal));
  const [me] = useResource('me', (signal) => authApi(api).whoAmI(signal));
  // Only a user with every site adds sites (docs/access.md); a site-restricted admin is not offered it.
  const mayAdd = me.status === 'ready' && canAddSites(user.role, me.data?.sites);

  return (
    <>
      <PageHeading
        title="Sites"
        description="Each site has its own key, allowed origins, lawful basis and sampling rate."
      />
      {sites.status === 'loading' && <Loading label="Loading sites…" />}
      {sites.status === 'error' && (
        <ErrorNotice error={sites.error} title="Could not load sites" onRetry={reload} />
      )}
      {sites.status === 'ready' && sites.data.length === 0 && (
        <div className="empty-state" data-testid="sites-empty">
          <h2>No sites yet</h2>
          {mayAdd ? (
            <>
              <p>Add the first site from the command line, then install its snippet:</p>
              <pre className="code-block" data-testid="sites-add-hint">
                <code>npx veil sites add --name "My app" --origin https://app.example.com</code>
              </pre>
            </>
          ) : (
            <p data-testid="sites-none-shared">
              No site is shared with you. Sites are added by an administrator with access to every site.
            </p>
          )}
        </div>
      )}
      {sites.status === 'ready' && sites.data.length > 0 && (
        <ul className="site-list" data-testid="site-list">
          {sites.data.map((site) => (
            <SiteCard key={site.siteKey} site={site} />
          ))}
        </ul>
      )}
    </>
  );
}

function SiteCard({ site }: { site: Site }) {
  const snippet = installSnippet(window.location.origin, site.siteKey);
  const headingId = `site-${site.siteKey}`;
  return (
    <li className="card site-card" data-testid="site-card" data-site-key={site.siteKey}>
      <div className="site-card__head">
        <div>
          <h2 className="site-card__name" id={headingId}>
            <Link to={paths.sessions(site.siteKey)} data-testid="site-sessions-link">
              {site.name}
            </Link>
          </h2>
          <p className="muted small">Created {formatDateTime(site.createdAt)}</p>
        </div>
        <div className="site-card__actions">
          <Link to={paths.sessions(site.siteKey)} className="button button--small">
            View sessions<span className="visually-hidden"> of {site.name}</span>
          </Link>
          <Link
            to={paths.heatmaps(site.siteKey)}
            className="button button--small button--ghost"
            data-testid="site-heatmaps-link"
          >
            Heatmaps<span className="visually-hidden"> of {site.name}</span>
          </Link>
          <Link
            to={paths.overview(site.siteKey)}
            className="button button--small button--ghost"
            data-testid="site-overview-link"
          >
            Overview<span className="visually-hidden"> of {site.name}</span>
          </Link>
          <Link
            to={paths.funnels(site.siteKey)}
            className="button button--small button--ghost"
            data-testid="site-funnels-link"
          >
            Funnels<span className="visually-hidden"> of {site.name}</span>
          </Link>
          <Link
            to={paths.consent(site.siteKey)}
            className="button button--small button--ghost"
            data-testid="site-consent-link"
          >
            Consent<span className="visually-hidden"> of {site.name}</span>
          </Link>
          <Link
            to={paths.compliance(site.siteKey)}
            className="button button--small button--ghost"
            data-testid="site-compliance-link"
          >
            Compliance<span className="visually-hidden"> of {site.name}</span>
          </Link>
          <Link
            to={paths.privacy(site.siteKey)}
            className="button button--small button--ghost"
            data-testid="site-privacy-link"
          >
            Privacy policy<span className="visually-hidden"> of {site.name}</span>
          </Link>
          <Link
            to={paths.incidents(site.siteKey)}
            className="button button--small button--ghost"
            data-testid="site-incidents-link"
          >
            Incidents<span className="visually-hidden"> of {site.name}</span>
          </Link>
          <Link
            to={paths.alertInbox(site.siteKey)}
            className="button button--small button--ghost"
            data-testid="site-alert-inbox-link"
          >
            Alert inbox<span className="visually-hidden"> of {site.name}</span>
          </Link>
          <Link
            to={paths.alertSinks(site.siteKey)}
            className="button button--small button--ghost"
            data-testid="site-alert-sinks-link"
          >
            Alert sinks<span className="visually-hidden"> of {site.name}</span>
          </Link>
          <Link
            to={paths.inventory(site.siteKey)}
            className="button button--small button--ghost"
            data-testid="site-inventory-link"
          >
            Data inventory<span className="visually-hidden"> of {site.name}</span>
          </Link>
        </div>
      </div>
      <dl className="facts">
        <div>
          <dt>Site key</dt>
          <dd>
            <code className="mono">{site.siteKey}</code>
          </dd>
        </div>
        <div>
          <dt>Origins</dt>
          <dd>
            {site.origins.length === 0 ? (
              <span className="muted">None: ingest refuses every origin</span>
            ) : (
              <ul className="origin-list">
                {site.origins.map((origin) => (
                  <li key={origin}>
                    <code className="mono">{origin}</code>
                  </li>
                ))}
              </ul>
            )}
          </dd>
        </div>
        <div>
          <dt>Lawful basis</dt>
          <dd>
            <span className={`badge badge--${site.lawfulBasis === 'consent' ? 'neutral' : 'warning'}`}>
              {LAWFUL_BASIS_LABELS[site.lawfulBasis]}
            </span>
          </dd>
        </div>
        <div>
          <dt>Sampling</dt>
          <dd>{formatSampling(site.samplingPercent)} of visitors</dd>
        </div>
      </dl>
      <div className="snippet">
        <div className="snippet__head">
          <span className="snippet__label">Install snippet</span>
          <CopyButton text={snippet} label={`Copy install snippet for ${site.name}`} testId="copy-snippet" />
        </div>
        <pre className="code-block" data-testid="install-snippet">
          <code>{snippet}</code>
        </pre>
      </div>
    </li>
  );
}
