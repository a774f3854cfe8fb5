import {
  ALERT_KIND_TITLES,
  ALERT_KINDS,
  type AlertKind,
  type AlertView,
  MAX_ALERT_NOTE_CHARS,
} from '@veil/core';
import { useId, useMemo, useState } from 'react';
import { useAuth } from '../auth/AuthContext';
import { type ActionOutcome, OutcomeRegion, useActionOutcome } from '../components/EditableList';
import { ErrorNotice, Loading } from '../components/ErrorNotice';
import { PageHeading } from '../components/PageHeading';
import { formatDateTime } from '../format/dateTime';
import { useResource } from '../hooks/useResource';
import { Link } from '../router/history';
import { paths } from '../router/routes';
import { type AlertInboxApi, alertInboxApi, type InboxStatus } from './alertInboxApi';

const STATUSES: readonly { value: InboxStatus; label: string }[] = [
  { value: 'unresolved', label: 'Unresolved (open and acknowledged)' },
  { value: 'open', label: 'Open' },
  { value: 'acknowledged', label: 'Acknowledged' },
  { value: 'resolved', label: 'Resolved' },
  { value: 'all', label: 'All' },
];

/**
 * The site's alert inbox (docs/alerts.md): every alert of every kind, whatever the routes say,
 * with where and what (never a recorded value); each can be acknowledged and resolved with a note,
 * both recorded in the audit log.
 */
export function AlertInboxPage({ siteKey }: { siteKey: string }) {
  const { api } = useAuth();
  const inbox = useMemo(() => alertInboxApi(api), [api]);
  const id = useId();
  const [status, setStatus] = useState<InboxStatus>('unresolved');
  const [kind, setKind] = useState<AlertKind | ''>('');
  const [alerts, reload] = useResource(`alert-inbox/${siteKey}/${status}/${kind}`, (signal) =>
    inbox.list(siteKey, { status, kind }, signal),
  );
  const outcome = useActionOutcome();

  return (
    <>
      <PageHeading
        title="Alert inbox"
        eyebrow={<Link to={paths.sites()}>Sites</Link>}
        description="Every alert of this site, whatever its routing: acknowledge it when someone is on it, resolve it when it is dealt with. Notes are kept with the alert and in the audit log."
        actions={
          <Link to={paths.alertSinks(siteKey)} className="button button--small">
            Alert sinks
          </Link>
        }
      />
      <OutcomeRegion outcome={outcome} testId="inbox-outcome" />
      <div className="toolbar">
        <label htmlFor={`${id}-status`}>Status</label>
        <select
          id={`${id}-status`}
          data-testid="inbox-status"
          value={status}
          onChange={(e) => setStatus(e.target.value as InboxStatus)}
        >
          {STATUSES.map((s) => (
            <option key={s.value} value={s.value}>
              {s.label}
            </option>
          ))}
        </select>
        <label htmlFor={`${id}-kind`}>Kind</label>
        <select
          id={`${id}-kind`}
          data-testid="inbox-kind"
          value={kind}
          onChange={(e) => setKind(e.target.value as AlertKind | '')}
        >
          <option value="">All kinds</option>
          {ALERT_KINDS.map((k) => (
            <option key={k} value={k}>
              {ALERT_KIND_TITLES[k]}
            </option>
          ))}
        </select>
      </div>
      {alerts.status === 'loading' && <Loading label="Loading alerts…" />}
      {alerts.status === 'error' && (
        <ErrorNotice
          error={alerts.error}
          title="Could not load the alerts"
          onRetry={reload}
          testId="inbox-error"
        />
      )}
      {alerts.status === 'ready' &&
        (alerts.data.length === 0 ? (
          <p className="muted" data-testid="inbox-empty">
            No alert here.
          </p>
        ) : (
          <ul className="alert-list" data-testid="inbox-list">
            {alerts.data.map((a) => (
              <InboxAlert key={a.id} alert={a} inbox={inbox} outcome={outcome} onChanged={reload} />
            ))}
          </ul>
        ))}
    </>
  );
}

function InboxAlert({
  alert: a,
  inbox,
  outcome,
  onChanged,
}: {
  alert: AlertView;
  inbox: AlertInboxApi;
  outcome: ActionOutcome;
  onChanged: () => void;
}) {
  const id = useId();
  const [note, setNote] = useState('');
  const busy = outcome.busy;
  const title = ALERT_KIND_TITLES[a.kind];
  const act = (action: 'acknowledge' | 'resolve') =>
    outcome.attempt(async () => {
      await inbox[action](a.id, note);
      setNote('');
      onChanged();
      return `${action === 'acknowledge' ? 'Acknowledged' : 'Resolved'}: ${title}, ${a.summary}.`;
    });
  const details = Object.entries(a.details);
  return (
    <li
      className={a.status === 'open' ? `alert alert--${a.severity}` : 'alert'}
      data-testid="inbox-alert"
      data-kind={a.kind}
      data-status={a.status}
      aria-labelledby={`${id}-title`}
    >
      <h2 id={`${id}-title`} className="card__title">
        {title} <span className="badge badge--neutral">{a.severity}</span>{' '}
        <span className="badge">{a.status}</span>
      </h2>
      <p>{a.summary}</p>
      {details.length > 0 && (
        <dl className="facts">
          {details.map(([k, v]) => (
            <div key={k}>
              <dt>{k}</dt>
              <dd>
                <code>{String(v)}</code>
              </dd>
            </div>
          ))}
        </dl>
      )}
      <p className="muted small">
        {a.occurrences === 1 ? 'Once' : `${a.occurrences} times`}, first {formatDateTime(a.firstSeenAt)}, last{' '}
        {formatDateTime(a.lastSeenAt)}.
        {a.acknowledgedAt !== null &&
          ` Acknowledged by ${a.acknowledgedBy ?? '?'} ${formatDateTime(a.acknowledgedAt)}.`}
        {a.resolvedAt !== null && ` Resolved by ${a.resolvedBy ?? '?'} ${formatDateTime(a.resolvedAt)}.`}
      </p>
      {a.note && (
        <p className="small" data-testid="inbox-note">
          Note: {a.note}
        </p>
      )}
      {a.status !== 'resolved' && (
        <div className="toolbar">
          <label htmlFor={`${id}-note`}>Note on this alert (optional)</label>
          <input
            id={`${id}-note`}
            data-testid="inbox-note-input"
            maxLength={MAX_ALERT_NOTE_CHARS}
            value={note}
            onChange={(e) => setNote(e.target.value)}
          />
          {a.status === 'open' && (
            <button
              type="button"
              className="button button--small"
              data-testid="inbox-acknowledge"
              disabled={busy}
              onClick={() => act('acknowledge')}
            >
              Acknowledge
            </button>
          )}
          <button
            type="button"
            className="button button--small button--primary"
            data-testid="inbox-resolve"
            disabled={busy}
            onClick={() => act('resolve')}
          >
            Resolve
          </button>
        </div>
      )}
    </li>
  );
}
