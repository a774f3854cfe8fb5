import { type ErasureReceipt, MS_PER_DAY } from '@veil/core';
import { type FormEvent, useId, useMemo, useState } from 'react';
import { describeError } from '../api/ApiError';
import { useAuth } from '../auth/AuthContext';
import { ErrorNotice, Loading } from '../components/ErrorNotice';
import { PageHeading } from '../components/PageHeading';
import { formatDateTime, toLocalDay } from '../format/dateTime';
import { useResource } from '../hooks/useResource';
import { sitesApi } from '../sites/sitesApi';
import { complianceApi, type RequestWithStatus } from './complianceApi';
import {
  describeSelector,
  receivedAtFromDay,
  SUBJECT_KIND_LABELS,
  type SubjectKind,
  selectorFromForm,
} from './subjectForm';

const STATUS_LABELS: Readonly<Record<RequestWithStatus['status'], string>> = {
  completed: 'Completed in time',
  completed_late: 'Completed late',
  open: 'Open',
  overdue: 'Overdue',
};

/**
 * Data-subject requests: the log (received, completed, by whom, within the statutory deadline),
 * and the form that erases a subject (Art. 17, CCPA delete) or exports everything held about them
 * (Art. 15/20), completing a logged request or logging a new one.
 */
export function PrivacyRequestsPage() {
  const { api } = useAuth();
  const compliance = useMemo(() => complianceApi(api), [api]);
  const [sites, reloadSites] = useResource('sites', (signal) => sitesApi(api).list(signal));
  const [filter, setFilter] = useState<string>('');
  const [log, reloadLog] = useResource(`requests/${filter}`, (signal) =>
    compliance.requests(filter || null, signal),
  );
  const [now] = useState(() => Date.now());

  return (
    <>
      <PageHeading
        title="Privacy requests"
        description="Erasure and access requests of data subjects, with their statutory deadline (GDPR: one month, CCPA: 45 days). Every erasure keeps a receipt; every export is logged."
      />
      {sites.status === 'error' && (
        <ErrorNotice error={sites.error} title="Could not load the sites" onRetry={reloadSites} />
      )}
      {sites.status === 'ready' && sites.data.length > 0 && (
        <SubjectRequestForm
          sites={sites.data.map((s) => ({ siteKey: s.siteKey, name: s.name }))}
          compliance={compliance}
          onDone={reloadLog}
        />
      )}
      <section className="card compliance-card" aria-labelledby="log-title">
        <div className="card__head">
          <h2 id="log-title" className="card__title">
            Request log
          </h2>
          {sites.status === 'ready' && (
            <div className="field field--inline">
              <label htmlFor="log-site">Site</label>
              <select id="log-site" value={filter} onChange={(e) => setFilter(e.target.value)}>
                <option value="">All sites</option>
                {sites.data.map((s) => (
                  <option key={s.siteKey} value={s.siteKey}>
                    {s.name}
                  </option>
                ))}
              </select>
            </div>
          )}
        </div>
        {log.status === 'loading' && <Loading label="Loading the request log…" />}
        {log.status === 'error' && (
          <ErrorNotice error={log.error} title="Could not load the request log" onRetry={reloadLog} />
        )}
        {log.status === 'ready' && log.data.length === 0 && <p className="muted">No request yet.</p>}
        {log.status === 'ready' && log.data.length > 0 && (
          <div className="table-wrap">
            <table className="table table--compact" data-testid="request-log">
              <caption className="visually-hidden">Data-subject requests, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">Received</th>
                  <th scope="col">Kind</th>
                  <th scope="col">Subject</th>
                  <th scope="col">Site</th>
                  <th scope="col">Handled by</th>
                  <th scope="col">Deadline</th>
                  <th scope="col">Completed</th>
                  <th scope="col">Status</th>
                  <th scope="col">Reference</th>
                </tr>
              </thead>
              <tbody>
                {log.data.map((r) => (
                  <tr key={r.id} data-testid="request-row" data-status={r.status}>
                    <td>{formatDateTime(r.receivedAt)}</td>
                    <td>{r.kind === 'erasure' ? 'Erasure' : 'Access'}</td>
                    <td>{describeSelector(r.selector)}</td>
                    <td>
                      <code className="mono">{r.siteKey}</code>
                    </td>
                    <td>{r.handledBy}</td>
                    <td>{formatDateTime(r.dueAt)}</td>
                    <td>{r.completedAt === null ? '–' : formatDateTime(r.completedAt)}</td>
                    <td>
                      <span
                        className={`badge badge--${r.status === 'overdue' || r.status === 'completed_late' ? 'warning' : 'neutral'}`}
                        title={
                          r.status === 'open'
                            ? `${Math.ceil((r.dueAt - now) / MS_PER_DAY)} days left`
                            : undefined
                        }
                      >
                        {STATUS_LABELS[r.status]}
                      </span>
                    </td>
                    <td>{r.reference ?? '–'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </>
  );
}

type Outcome =
  | { kind: 'erased'; receipt: ErasureReceipt }
  | { kind: 'exported'; bytes: number }
  | { kind: 'logged'; id: string }
  | { kind: 'error'; message: string };

function SubjectRequestForm({
  sites,
  compliance,
  onDone,
}: {
  sites: Array<{ siteKey: string; name: string }>;
  compliance: ReturnType<typeof complianceApi>;
  onDone: () => void;
}) {
  const id = useId();
  const [siteKey, setSiteKey] = useState(sites[0]?.siteKey ?? '');
  const [subjectKind, setSubjectKind] = useState<SubjectKind>('userId');
  const [value, setValue] = useState('');
  const [received, setReceived] = useState(() => toLocalDay(Date.now()));
  const [reference, setReference] = useState('');
  const [confirmed, setConfirmed] = useState(false);
  const [busy, setBusy] = useState(false);
  const [fieldError, setFieldError] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);

  const run = async (action: 'erase' | 'export' | 'log', event?: FormEvent) => {
    event?.preventDefault();
    const selector = selectorFromForm(subjectKind, value);
    if ('error' in selector) {
      setFieldError(selector.error);
      return;
    }
    setFieldError(null);
    if (action === 'erase' && !confirmed) {
      setOutcome({ kind: 'error', message: 'Tick the confirmation first: an erasure cannot be undone.' });
      return;
    }
    const body = {
      selector,
      receivedAt: receivedAtFromDay(received),
      reference: reference.trim() || undefined,
    };
    setBusy(true);
    setOutcome(null);
    try {
      if (action === 'erase') {
        setOutcome({ kind: 'erased', receipt: await compliance.erase(siteKey, body) });
        setConfirmed(false);
      } else if (action === 'export') {
        const json = await compliance.exportSubject(siteKey, body);
        const url = URL.createObjectURL(new Blob([json], { type: 'application/json' }));
        const a = document.createElement('a');
        a.href = url;
        a.download = `veil-subject-${siteKey}.json`;
        a.click();
        URL.revokeObjectURL(url);
        setOutcome({ kind: 'exported', bytes: json.length });
      } else {
        const logged = await compliance.logRequest(siteKey, { kind: 'erasure', ...body });
        setOutcome({ kind: 'logged', id: logged.id });
      }
      onDone();
    } catch (error) {
      setOutcome({ kind: 'error', message: describeError(error) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card compliance-card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`} className="card__title">
        Handle a request
      </h2>
      <form className="form form--grid" onSubmit={(e) => run('erase', e)} data-testid="subject-form">
        <div className="field">
          <label htmlFor={`${id}-site`}>Site</label>
          <select id={`${id}-site`} value={siteKey} onChange={(e) => setSiteKey(e.target.value)}>
            {sites.map((s) => (
              <option key={s.siteKey} value={s.siteKey}>
                {s.name}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-kind`}>Subject</label>
          <select
            id={`${id}-kind`}
            value={subjectKind}
            onChange={(e) => setSubjectKind(e.target.value as SubjectKind)}
          >
            {(Object.keys(SUBJECT_KIND_LABELS) as SubjectKind[]).map((k) => (
              <option key={k} value={k}>
                {SUBJECT_KIND_LABELS[k]}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-value`}>Value</label>
          <input
            id={`${id}-value`}
            value={value}
            onChange={(e) => setValue(e.target.value)}
            autoComplete="off"
            spellCheck={false}
            aria-invalid={fieldError !== null}
            aria-describedby={fieldError ? `${id}-value-error` : undefined}
            data-testid="subject-value"
          />
          {fieldError && (
            <p className="field__error" id={`${id}-value-error`}>
              {fieldError}
            </p>
          )}
        </div>
        <div className="field">
          <label htmlFor={`${id}-received`}>Received on</label>
          <input
            id={`${id}-received`}
            type="date"
            value={received}
            onChange={(e) => setReceived(e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-reference`}>Your reference</label>
          <input
            id={`${id}-reference`}
            value={reference}
            onChange={(e) => setReference(e.target.value)}
            maxLength={200}
          />
        </div>
        <div className="field field--wide">
          <label className="checkbox">
            <input
              type="checkbox"
              checked={confirmed}
              onChange={(e) => setConfirmed(e.target.checked)}
              data-testid="erase-confirm"
            />
            I understand that an erasure deletes the recordings and destroys their keys; it cannot be undone.
          </label>
        </div>
        <div className="form__actions field--wide">
          <button type="submit" className="button button--primary" disabled={busy} data-testid="erase-button">
            Erase now
          </button>
          <button
            type="button"
            className="button"
            disabled={busy}
            onClick={() => run('export')}
            data-testid="export-button"
          >
            Export (access request)
          </button>
          <button type="button" className="button button--ghost" disabled={busy} onClick={() => run('log')}>
            Log as received only
          </button>
        </div>
      </form>
      <div aria-live="polite">
        {outcome?.kind === 'erased' && (
          <div className="notice notice--success" data-testid="erasure-receipt">
            <p className="notice__title">Erasure receipt {outcome.receipt.id}</p>
            <p className="notice__body">
              Deleted {outcome.receipt.sessions} sessions, {outcome.receipt.chunks} chunks and{' '}
              {outcome.receipt.consentReceipts} consent receipts; destroyed{' '}
              {outcome.receipt.dataKeysDestroyed} data keys at {formatDateTime(outcome.receipt.completedAt)}.
              {outcome.receipt.sessions === 0 && ' Nothing was held about this subject.'}
            </p>
          </div>
        )}
        {outcome?.kind === 'exported' && (
          <p className="notice notice--success">
            The bundle ({Math.ceil(outcome.bytes / 1024)} KB) was downloaded and the request logged.
          </p>
        )}
        {outcome?.kind === 'logged' && <p className="notice notice--success">Logged as {outcome.id}.</p>}
        {outcome?.kind === 'error' && (
          <p className="notice notice--error" role="alert">
            {outcome.message}
          </p>
        )}
      </div>
    </section>
  );
}
