import { useState } from 'react';
import { useAuth } from '../auth/AuthContext';
import { ErrorNotice, Loading } from '../components/ErrorNotice';
import { PageHeading } from '../components/PageHeading';
import { useResource } from '../hooks/useResource';
import { Link } from '../router/history';
import { paths } from '../router/routes';
import { EMPTY_SESSION_FILTERS, sessionFiltersToSearch } from '../sessions/sessionFilters';
import { type FunnelSegmentInput, funnelApi } from './funnelApi';
import { type FunnelStepInput, formatFunnelStep, parseFunnelSteps } from './funnelSteps';

const percent = new Intl.NumberFormat(undefined, { style: 'percent', maximumFractionDigits: 1 });
const DEFAULT_STEPS: FunnelStepInput[] = [{ page: '/' }, { page: '/cart' }, { page: '/checkout' }];
const DEVICES = ['mobile', 'tablet', 'desktop'] as const;

/** The part of a page pattern before its first wildcard: the session list's page filter. */
export function literalPrefix(pattern: string): string {
  const cut = pattern.search(/[:*]/);
  return cut < 0 ? pattern : pattern.slice(0, cut);
}

/**
 * Page funnels and top paths of a site: steps typed one pattern per line; each step's count,
 * conversion and drop-off (withheld below k), each linking to the sessions on that page.
 */
