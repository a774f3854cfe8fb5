import { CopyButton } from '../components/CopyButton';
import { formatSampling, installSnippet } from '../sites/installSnippet';
import type { Site } from '../sites/sitesApi';

export interface EmptySessionsProps {
  site: Site | null;
  siteKey: string;
  filtered: boolean;
  onClearFilters: () => void;
}

/** What to do when there is nothing to show: clear filters, or install the snippet. */
export function EmptySessions({ site, siteKey, filtered, onClearFilters }: EmptySessionsProps) {
  if (filtered) {
    return (
      <div className="empty-state" data-testid="sessions-empty">
        <h2>No sessions match these filters</h2>
        <p>Widen the date range or clear the filters to see every session of this site.</p>
        <button type="button" className="button" onClick={onClearFilters}>
          Clear filters
        </button>
      </div>
    );
  }
  const snippet = installSnippet(window.location.origin, siteKey);
  return (
    <div className="empty-state empty-state--left" data-testid="sessions-empty">
      <h2>No sessions recorded yet</h2>
      <p>
        Add this snippet to every page of {site ? <strong>{site.name}</strong> : 'the site'}, just before{' '}
        <code className="mono">&lt;/head&gt;</code>. New sessions appear here within seconds; this list
        refreshes on its own.
      </p>
      <div className="snippet">
        <div className="snippet__head">
          <span className="snippet__label">Install snippet</span>
          <CopyButton text={snippet} label="Copy install snippet" testId="copy-snippet" />
        </div>
        <pre className="code-block" data-testid="install-snippet">
          <code>{snippet}</code>
        </pre>
      </div>
      <ul className="checklist">
        {site && site.lawfulBasis === 'consent' && (
          <li>
            The lawful basis is <strong>consent</strong>: nothing is recorded until the page calls{' '}
            <code className="mono">
              veil('consent', {'{'} analytics: true {'}'})
            </code>
            .
          </li>
        )}
        {site && (
          <li>
            {site.samplingPercent >= 100 ? (
              'Every visitor is sampled'
            ) : (
              <>
                Only <strong>{formatSampling(site.samplingPercent)}</strong> of visitors are sampled
              </>
            )}
            , and very short sessions (under 3 seconds by default) are discarded.
          </li>
        )}
        {site && site.origins.length > 0 && (
          <li>
            Pages must be served from{' '}
            {site.origins.length === 1 ? 'the allowed origin' : 'one of the allowed origins'}:{' '}
            {site.origins.map((o, i) => (
              <span key={o}>
                {i > 0 && ', '}
                <code className="mono">{o}</code>
              </span>
            ))}
            .
          </li>
        )}
        <li>Visitors who send Global Privacy Control or Do Not Track are never recorded.</li>
      </ul>
    </div>
  );
}
