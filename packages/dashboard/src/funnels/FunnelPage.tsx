import { DEVICE_CLASSES, parseDeviceClass } from '@veil/core';
import { useMemo, useState } from 'react';
import { Bar, BarChart, CartesianGrid, Cell, LabelList, XAxis, YAxis } from 'recharts';
import { useAuth } from '../auth/AuthContext';
import { ErrorNotice, Loading } from '../components/ErrorNotice';
import { PageHeading } from '../components/PageHeading';
import { useResource } from '../hooks/useResource';
import { Link, navigate, useLocation } from '../router/history';
import { paths } from '../router/routes';
import { EMPTY_SESSION_FILTERS, sessionFiltersToSearch } from '../sessions/sessionFilters';
import { type Funnel, type FunnelSegmentInput, funnelApi, type TopPaths } from './funnelApi';
import { formatFunnelStep, parseFunnelSteps } from './funnelSteps';
import { FUNNEL_RANGES, type FunnelView, funnelViewToSearch, parseFunnelView } from './funnelView';

const percent = new Intl.NumberFormat(undefined, { style: 'percent', maximumFractionDigits: 1 });
const DAY_MS = 86_400_000;
const STEP_COLOR = '#1f4e79';
const WITHHELD_COLOR = '#b8b8b8';

/** What a step's figure reads: its sessions, or why it is withheld. */
const stepFigure = (sessions: number | null, k: number) =>
  sessions === null ? `withheld (< ${k} visitors)` : String(sessions);

/**
 * Sessions per step as bars, drop-off visible at a glance; a withheld step is a grey stub labelled
 * "withheld" (never its count). The drawing is hidden from assistive technology: the table below
 * is its readable form.
 */
function FunnelChart({ funnel }: { funnel: Funnel }) {
  const data = useMemo(
    () =>
      funnel.steps.map((step, i) => ({
        name: `${i + 1}. ${step.pattern}${step.click ? ' (click)' : ''}`,
        sessions: step.sessions ?? 0,
        label: step.sessions === null ? 'withheld' : String(step.sessions),
        withheld: step.sessions === null,
      })),
    [funnel],
  );
  const caption = 'Sessions reaching each step (figures below k withheld)';
  return (
    <figure className="compliance-chart" aria-labelledby="funnel-chart-caption" data-testid="funnel-chart">
      <figcaption id="funnel-chart-caption" className="compliance-chart__caption">
        {caption}
      </figcaption>
      <div aria-hidden="true">
        <BarChart
          width={760}
          height={Math.max(160, 48 * data.length + 40)}
          data={data}
          layout="vertical"
          margin={{ left: 20, right: 60 }}
          accessibilityLayer={false}
        >
          <CartesianGrid strokeDasharray="3 3" horizontal={false} />
          <XAxis type="number" allowDecimals={false} />
          <YAxis type="category" dataKey="name" width={220} />
          <Bar dataKey="sessions" isAnimationActive={false} minPointSize={4}>
            {data.map((d) => (
              <Cell
                key={d.name}
                fill={d.withheld ? WITHHELD_COLOR : STEP_COLOR}
                data-testid={d.withheld ? 'funnel-bar-withheld' : 'funnel-bar'}
              />
            ))}
            <LabelList dataKey="label" position="right" />
          </Bar>
        </BarChart>
      </div>
    </figure>
  );
}

/** The shown top paths as bars (withheld rows are not drawn); the table below is their readable form. */
function PathsChart({ top, direction }: { top: TopPaths; direction: 'after' | 'before' }) {
  const caption = `Sessions per page ${direction} the chosen page`;
  return (
    <figure className="compliance-chart" aria-labelledby="paths-chart-caption" data-testid="paths-chart">
      <figcaption id="paths-chart-caption" className="compliance-chart__caption">
        {caption}
      </figcaption>
      <div aria-hidden="true">
        <BarChart
          width={760}
          height={Math.max(120, 36 * top.paths.length + 40)}
          data={top.paths}
          layout="vertical"
          margin={{ left: 20, right: 60 }}
          accessibilityLayer={false}
        >
          <CartesianGrid strokeDasharray="3 3" horizontal={false} />
          <XAxis type="number" allowDecimals={false} />
          <YAxis type="category" dataKey="page" width={220} />
          <Bar dataKey="sessions" fill={STEP_COLOR} isAnimationActive={false}>
            <LabelList dataKey="sessions" position="right" />
          </Bar>
        </BarChart>
      </div>
    </figure>
  );
}

/** The part of a page pattern before its first wildcard: the session list's page filter. */
export function literalPrefix(pattern: string): string {
  const cut = pattern.search(/[:*]/);
  return cut < 0 ? pattern : pattern.slice(0, cut);
}

