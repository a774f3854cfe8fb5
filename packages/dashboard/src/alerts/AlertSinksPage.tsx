import {
  ALERT_KIND_TITLES,
  ALERT_KINDS,
  type AlertKind,
  type AlertSinkBodyInput,
  type AlertSinkView,
  MIN_SIGNING_SECRET_CHARS,
} from '@veil/core';
import { type FormEvent, useId, useMemo, useRef, useState } from 'react';
import { useAuth } from '../auth/AuthContext';
import { EditableList, type ListColumn, OutcomeRegion, useActionOutcome } from '../components/EditableList';
import { ErrorNotice, Loading } from '../components/ErrorNotice';
import { PageHeading } from '../components/PageHeading';
import { useFocusAfterRender } from '../hooks/useFocusAfterRender';
import { useResource } from '../hooks/useResource';
import { privacyApi } from '../privacy/privacyApi';
import { Link } from '../router/history';
import { paths } from '../router/routes';
import { AlertDeliveryLog } from './AlertDeliveryLog';
import { routesOf, routingOf } from './alertRouting';
import { alertSinksApi } from './alertSinksApi';

interface Draft {
  type: 'webhook' | 'email';
  name: string;
  enabled: boolean;
  url: string;
  signingSecret: string;
  host: string;
  port: string;
  secure: boolean;
  from: string;
  to: string;
  username: string;
  password: string;
}

const EMPTY: Draft = {
  type: 'webhook',
  name: '',
  enabled: true,
  url: '',
  signingSecret: '',
  host: '',
  port: '587',
  secure: false,
  from: '',
  to: '',
  username: '',
  password: '',
};

/** The form of a stored sink: secrets are never known here, so they start empty ("keep"). */
function draftOf(s: AlertSinkView): Draft {
  return {
    ...EMPTY,
    type: s.type,
    name: s.name,
    enabled: s.enabled,
    host: s.host ?? '',
    port: String(s.port ?? 587),
    secure: s.secure ?? false,
    from: s.from ?? '',
    to: s.to.join(', '),
    username: s.username ?? '',
  };
}

/** The request body: empty secret fields are left out, so a replacement keeps the stored ones. */
function bodyOf(d: Draft): AlertSinkBodyInput {
  const secret = (v: string) => (v === '' ? undefined : v);
  if (d.type === 'webhook')
    return {
      type: 'webhook',
      name: d.name.trim(),
      enabled: d.enabled,
      url: secret(d.url.trim()),
      signingSecret: secret(d.signingSecret),
    };
  return {
    type: 'email',
    name: d.name.trim(),
    enabled: d.enabled,
    host: d.host.trim(),
    port: Number(d.port),
    secure: d.secure,
    from: d.from.trim(),
    to: d.to
      .split(/[,\s]+/)
      .map((t) => t.trim())
      .filter(Boolean),
    username: d.username.trim() === '' ? null : d.username.trim(),
    password: secret(d.password),
  };
}

const where = (s: AlertSinkView): string =>
  s.type === 'webhook' ? (s.urlHost ?? '—') : `${s.host}:${s.port} → ${s.to.join(', ')}`;

const COLUMNS: readonly ListColumn<AlertSinkView>[] = [
  { header: 'Name', cell: (s) => s.name },
  { header: 'Type', cell: (s) => (s.type === 'webhook' ? 'webhook' : 'e-mail') },
  { header: 'Where', cell: where },
  { header: 'Enabled', cell: (s) => (s.enabled ? 'yes' : 'no') },
  { header: 'Secret', cell: (s) => (s.hasSecret ? 'stored, encrypted' : 'none') },
];

/**
 * A site's alert sinks (docs/alerts.md): webhooks and e-mail, which kinds go to each (the policy's
 * `alerts.routes`, published as a new policy version with its reason), and the delivery log.
 * Secrets are write-only: the API never returns them, the form leaves them empty and an empty
 * field keeps the stored one.
 */
