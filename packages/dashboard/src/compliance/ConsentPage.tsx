import { MS_PER_DAY } from '@veil/core';
import { useMemo, useState } from 'react';
import { useAuth } from '../auth/AuthContext';
import { ErrorNotice, Loading } from '../components/ErrorNotice';
import { PageHeading } from '../components/PageHeading';
import { formatDateTime } from '../format/dateTime';
import { useResource } from '../hooks/useResource';
import { Link } from '../router/history';
import { paths } from '../router/routes';
import { BannerTextsEditor } from './BannerTextsEditor';
import { ConsentRateChart } from './ConsentRateChart';
import { type ConsentBucket, complianceApi } from './complianceApi';
import { consentBreakdown, consentSeries, formatRate } from './consentSeries';
import { ScanPanel } from './ScanPanel';

const WINDOWS = [
  { days: 7, bucket: 'day' as const, label: 'Last 7 days' },
  { days: 30, bucket: 'day' as const, label: 'Last 30 days' },
  { days: 90, bucket: 'week' as const, label: 'Last 90 days' },
  { days: 2, bucket: 'hour' as const, label: 'Last 48 hours' },
];
const SOURCE_LABELS: Readonly<Record<string, string>> = {
  api: 'Page API',
  banner: 'Veil banner',
  tcf: 'IAB TCF',
  gcm: 'Google Consent Mode',
  onetrust: 'OneTrust',
  cookiebot: 'Cookiebot',
  osano: 'Osano',
  optout: 'Opt-out control',
};
const sourceLabel = (s: string) => SOURCE_LABELS[s] ?? s;
const regionLabel = (r: string) => (r === '' ? 'Unknown' : r);

/** Start of the current bucket (UTC days and weeks, hours), so that buckets line up with the server's. */
function windowEnd(now: number, bucket: ConsentBucket): number {
  const size = bucket === 'hour' ? 3_600_000 : MS_PER_DAY;
  return Math.floor(now / size) * size + size;
}