/**
 * Page funnels and top paths of a site: steps typed one pattern per line; each step's count,
 * conversion and drop-off (withheld below k) as a chart and a table, each shown step linking to
 * exactly the sessions it counts (its steps, range, device and tag).
 */
export function FunnelPage({ siteKey }: { siteKey: string }) {
  const { api } = useAuth();
  const location = useLocation();
  // What is shown lives in the URL (a step's link, and back again, find the same funnel); the
  // form's fields are drafts until submitted.
  const view = useMemo(() => parseFunnelView(location.search), [location.search]);
  const show = (next: FunnelView) =>
    navigate(paths.funnels(siteKey, funnelViewToSearch(next)), { replace: true });
  const { steps, days, around, direction } = view;
  const segment = useMemo<FunnelSegmentInput>(
    () => ({ ...(view.device ? { device: view.device } : {}), ...(view.tag ? { tag: view.tag } : {}) }),
    [view.device, view.tag],
  );
  const [draft, setDraft] = useState(() => steps.map(formatFunnelStep).join('\n'));
  const [device, setDevice] = useState<string>(view.device ?? '');
  const [tagDraft, setTagDraft] = useState(view.tag ? `${view.tag.key}=${view.tag.value}` : '');
  const [rangeDraft, setRangeDraft] = useState<number>(days);
  const [funnel] = useResource(JSON.stringify(['funnel', siteKey, steps, segment, days]), (signal) =>
    funnelApi(api).funnel(siteKey, steps, segment, Date.now() - days * DAY_MS, signal),
  );
  const [top] = useResource(JSON.stringify(['paths', siteKey, around, direction, days]), (signal) =>
    funnelApi(api).paths(siteKey, around, direction, Date.now() - days * DAY_MS, signal),
  );
  const showAround = (page: string) => show({ ...view, around: page.startsWith('/') ? page : '/' });

  return (
    <>
      <PageHeading
        title="Funnels"
        eyebrow={siteKey}
        description={`Counted from the page sequences kept at ingest, last ${days} days. A figure fewer than k distinct visitors make up is withheld.`}
      />
      <form
        className="filters"
        aria-label="Funnel steps"
        onSubmit={(e) => {
          e.preventDefault();
          const at = tagDraft.indexOf('=');
          const tag =
            at > 0 && at < tagDraft.length - 1
              ? { key: tagDraft.slice(0, at).trim(), value: tagDraft.slice(at + 1).trim() }
              : null;
          show({
            ...view,
            steps: parseFunnelSteps(draft),
            device: parseDeviceClass(device),
            tag,
            days: FUNNEL_RANGES.find((r) => r === rangeDraft) ?? view.days,
          });
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
            {DEVICE_CLASSES.map((d) => (
              <option key={d} value={d}>
                {d}
              </option>
            ))}
          </select>
        </div>
        <div className="field field--inline">
          <label htmlFor="funnel-range">Range</label>
          <select
            id="funnel-range"
            value={rangeDraft}
            onChange={(e) => setRangeDraft(Number(e.target.value))}
            data-testid="funnel-range"
          >
            {FUNNEL_RANGES.map((r) => (
              <option key={r} value={r}>
                last {r} days
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
          {funnel.data.cohortShown && <FunnelChart funnel={funnel.data} />}
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
                    {step.sessions === null ? (
                      <span>
                        {i + 1}. {step.pattern}
                      </span>
                    ) : (
                      <Link
                        to={paths.sessions(
                          siteKey,
                          sessionFiltersToSearch({
                            ...EMPTY_SESSION_FILTERS,
                            device: segment.device ?? null,
                            funnel: {
                              steps,
                              reached: i + 1,
                              received: { from: funnel.data.from, to: funnel.data.to },
                              ...(segment.tag ? { tag: segment.tag } : {}),
                            },
                          }),
                        )}
                        title="The sessions that reached this step"
                        data-testid="funnel-step-link"
                      >
                        {i + 1}. {step.pattern}
                      </Link>
                    )}
                    {step.click && <span className="muted small"> (click on {step.click})</span>}
                  </td>
                  <td className="num" data-testid="funnel-step-sessions">
                    {stepFigure(step.sessions, funnel.data.k)}
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
            onChange={(e) => show({ ...view, direction: e.target.value === 'before' ? 'before' : 'after' })}
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
            defaultValue={around}
            onKeyDown={(e) => {
              if (e.key === 'Enter') showAround(e.currentTarget.value.trim());
            }}
            onBlur={(e) => showAround(e.currentTarget.value.trim())}
          />
        </div>
      </form>
      {top.status === 'error' && <ErrorNotice error={top.error} title="Could not list the paths" />}
      {top.status === 'ready' && top.data.paths.length > 0 && (
        <PathsChart top={top.data} direction={direction} />
      )}
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