export function AlertSinksPage({ siteKey }: { siteKey: string }) {
  const { api } = useAuth();
  const sinksApi = useMemo(() => alertSinksApi(api), [api]);
  const policyApi = useMemo(() => privacyApi(api), [api]);
  const id = useId();
  const [sinks, reloadSinks] = useResource(`alert-sinks/${siteKey}`, (signal) =>
    sinksApi.list(siteKey, signal),
  );
  const [policy, reloadPolicy] = useResource(`alert-policy/${siteKey}`, (signal) =>
    policyApi.current(siteKey, signal),
  );
  const [deliveries, reloadDeliveries] = useResource(`alert-deliveries/${siteKey}`, (signal) =>
    sinksApi.deliveries(siteKey, signal),
  );
  const [editing, setEditing] = useState<string | null>(null);
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const outcome = useActionOutcome();
  const [matrix, setMatrix] = useState<Map<string, Set<AlertKind>> | null>(null);
  const [reason, setReason] = useState('');
  const nameInput = useRef<HTMLInputElement>(null);
  const focusAfterRender = useFocusAfterRender();

  const sinkList = sinks.status === 'ready' ? sinks.data : [];
  const names = sinkList.map((s) => s.name);
  const stored = policy.status === 'ready' ? routingOf(policy.data.policy.alerts.routes, names) : null;
  const routing = matrix ?? stored;

  const saveSink = async () => {
    const body = bodyOf(draft);
    await sinksApi.save(siteKey, editing, body);
    setEditing(null);
    setDraft(EMPTY);
    reloadSinks();
    return editing === null ? `Added the sink ${body.name}.` : `Saved the sink ${body.name}.`;
  };
  const edit = (s: AlertSinkView) => {
    setEditing(s.id);
    setDraft(draftOf(s));
    focusAfterRender(() => nameInput.current?.focus());
  };
  const remove = async (s: AlertSinkView) => {
    await sinksApi.remove(siteKey, s.id);
    reloadSinks();
    return `Removed the sink ${s.name}.`;
  };
  const toggle = (sink: string, kind: AlertKind) => {
    if (!routing) return;
    const next = new Map([...routing].map(([k, v]) => [k, new Set(v)]));
    const kinds = next.get(sink) ?? new Set<AlertKind>();
    if (kinds.has(kind)) kinds.delete(kind);
    else kinds.add(kind);
    next.set(sink, kinds);
    setMatrix(next);
  };
  const saveRouting = (event: FormEvent) => {
    event.preventDefault();
    if (policy.status !== 'ready' || !routing) return;
    const current = policy.data;
    void outcome.attempt(async () => {
      const routes = routesOf(routing, current.policy.alerts.routes);
      const published = await policyApi.publish(
        siteKey,
        { ...current.policy, alerts: { ...current.policy.alerts, routes } },
        reason.trim(),
        current.version.version,
      );
      setMatrix(null);
      setReason('');
      reloadPolicy();
      return `Published policy version ${published.version.version}: alert routing saved.`;
    });
  };
  const set =
    (field: keyof Draft) =>
    (e: { target: { value: string } }): void =>
      setDraft({ ...draft, [field]: e.target.value });
  const check =
    (field: 'enabled' | 'secure') =>
    (e: { target: { checked: boolean } }): void =>
      setDraft({ ...draft, [field]: e.target.checked });
  const editingSink = sinkList.find((s) => s.id === editing);
  const keep = editingSink ? 'stored; leave empty to keep' : '';

  return (
    <>
      <PageHeading
        title="Alert sinks"
        eyebrow={<Link to={paths.sites()}>Sites</Link>}
        description="Where this site's alerts go besides the dashboard inbox: webhooks (Slack-compatible, signed) and e-mail. Secrets are stored encrypted and never shown again."
        actions={
          <>
            <Link to={paths.alertInbox(siteKey)} className="button button--small">
              Alert inbox
            </Link>
            <Link to={paths.privacy(siteKey)} className="button button--small">
              Privacy policy
            </Link>
          </>
        }
      />
      <OutcomeRegion outcome={outcome} testId="sink-outcome" />

      <section className="card" aria-labelledby={`${id}-sinks`}>
        <h2 id={`${id}-sinks`} className="card__title">
          Sinks
        </h2>
        {sinks.status === 'loading' && <Loading label="Loading sinks…" />}
        {sinks.status === 'error' && (
          <ErrorNotice error={sinks.error} title="Could not load the sinks" onRetry={reloadSinks} />
        )}
        {/* The form is there while the sinks load too (adding needs none of them). */}
        <EditableList
          testId="sink"
          items={sinkList}
          keyOf={(s) => s.id}
          nameOf={(s) => s.name}
          rowData={(s) => ({ 'data-name': s.name })}
          columns={COLUMNS}
          caption="Alert sinks"
          captionHidden
          empty={
            sinks.status === 'ready' && (
              <p className="muted">No sink yet: alerts reach the dashboard inbox only.</p>
            )
          }
          outcome={outcome}
          onEdit={edit}
          onRemove={remove}
          form={{
            legend: editingSink ? `Edit ${editingSink.name}` : 'Add a sink',
            submitLabel: editingSink ? 'Save sink' : 'Add sink',
            onSubmit: saveSink,
            ...(editingSink
              ? {
                  onCancel: () => {
                    setEditing(null);
                    setDraft(EMPTY);
                  },
                }
              : {}),
            children: (
              <>
                <div className="field">
                  <label htmlFor={`${id}-type`}>Type</label>
                  <select
                    id={`${id}-type`}
                    data-testid="sink-type"
                    value={draft.type}
                    onChange={(e) =>
                      setDraft({ ...draft, type: e.target.value === 'email' ? 'email' : 'webhook' })
                    }
                  >
                    <option value="webhook">webhook</option>
                    <option value="email">e-mail</option>
                  </select>
                </div>
                <div className="field">
                  <label htmlFor={`${id}-name`}>Name (what routes refer to)</label>
                  <input
                    id={`${id}-name`}
                    ref={nameInput}
                    data-testid="sink-name"
                    required
                    pattern="[a-z0-9][a-z0-9_\-]*"
                    maxLength={64}
                    value={draft.name}
                    onChange={set('name')}
                  />
                </div>
                <div className="field field--inline">
                  <input
                    id={`${id}-enabled`}
                    type="checkbox"
                    checked={draft.enabled}
                    onChange={check('enabled')}
                  />
                  <label htmlFor={`${id}-enabled`}>Enabled</label>
                </div>
                {draft.type === 'webhook' ? (
                  <>
                    <div className="field field--wide">
                      <label htmlFor={`${id}-url`}>URL (write-only)</label>
                      <input
                        id={`${id}-url`}
                        data-testid="sink-url"
                        type="url"
                        required={!editingSink}
                        placeholder={keep || 'https://hooks.slack.com/services/…'}
                        autoComplete="off"
                        value={draft.url}
                        onChange={set('url')}
                      />
                    </div>
                    <div className="field field--wide">
                      <label htmlFor={`${id}-secret`}>
                        Signing secret (write-only, at least {MIN_SIGNING_SECRET_CHARS} characters)
                      </label>
                      <input
                        id={`${id}-secret`}
                        data-testid="sink-signing-secret"
                        type="password"
                        required={!editingSink}
                        minLength={MIN_SIGNING_SECRET_CHARS}
                        placeholder={keep}
                        autoComplete="new-password"
                        value={draft.signingSecret}
                        onChange={set('signingSecret')}
                      />
                    </div>
                  </>
                ) : (
                  <>
                    <div className="field">
                      <label htmlFor={`${id}-host`}>SMTP host</label>
                      <input id={`${id}-host`} required value={draft.host} onChange={set('host')} />
                    </div>
                    <div className="field">
                      <label htmlFor={`${id}-port`}>Port</label>
                      <input
                        id={`${id}-port`}
                        type="number"
                        min={1}
                        max={65535}
                        required
                        value={draft.port}
                        onChange={set('port')}
                      />
                    </div>
                    <div className="field field--inline">
                      <input
                        id={`${id}-secure`}
                        type="checkbox"
                        checked={draft.secure}
                        onChange={check('secure')}
                      />
                      <label htmlFor={`${id}-secure`}>Implicit TLS (port 465)</label>
                    </div>
                    <div className="field">
                      <label htmlFor={`${id}-from`}>From</label>
                      <input
                        id={`${id}-from`}
                        type="email"
                        required
                        value={draft.from}
                        onChange={set('from')}
                      />
                    </div>
                    <div className="field field--wide">
                      <label htmlFor={`${id}-to`}>To (comma-separated, up to 20)</label>
                      <input id={`${id}-to`} required value={draft.to} onChange={set('to')} />
                    </div>
                    <div className="field">
                      <label htmlFor={`${id}-user`}>Username (optional)</label>
                      <input
                        id={`${id}-user`}
                        autoComplete="off"
                        value={draft.username}
                        onChange={set('username')}
                      />
                    </div>
                    <div className="field">
                      <label htmlFor={`${id}-password`}>Password (write-only)</label>
                      <input
                        id={`${id}-password`}
                        type="password"
                        autoComplete="new-password"
                        placeholder={keep}
                        value={draft.password}
                        onChange={set('password')}
                      />
                    </div>
                  </>
                )}
              </>
            ),
          }}
        />
      </section>

      <section className="card" aria-labelledby={`${id}-routing`}>
        <h2 id={`${id}-routing`} className="card__title">
          Which kinds go where
        </h2>
        <p className="muted small">
          Every alert reaches the dashboard inbox. Saving publishes a new version of the site's privacy policy
          (<code>alerts.routes</code>) with your reason.
        </p>
        {policy.status === 'error' && (
          <ErrorNotice error={policy.error} title="Could not load the policy" onRetry={reloadPolicy} />
        )}
        {routing && sinkList.length > 0 && (
          <form onSubmit={saveRouting} data-testid="routing-form">
            <div className="table-wrap">
              <table className="table table--compact">
                <caption className="visually-hidden">Alert kinds by sink</caption>
                <thead>
                  <tr>
                    <th scope="col">Kind</th>
                    {sinkList.map((s) => (
                      <th scope="col" key={s.id}>
                        {s.name}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {ALERT_KINDS.map((kind) => (
                    <tr key={kind}>
                      <th scope="row">{ALERT_KIND_TITLES[kind]}</th>
                      {sinkList.map((s) => (
                        <td key={s.id}>
                          <input
                            type="checkbox"
                            data-testid={`route-${s.name}-${kind}`}
                            aria-label={`${ALERT_KIND_TITLES[kind]} to ${s.name}`}
                            checked={routing.get(s.name)?.has(kind) ?? false}
                            onChange={() => toggle(s.name, kind)}
                          />
                        </td>
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <div className="field">
              <label htmlFor={`${id}-reason`}>Reason for the policy change</label>
              <input
                id={`${id}-reason`}
                data-testid="routing-reason"
                required
                minLength={3}
                value={reason}
                onChange={(e) => setReason(e.target.value)}
              />
            </div>
            <div className="form__actions">
              <button
                type="submit"
                className="button button--primary"
                data-testid="routing-save"
                disabled={outcome.busy}
              >
                Save routing
              </button>
            </div>
          </form>
        )}
      </section>

      <AlertDeliveryLog deliveries={deliveries} reload={reloadDeliveries} />
    </>
  );
}