export function FunnelPage({ siteKey }: { siteKey: string }) {
  const { api } = useAuth();
  const [draft, setDraft] = useState(DEFAULT_STEPS.map(formatFunnelStep).join('\n'));
  const [steps, setSteps] = useState<FunnelStepInput[]>(DEFAULT_STEPS);
  const [device, setDevice] = useState('');
  const [tagDraft, setTagDraft] = useState('');
  const [segment, setSegment] = useState<FunnelSegmentInput>({});
  const [pathPage, setPathPage] = useState('/');
  const [direction, setDirection] = useState<'after' | 'before'>('after');
  const [funnel] = useResource(JSON.stringify(['funnel', siteKey, steps, segment]), (signal) =>
    funnelApi(api).funnel(siteKey, steps, segment, signal),
  );
  const [top] = useResource(JSON.stringify(['paths', siteKey, pathPage, direction]), (signal) =>
    funnelApi(api).paths(siteKey, pathPage, direction, signal),
  );

  return (
    <>
      <PageHeading
        title="Funnels"
        eyebrow={siteKey}
        description="Counted from the page sequences kept at ingest, last 30 days. A figure fewer than k sessions make up is withheld."
      />
      <form
        className="filters"
        aria-label="Funnel steps"
        onSubmit={(e) => {
          e.preventDefault();
          setSteps(parseFunnelSteps(draft));
          const at = tagDraft.indexOf('=');
          const tag =
            at > 0 && at < tagDraft.length - 1
              ? { key: tagDraft.slice(0, at).trim(), value: tagDraft.slice(at + 1).trim() }
              : undefined;
          const chosen = DEVICES.find((d) => d === device);
          setSegment({ ...(chosen ? { device: chosen } : {}), ...(tag ? { tag } : {}) });
        }}
      >
        <div className="field field--grow">
          <label htmlFor="funnel-steps">
            Steps, one page pattern per line (`/item/:id`, `/docs/**`); `/cart @ button#pay` for a click on
            that element of the page
          </label>
          <textarea
            id="funnel-steps"
            rows={4}
            value={draft}
            onChange={(e) => setDraft(e.target.value)}
            data-testid="funnel-steps"
          />
        </div>
        <div className="field field--inline">
          <label htmlFor="funnel-device">Device</label>
          <select
            id="funnel-device"
            value={device}
            onChange={(e) => setDevice(e.target.value)}
            data-testid="funnel-device"
          >
            <option value="">all</option>
            {DEVICES.map((d) => (
              <option key={d} value={d}>
                {d}
              </option>
            ))}
          </select>
        </div>
        <div className="field field--inline">
          <label htmlFor="funnel-tag">Tag (key=value)</label>
          <input
            id="funnel-tag"
            type="text"
            value={tagDraft}
            onChange={(e) => setTagDraft(e.target.value)}
            data-testid="funnel-tag"
          />
        </div>
        <button type="submit" className="button button--primary" data-testid="funnel-submit">
          Show funnel
        </button>
      </form>
      {funnel.status === 'loading' && <Loading label="Counting…" />}
      {funnel.status === 'error' && <ErrorNotice error={funnel.error} title="Could not count the funnel" />}
      {funnel.status === 'ready' && (
        <div className="table-wrap">
          {!funnel.data.cohortShown && (
            <p className="muted" data-testid="funnel-cohort">
              Fewer than {Math.max(funnel.data.k, funnel.data.minCohort)} visitors reached the first step in
              this segment: nothing is shown.
            </p>
          )}
          <table className="table" data-testid="funnel-table">
            <caption className="visually-hidden">Sessions per funnel step</caption>
            <thead>
              <tr>
                <th scope="col">Step</th>
                <th scope="col" className="num">
                  Sessions
                </th>
                <th scope="col" className="num">
                  Conversion
                </th>
                <th scope="col" className="num">
                  Drop-off
                </th>
              </tr>
            </thead>
            <tbody>
              {funnel.data.steps.map((step, i) => (
                // Steps are positions: the same pattern may be a step twice.
                // biome-ignore lint/suspicious/noArrayIndexKey: a step is its position in the funnel
                <tr key={i} data-testid="funnel-step">
                  <td>
                    <Link
                      to={paths.sessions(
                        siteKey,
                        sessionFiltersToSearch({
                          ...EMPTY_SESSION_FILTERS,
                          device: segment.device ?? null,
                          funnel: { steps, reached: i + 1 },
                        }),
                      )}
                      title="The sessions that reached this step"
                    >
                      {i + 1}. {step.pattern}
                    </Link>
                    {step.click && <span className="muted small"> (click on {step.click})</span>}
                  </td>
                  <td className="num" data-testid="funnel-step-sessions">
                    {step.sessions === null ? `withheld (< ${funnel.data.k} visitors)` : step.sessions}
                  </td>
                  <td className="num">{step.conversion === null ? '–' : percent.format(step.conversion)}</td>
                  <td className="num">{step.dropOff === null ? '–' : step.dropOff}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <h2>Top paths</h2>
      <form className="filters" aria-label="Top paths" onSubmit={(e) => e.preventDefault()}>
        <div className="field field--inline">
          <label htmlFor="paths-direction">Pages</label>
          <select
            id="paths-direction"
            value={direction}
            onChange={(e) => setDirection(e.target.value === 'before' ? 'before' : 'after')}
          >
            <option value="after">after</option>
            <option value="before">before</option>
          </select>
        </div>
        <div className="field field--inline field--grow">
          <label htmlFor="paths-page">Page pattern</label>
          <input
            id="paths-page"
            type="search"
            defaultValue={pathPage}
            onKeyDown={(e) => {
              if (e.key === 'Enter') setPathPage(e.currentTarget.value.trim() || '/');
            }}
            onBlur={(e) => setPathPage(e.currentTarget.value.trim() || '/')}
          />
        </div>
      </form>
      {top.status === 'error' && <ErrorNotice error={top.error} title="Could not list the paths" />}
      {top.status === 'ready' && (
        <table className="table" data-testid="paths-table">
          <caption className="visually-hidden">Pages {direction} the chosen page</caption>
          <thead>
            <tr>
              <th scope="col">Page</th>
              <th scope="col" className="num">
                Sessions
              </th>
            </tr>
          </thead>
          <tbody>
            {top.data.paths.map((p) => (
              <tr key={p.page}>
                <td>{p.page}</td>
                <td className="num">{p.sessions}</td>
              </tr>
            ))}
            {!top.data.cohortShown && (
              <tr>
                <td colSpan={2} className="muted">
                  Withheld: fewer than {top.data.minCohort} distinct visitors visited this page
                </td>
              </tr>
            )}
            {top.data.suppressed > 0 && (
              <tr>
                <td colSpan={2} className="muted">
                  {top.data.suppressed} more withheld (fewer than {top.data.k} distinct visitors each)
                </td>
              </tr>
            )}
          </tbody>
        </table>
      )}
    </>
  );
}