/** A site's consent evidence: opt-in and opt-out rates over time by source and region, and the latest receipts. */
export function ConsentPage({ siteKey }: { siteKey: string }) {
  const { api } = useAuth();
  const compliance = useMemo(() => complianceApi(api), [api]);
  const [windowIndex, setWindowIndex] = useState(1);
  const [source, setSource] = useState<string | null>(null);
  const [region, setRegion] = useState<string | null>(null);
  const win = WINDOWS[windowIndex] ?? WINDOWS[1]!;
  const [now] = useState(() => Date.now());
  const to = windowEnd(now, win.bucket);
  const from = to - win.days * MS_PER_DAY;
  const [stats, reload] = useResource(`${siteKey}/${from}/${win.bucket}`, (signal) =>
    compliance.consentStats(siteKey, { from, to, bucket: win.bucket }, signal),
  );
  const [receipts, reloadReceipts] = useResource(`receipts/${siteKey}`, (signal) =>
    compliance.consentReceipts(siteKey, signal),
  );

  return (
    <>
      <PageHeading
        title="Consent"
        eyebrow={<Link to={paths.sites()}>Sites</Link>}
        description="Every consent decision is a receipt: grants, the banner's refusals and withdrawals, with their source, region, policy version and the hash of the banner text shown."
        actions={
          <Link to={paths.sessions(siteKey)} className="button button--small">
            Sessions
          </Link>
        }
      />
      <fieldset className="toolbar">
        <legend className="visually-hidden">Chart filters</legend>
        <div className="field field--inline">
          <label htmlFor="consent-window">Period</label>
          <select
            id="consent-window"
            value={windowIndex}
            onChange={(e) => setWindowIndex(Number(e.target.value))}
          >
            {WINDOWS.map((w, i) => (
              <option key={w.label} value={i}>
                {w.label}
              </option>
            ))}
          </select>
        </div>
        {stats.status === 'ready' && (
          <>
            <div className="field field--inline">
              <label htmlFor="consent-source">Source</label>
              <select
                id="consent-source"
                value={source ?? ''}
                onChange={(e) => setSource(e.target.value || null)}
              >
                <option value="">All sources</option>
                {consentBreakdown(stats.data.rows, 'source').map((b) => (
                  <option key={b.key} value={b.key}>
                    {sourceLabel(b.key)}
                  </option>
                ))}
              </select>
            </div>
            <div className="field field--inline">
              <label htmlFor="consent-region">Region</label>
              <select
                id="consent-region"
                value={region ?? '*'}
                onChange={(e) => setRegion(e.target.value === '*' ? null : e.target.value)}
              >
                <option value="*">All regions</option>
                {consentBreakdown(stats.data.rows, 'region').map((b) => (
                  <option key={b.key} value={b.key}>
                    {regionLabel(b.key)}
                  </option>
                ))}
              </select>
            </div>
          </>
        )}
      </fieldset>
      {stats.status === 'loading' && <Loading label="Loading consent statistics…" />}
      {stats.status === 'error' && (
        <ErrorNotice error={stats.error} title="Could not load consent statistics" onRetry={reload} />
      )}
      {stats.status === 'ready' && (
        <section className="card compliance-card" aria-labelledby="rates-title">
          <h2 id="rates-title" className="card__title">
            Opt-in and opt-out rates
          </h2>
          <p className="muted small">
            {stats.data.totals.granted} granted, {stats.data.totals.denied} refused,{' '}
            {stats.data.totals.withdrawn} withdrawn in this period.
          </p>
          <ConsentRateChart
            points={consentSeries(stats.data.rows, stats.data, { source, region })}
            bucketMs={stats.data.bucketMs}
            label={`Opt-in and opt-out rates, ${win.label.toLowerCase()}, ${source ? sourceLabel(source) : 'all sources'}, ${region === null ? 'all regions' : regionLabel(region)}`}
          />
          <div className="breakdowns">
            <Breakdown
              title="By source"
              rows={consentBreakdown(stats.data.rows, 'source')}
              label={sourceLabel}
            />
            <Breakdown
              title="By region"
              rows={consentBreakdown(stats.data.rows, 'region')}
              label={regionLabel}
            />
          </div>
        </section>
      )}
      <BannerTextsEditor siteKey={siteKey} compliance={compliance} />
      <section className="card compliance-card" aria-labelledby="receipts-title">
        <h2 id="receipts-title" className="card__title">
          Latest receipts
        </h2>
        {receipts.status === 'loading' && <Loading label="Loading receipts…" />}
        {receipts.status === 'error' && (
          <ErrorNotice error={receipts.error} title="Could not load receipts" onRetry={reloadReceipts} />
        )}
        {receipts.status === 'ready' && receipts.data.length === 0 && (
          <p className="muted">No decision yet.</p>
        )}
        {receipts.status === 'ready' && receipts.data.length > 0 && (
          <div className="table-wrap">
            <table className="table table--compact" data-testid="consent-receipts">
              <caption className="visually-hidden">Consent receipts, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">Time</th>
                  <th scope="col">Decision</th>
                  <th scope="col">Source</th>
                  <th scope="col">Region</th>
                  <th scope="col">Policy</th>
                  <th scope="col">Receipt</th>
                  <th scope="col">Banner text</th>
                </tr>
              </thead>
              <tbody>
                {receipts.data.map((r) => (
                  <tr key={r.id}>
                    <td>{formatDateTime(r.recordedAt)}</td>
                    <td>
                      <span className={`badge badge--${r.decision === 'granted' ? 'neutral' : 'warning'}`}>
                        {r.decision}
                      </span>
                    </td>
                    <td>{sourceLabel(r.source)}</td>
                    <td>{r.region ?? '–'}</td>
                    <td>{r.policyVersion ?? '–'}</td>
                    <td>
                      <code className="mono">{r.id}</code>
                    </td>
                    <td>
                      {r.bannerTextHash ? (
                        <code className="mono" title={r.bannerTextHash}>
                          {r.bannerTextHash.slice(0, 12)}…
                        </code>
                      ) : (
                        '–'
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <ScanPanel siteKey={siteKey} />
    </>
  );
}

function Breakdown({
  title,
  rows,
  label,
}: {
  title: string;
  rows: ReturnType<typeof consentBreakdown>;
  label: (key: string) => string;
}) {
  return (
    <div className="table-wrap">
      <table className="table table--compact">
        <caption className="table__caption">{title}</caption>
        <thead>
          <tr>
            <th scope="col">{title.replace('By ', '')}</th>
            <th scope="col" className="num">
              Granted
            </th>
            <th scope="col" className="num">
              Refused
            </th>
            <th scope="col" className="num">
              Withdrawn
            </th>
            <th scope="col" className="num">
              Opt-in
            </th>
            <th scope="col" className="num">
              Opt-out
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 && (
            <tr>
              <td colSpan={6} className="muted">
                No decision in this period.
              </td>
            </tr>
          )}
          {rows.map((r) => (
            <tr key={r.key}>
              <th scope="row">{label(r.key)}</th>
              <td className="num">{r.granted}</td>
              <td className="num">{r.denied}</td>
              <td className="num">{r.withdrawn}</td>
              <td className="num">{formatRate(r.optInRate)}</td>
              <td className="num">{formatRate(r.optOutRate)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
