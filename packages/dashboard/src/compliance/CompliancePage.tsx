import {
  type ChecklistItem,
  type ComplianceReport,
  type EvidenceLink,
  MS_PER_DAY,
  type ReportFormat,
} from '@veil/core';
import { useMemo, useState } from 'react';
import { describeError } from '../api/ApiError';
import { useAuth } from '../auth/AuthContext';
import { ErrorNotice, Loading } from '../components/ErrorNotice';
import { PageHeading } from '../components/PageHeading';
import { formatDateTime } from '../format/dateTime';
import { useResource } from '../hooks/useResource';
import { Link } from '../router/history';
import { paths } from '../router/routes';
import { AttestationsPanel } from './AttestationsPanel';
import { ReadinessChart, ReadinessTrendChart, RegionOptInChart } from './ComplianceCharts';
import { type ComplianceApi, complianceApi } from './complianceApi';
import { ProcessorRegister } from './ProcessorRegister';

const PERIODS = [
  { days: 30, label: 'Last 30 days' },
  { days: 90, label: 'Last 90 days' },
  { days: 365, label: 'Last 12 months' },
];
/** Sections of the pack shown on this page; other anchors of the pack lead to the download. */
const ON_PAGE = new Set([
  'retention',
  'consent',
  'access',
  'alerts',
  'subject-requests',
  'inventory',
  'audit-chain',
  'readiness',
  'checklists',
  'processors',
]);
const pct = (r: number | null) => (r === null ? '–' : `${Math.round(r * 100)} %`);

function Evidence({ link, siteKey }: { link: EvidenceLink; siteKey: string }) {
  const { href, label } = link;
  if (href.startsWith('#')) {
    const id = href.slice(1);
    if (id === 'policy' || id === 'lawful-basis') return <Link to={paths.privacy(siteKey)}>{label}</Link>;
    return <a href={ON_PAGE.has(id) ? href : '#pack'}>{label}</a>;
  }
  if (href.startsWith('/api/') || !href.startsWith('/')) return <a href={href}>{label}</a>;
  return <Link to={href}>{label}</Link>;
}

function EvidenceList({ links, siteKey }: { links: readonly EvidenceLink[]; siteKey: string }) {
  if (links.length === 0) return <span className="muted">–</span>;
  return (
    <>
      {links.map((l, i) => (
        <span key={`${l.href}-${l.label}`}>
          {i > 0 && ', '}
          <Evidence link={l} siteKey={siteKey} />
        </span>
      ))}
    </>
  );
}

function Figure(props: {
  label: string;
  value: number | string;
  href: string;
  testId: string;
  internal?: boolean;
}) {
  const body = (
    <>
      <span className="compliance-figure__label">{props.label}</span>
      <span className="compliance-figure__value">{props.value}</span>
    </>
  );
  return props.internal ? (
    <Link to={props.href} className="compliance-figure" data-testid={props.testId}>
      {body}
    </Link>
  ) : (
    <a href={props.href} className="compliance-figure" data-testid={props.testId}>
      {body}
    </a>
  );
}

