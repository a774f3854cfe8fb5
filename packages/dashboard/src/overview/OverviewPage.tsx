import { SIGNAL_KINDS, type SignalKind } from '@veil/core';
import { useMemo, useState } from 'react';
import { CartesianGrid, Legend, Line, LineChart, Tooltip, XAxis, YAxis } from 'recharts';
import { useAuth } from '../auth/AuthContext';
import { ErrorNotice, Loading } from '../components/ErrorNotice';
import { PageHeading } from '../components/PageHeading';
import { literalPrefix } from '../funnels/FunnelPage';
import { useResource } from '../hooks/useResource';
import { Link } from '../router/history';
import { paths } from '../router/routes';
import { SIGNAL_LABELS } from '../sessions/signalLabels';
import { overviewApi, type SignalOverview } from './overviewApi';

const COLORS: Readonly<Record<SignalKind, string>> = {
  rageClicks: '#a3312a',
  deadClicks: '#6b6b6b',
  quickBacks: '#2f6f8f',
  excessiveScrolls: '#8a3b8f',
  errorClicks: '#b35c00',
  jsErrors: '#4f7f2f',
  failedRequests: '#1f4e79',
};
const RANGES = [7, 30, 90] as const;
const dayLabel = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const figure = (n: number | null, k: number) => (n === null ? `withheld (< ${k})` : String(n));

/** The sessions list filtered to a page (and a signal): raw replays there still ask for a purpose. */
function sessionsLink(siteKey: string, page: string, signal?: SignalKind): string {
  const q = new URLSearchParams({ page: literalPrefix(page) });
  if (signal) q.set('signals', signal);
  return paths.sessions(siteKey, `?${q.toString()}`);
}

/** Sessions with each signal per day, as lines; the drawing is hidden from assistive technology, the table below is its readable form. */
function TrendChart({ overview }: { overview: SignalOverview }) {
  const data = useMemo(
    () =>
      overview.days.map((d) => ({
        day: dayLabel(d.day),
        ...Object.fromEntries(SIGNAL_KINDS.map((kind) => [kind, d.withSignal[kind]])),
      })),
    [overview],
  );
  const caption = 'Sessions with each frustration signal, per day (figures below k withheld)';
  return (
    <figure className="compliance-chart" aria-labelledby="signal-trend-caption" data-testid="signal-trend">
      <figcaption id="signal-trend-caption" className="compliance-chart__caption">
        {caption}
      </figcaption>
      <div aria-hidden="true">
        {/* Not focusable: the drawing is hidden from assistive technology, the table is its readable form. */}
        <LineChart
          width={760}
          height={280}
          data={data}
          margin={{ left: 0, right: 20 }}
          accessibilityLayer={false}
        >
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="day" />
          <YAxis allowDecimals={false} />
          <Tooltip />
          <Legend />
          {SIGNAL_KINDS.map((kind) => (
            <Line
              key={kind}
              dataKey={kind}
              name={SIGNAL_LABELS[kind]}
              stroke={COLORS[kind]}
              connectNulls={false}
              isAnimationActive={false}
            />
          ))}
        </LineChart>
      </div>
      <details className="consent-chart__data" data-testid="signal-trend-data">
        <summary>The numbers, day by day</summary>
        <div className="table-wrap">
          <table className="table table--compact" data-testid="signal-trend-table">
            <caption className="visually-hidden">{caption}</caption>
            <thead>
              <tr>
                <th scope="col">Day</th>
                <th scope="col" className="num">
                  Sessions
                </th>
                {SIGNAL_KINDS.map((kind) => (
                  <th key={kind} scope="col" className="num">
                    {SIGNAL_LABELS[kind]}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {overview.days.map((d) => (
                <tr key={d.day}>
                  <th scope="row">{dayLabel(d.day)}</th>
                  <td className="num">{d.sessions === null ? '–' : d.sessions}</td>
                  {SIGNAL_KINDS.map((kind) => (
                    <td key={kind} className="num">
                      {d.sessions === null ? '–' : figure(d.withSignal[kind], overview.k)}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}

/**
 * The site overview: how often each frustration signal occurred, per day, and the pages where
 * most sessions struggled, each linking to its sessions (opening a replay still asks for a purpose).
 */
export function OverviewPage({ siteKey }: { siteKey: string }) {
  const { api } = useAuth();
  const [days, setDays] = useState<(typeof RANGES)[number]>(30);
  const [now] = useState(() => Date.now());
  const [overview] = useResource(JSON.stringify(['overview', siteKey, days]), (signal) =>
    overviewApi(api).overview(siteKey, days, now, signal),
  );

  return (
    <>
      <PageHeading
        title="Overview"
        eyebrow={siteKey}
        description="Frustration signals counted at ingest. A figure fewer than k sessions make up is withheld."
      />
      <form className="filters" aria-label="Period" onSubmit={(e) => e.preventDefault()}>
        <div className="field field--inline">
          <label htmlFor="overview-range">Period</label>
          <select
            id="overview-range"
            value={days}
            onChange={(e) => setDays(Number(e.target.value) as (typeof RANGES)[number])}
            data-testid="overview-range"
          >
            {RANGES.map((n) => (
              <option key={n} value={n}>
                Last {n} days
              </option>
            ))}
          </select>
        </div>
      </form>
      {overview.status === 'loading' && <Loading label="Counting…" />}
      {overview.status === 'error' && (
        <ErrorNotice error={overview.error} title="Could not load the overview" />
      )}
      {overview.status === 'ready' && (
        <>
          <h2>Trends</h2>
          <TrendChart overview={overview.data} />
          {overview.data.suppressed.days > 0 && (
            <p className="muted small" data-testid="overview-days-withheld">
              {overview.data.suppressed.days} days with fewer than {overview.data.k} sessions are withheld.
            </p>
          )}
          <h2>Pages with most frustration</h2>
          {overview.data.pages.length === 0 ? (
            <p className="muted" data-testid="overview-no-pages">
              No page had {overview.data.k} or more frustrated sessions in this period.
            </p>
          ) : (
            <div className="table-wrap">
              <table className="table" data-testid="overview-pages">
                <caption className="visually-hidden">
                  Pages by sessions with at least one frustration signal
                </caption>
                <thead>
                  <tr>
                    <th scope="col">Page</th>
                    <th scope="col" className="num">
                      Frustrated sessions
                    </th>
                    <th scope="col" className="num">
                      Sessions
                    </th>
                    <th scope="col">Signals (sessions)</th>
                  </tr>
                </thead>
                <tbody>
                  {overview.data.pages.map((p) => (
                    <tr key={p.page} data-testid="overview-page">
                      <th scope="row">
                        <Link to={sessionsLink(siteKey, p.page)} data-testid="overview-page-link">
                          {p.page}
                        </Link>
                      </th>
                      <td className="num">{p.frustrated}</td>
                      <td className="num">{p.sessions}</td>
                      <td>
                        <ul className="inline-list">
                          {SIGNAL_KINDS.filter((kind) => p.withSignal[kind] !== null).map((kind) => (
                            <li key={kind}>
                              <Link
                                to={sessionsLink(siteKey, p.page, kind)}
                                data-testid="overview-signal-link"
                              >
                                {SIGNAL_LABELS[kind]}: {p.withSignal[kind]}
                              </Link>
                            </li>
                          ))}
                        </ul>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          {overview.data.suppressed.pages > 0 && (
            <p className="muted small">
              {overview.data.suppressed.pages} pages with fewer than {overview.data.k} frustrated sessions are
              withheld.
            </p>
          )}
        </>
      )}
    </>
  );
}