function Checklist({
  title,
  items,
  siteKey,
}: {
  title: string;
  items: readonly ChecklistItem[];
  siteKey: string;
}) {
  return (
    <div className="table-wrap">
      <table className="table table--compact">
        <caption>{title}</caption>
        <thead>
          <tr>
            <th scope="col">Item</th>
            <th scope="col">Status</th>
            <th scope="col">Note</th>
            <th scope="col">Evidence</th>
          </tr>
        </thead>
        <tbody>
          {items.map((i) => (
            <tr key={i.id} data-testid="checklist-item" data-status={i.status}>
              <th scope="row">{i.title}</th>
              <td>
                <span className={`badge badge--${i.status === 'met' ? 'neutral' : 'warning'}`}>
                  {i.status}
                </span>
              </td>
              <td>{i.note}</td>
              <td>
                <EvidenceList links={i.evidence} siteKey={siteKey} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Section(props: { id: string; title: string; children: React.ReactNode }) {
  return (
    <section
      className="card compliance-card"
      id={props.id}
      aria-labelledby={`${props.id}-title`}
      tabIndex={-1}
    >
      <h2 id={`${props.id}-title`} className="card__title">
        {props.title}
      </h2>
      {props.children}
    </section>
  );
}

function Report({
  report,
  siteKey,
  trendNow,
  compliance,
  onChanged,
}: {
  report: ComplianceReport;
  siteKey: string;
  trendNow: React.ReactNode;
  compliance: ComplianceApi;
  /** The register changed: the checklists that depend on it are recomputed. */
  onChanged: () => void;
}) {
  const r = report;
  const redaction = r.alerts.items.filter((a) => a.kind === 'canary' || a.kind === 'masking_failure');
  return (
    <>
      <nav
        className="compliance-figures"
        aria-label="Key figures (each links to its evidence)"
        data-testid="compliance-figures"
      >
        <Figure
          label="Sessions stored"
          value={r.figures.sessionsStored}
          href={paths.sessions(siteKey)}
          internal
          testId="figure-sessions"
        />
        <Figure
          label="Raw-replay views"
          value={r.figures.rawReplayViews}
          href="#access"
          testId="figure-views"
        />
        <Figure
          label="Sessions purged"
          value={r.figures.sessionsPurged}
          href="#retention"
          testId="figure-purged"
        />
        <Figure
          label="Subject requests"
          value={r.figures.subjectRequests}
          href="#subject-requests"
          testId="figure-requests"
        />
        <Figure
          label="Consent opt-in"
          value={pct(r.consent.optInRate)}
          href="#consent"
          testId="figure-consent"
        />
        <Figure label="Alerts" value={r.figures.alertsRaised} href="#alerts" testId="figure-alerts" />
        <Figure
          label="Audit chain"
          value={r.auditChain.ok ? 'intact' : 'broken'}
          href="#audit-chain"
          testId="figure-chain"
        />
        <Figure
          label="Readiness"
          value={`${r.readiness.score} / ${r.readiness.max}`}
          href="#readiness"
          testId="figure-readiness"
        />
      </nav>

      <Section id="readiness" title={`Readiness score: ${r.readiness.score} of ${r.readiness.max}`}>
        <ReadinessChart readiness={r.readiness} />
        {trendNow}
        <div className="table-wrap">
          <table className="table table--compact" data-testid="readiness-areas">
            <caption className="visually-hidden">Readiness areas with the evidence for each score</caption>
            <thead>
              <tr>
                <th scope="col">Area</th>
                <th scope="col">Score</th>
                <th scope="col">Basis</th>
                <th scope="col">Why</th>
                <th scope="col">Evidence</th>
              </tr>
            </thead>
            <tbody>
              {r.readiness.areas.map((a) => (
                <tr key={a.area}>
                  <th scope="row">{a.title}</th>
                  <td>{a.score} of 2</td>
                  <td>{a.basis}</td>
                  <td>{a.reason}</td>
                  <td>
                    <EvidenceList links={a.evidence} siteKey={siteKey} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <h3>Attestations</h3>
        <AttestationsPanel
          siteKey={siteKey}
          attestations={r.attestations}
          compliance={compliance}
          onChanged={onChanged}
        />
      </Section>

      <Section id="consent" title="Consent">
        <p className="muted small">
          {r.consent.totals.granted} granted, {r.consent.totals.denied} refused, {r.consent.totals.withdrawn}{' '}
          withdrawn. <Link to={paths.consent(siteKey)}>All receipts</Link>
        </p>
        <RegionOptInChart consent={r.consent} />
      </Section>

      <Section id="access" title="Raw-replay views and anomalies">
        <p>
          {r.access.rawReplayViews} views of {r.access.sessionsViewed} sessions; {r.access.anomalies} access
          anomalies. <Link to={paths.accessReport()}>Access report</Link>
        </p>
        <div className="table-wrap">
          <table className="table table--compact" data-testid="access-views">
            <caption className="visually-hidden">Every raw-replay view with its purpose</caption>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Who</th>
                <th scope="col">Session</th>
                <th scope="col">Purpose</th>
              </tr>
            </thead>
            <tbody>
              {r.access.views.map((v) => (
                <tr key={`${v.at}-${v.sessionId}-${v.viewer}`}>
                  <td>{formatDateTime(v.at)}</td>
                  <td>{v.viewer}</td>
                  <td>
                    <code className="mono">{v.sessionId}</code>
                  </td>
                  <td>{v.purpose}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Section>

      <Section id="retention" title="Retention">
        <p>
          {r.retention.retentionDays} days. {r.retention.runs} purge runs removed {r.retention.sessionsPurged}{' '}
          sessions in the period; {r.retention.dueSessionsNow} due and {r.retention.heldSessionsNow} held now.
        </p>
        {r.retention.exception ? (
          <p className="notice notice--warning" data-testid="retention-exception">
            Retention exception: {r.retention.exception.overdueSessions} sessions overdue since{' '}
            {formatDateTime(r.retention.exception.oldestAt)}.
          </p>
        ) : (
          <p className="muted">No retention exception.</p>
        )}
      </Section>

      <Section id="alerts" title="Masking failures and canary alerts">
        <p>
          {r.alerts.maskingFailures} masked values the browser missed; {redaction.length} canary or
          masking-failure alerts ({r.alerts.open} alerts open of {r.alerts.raised}).
        </p>
        {redaction.length > 0 && (
          <ul>
            {redaction.map((a) => (
              <li key={a.id}>
                {formatDateTime(a.firstSeenAt)}: {a.summary} ({a.status})
              </li>
            ))}
          </ul>
        )}
      </Section>

      <Section id="inventory" title="Pending inventory items">
        <p>
          {r.inventory.pending} items wait for review ({r.inventory.pages} pages, {r.inventory.fields} fields
          and elements; {r.inventory.sensitiveCaptured} sensitive and captured).{' '}
          <Link to={paths.inventory(siteKey)}>Data inventory</Link>
        </p>
      </Section>

      <Section id="subject-requests" title="Data-subject requests">
        <p>
          {r.subjectRequests.total} requests, {r.subjectRequests.completed} completed,{' '}
          {r.subjectRequests.late} late; median turnaround{' '}
          {r.subjectRequests.medianTurnaroundHours === null
            ? '–'
            : `${r.subjectRequests.medianTurnaroundHours.toFixed(1)} hours`}
          . <Link to={paths.privacyRequests()}>Request log</Link>
        </p>
      </Section>

      <Section id="audit-chain" title="Audit chain">
        <p data-testid="audit-chain-status">
          {r.auditChain.ok ? 'Intact' : `Broken: ${r.auditChain.problem ?? ''}`}: {r.auditChain.entries}{' '}
          entries, {r.auditChain.checkpoints} signed checkpoints. Signing key fingerprint{' '}
          <code className="mono">{r.auditChain.signingKeyFingerprint}</code>.{' '}
          <Link to={paths.audit()}>Audit log</Link>
        </p>
      </Section>

      <Section id="checklists" title="Checklists">
        <Checklist
          title="Session-recording compliance checklist"
          items={r.checklists.sessionRecording}
          siteKey={siteKey}
        />
        <Checklist title="Privacy-audit checklist" items={r.checklists.privacyAudit} siteKey={siteKey} />
      </Section>

      <Section id="processors" title="Processors and DPAs">
        <ProcessorRegister siteKey={siteKey} compliance={compliance} onChanged={onChanged} />
      </Section>
    </>
  );
}

/** The page a compliance lead reviews monthly: each figure links to its evidence; the pack downloads from here. */
export function CompliancePage({ siteKey }: { siteKey: string }) {
  const { api } = useAuth();
  const compliance = useMemo(() => complianceApi(api), [api]);
  const [periodIndex, setPeriodIndex] = useState(0);
  const [now] = useState(() => Date.now());
  const period = { from: now - (PERIODS[periodIndex]?.days ?? 30) * MS_PER_DAY, to: now };
  const [report, reload] = useResource(`compliance/${siteKey}/${period.from}`, (signal) =>
    compliance.report(siteKey, period, signal),
  );
  const [trend] = useResource(`compliance-trend/${siteKey}`, (signal) =>
    compliance.readinessTrend(siteKey, signal),
  );
  const [downloading, setDownloading] = useState<ReportFormat | null>(null);
  const [downloadError, setDownloadError] = useState<string | null>(null);

  async function download(format: ReportFormat) {
    setDownloading(format);
    setDownloadError(null);
    try {
      const { blob, filename } = await compliance.downloadPack(siteKey, format, period);
      const url = URL.createObjectURL(blob);
      const link = document.createElement('a');
      link.href = url;
      link.download = filename ?? `veil-compliance.${format}`;
      link.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (err) {
      setDownloadError(describeError(err));
    } finally {
      setDownloading(null);
    }
  }

  return (
    <>
      <PageHeading
        title="Compliance"
        eyebrow={<Link to={paths.sites()}>Sites</Link>}
        description="Evidence from Veil's own data: raw-replay access, retention, masking, consent, requests, the audit chain and the readiness score. Each figure links to what it counts."
      />
      <section className="card compliance-card" id="pack" aria-labelledby="pack-title">
        <h2 id="pack-title" className="card__title">
          Compliance pack
        </h2>
        <div className="toolbar">
          <div className="field field--inline">
            <label htmlFor="compliance-period">Period</label>
            <select
              id="compliance-period"
              value={periodIndex}
              onChange={(e) => setPeriodIndex(Number(e.target.value))}
            >
              {PERIODS.map((p, i) => (
                <option key={p.label} value={i}>
                  {p.label}
                </option>
              ))}
            </select>
          </div>
          {(['pdf', 'html', 'json'] as const).map((format) => (
            <button
              key={format}
              type="button"
              className={`button button--small${format === 'pdf' ? '' : ' button--ghost'}`}
              data-testid={`download-${format}`}
              disabled={downloading !== null}
              onClick={() => void download(format)}
            >
              {downloading === format ? 'Preparing…' : `Download ${format.toUpperCase()}`}
            </button>
          ))}
        </div>
        <p className="muted small">Each download is recorded in the audit log.</p>
        {downloadError && (
          <p role="alert" className="notice notice--error">
            {downloadError}
          </p>
        )}
      </section>
      {report.status === 'loading' && <Loading label="Building the compliance view…" />}
      {report.status === 'error' && (
        <ErrorNotice error={report.error} title="Could not build the compliance view" onRetry={reload} />
      )}
      {report.status === 'ready' && (
        <Report
          report={report.data}
          siteKey={siteKey}
          compliance={compliance}
          onChanged={reload}
          trendNow={
            trend.status === 'ready' ? (
              <ReadinessTrendChart trend={trend.data} now={report.data.readiness.score} />
            ) : trend.status === 'error' ? (
              <ErrorNotice error={trend.error} title="Could not load the readiness trend" />
            ) : null
          }
        />
      )}
    </>
  );
}
