import { PRIVACY_PRESETS, type PresetName } from '@veil/core';
import { useMemo, useRef, useState } from 'react';
import { useAuth } from '../auth/AuthContext';
import { ErrorNotice, Loading } from '../components/ErrorNotice';
import { PageHeading } from '../components/PageHeading';
import { formatDateTime } from '../format/dateTime';
import { useFocusAfterRender } from '../hooks/useFocusAfterRender';
import { toApiError, useResource } from '../hooks/useResource';
import { Link } from '../router/history';
import { paths } from '../router/routes';
import { AlertThresholdsForm } from './AlertThresholdsForm';
import { NoticePanel } from './NoticePanel';
import { MaskingFailuresCard, PrivacyAlertsCard, PrivacyDropsCard } from './PrivacyFindings';
import { type PolicyPreview, privacyApi } from './privacyApi';

const DROP_NOTE =
  'Nothing is saved until you publish; every version keeps its author, time, reason and diff.';

/**
 * A site's privacy policy: the current version and its difference to its preset, an editor that
 * validates and shows the diff before anything is saved, a required reason, the history, and
 * what the server had to mask (masking failures per page and element), canary alerts and drops.
 */
export function PolicyPage({ siteKey }: { siteKey: string }) {
  const { api } = useAuth();
  const privacy = useMemo(() => privacyApi(api), [api]);
  const [current, reloadCurrent] = useResource(`policy/${siteKey}`, (signal) =>
    privacy.current(siteKey, signal),
  );
  const [history, reloadHistory] = useResource(`policy-history/${siteKey}`, (signal) =>
    privacy.versions(siteKey, signal),
  );
  const [draft, setDraft] = useState<string | null>(null);
  const [preview, setPreview] = useState<PolicyPreview | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [published, setPublished] = useState<number | null>(null);
  const reasonInput = useRef<HTMLInputElement>(null);
  const focusAfterRender = useFocusAfterRender();

  const text = draft ?? (current.status === 'ready' ? JSON.stringify(current.data.policy, null, 2) : '');
  const edit = (value: string) => {
    setDraft(value);
    setPreview(null);
    setProblem(null);
    setPublished(null);
  };

  async function review(source: string = text): Promise<boolean> {
    setBusy(true);
    setProblem(null);
    try {
      let proposed: unknown;
      try {
        proposed = JSON.parse(source);
      } catch (error) {
        throw new Error(`The policy is not valid JSON: ${(error as Error).message}`);
      }
      setPreview(await privacy.preview(siteKey, proposed));
      return true;
    } catch (error) {
      setPreview(null);
      setProblem(
        error instanceof Error && !(error as { code?: string }).code
          ? error.message
          : toApiError(error).message,
      );
      return false;
    } finally {
      setBusy(false);
    }
  }

  async function publish() {
    if (!preview) return;
    setBusy(true);
    try {
      const result = await privacy.publish(siteKey, preview.policy, reason.trim(), preview.baseVersion);
      setPublished(result.version.version);
      setDraft(null);
      setPreview(null);
      setReason('');
      reloadCurrent();
      reloadHistory();
    } catch (error) {
      setProblem(toApiError(error).message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <PageHeading
        title="Privacy policy"
        eyebrow={<Link to={paths.sites()}>Sites</Link>}
        description="What may be captured on this site: one versioned policy, applied in the browser and enforced again on the server."
        actions={
          <Link
            to={paths.privacyPreview(siteKey)}
            className="button button--small"
            data-testid="privacy-preview-link"
          >
            Privacy preview
          </Link>
        }
      />
      {current.status === 'loading' && <Loading label="Loading the policy…" />}
      {current.status === 'error' && (
        <ErrorNotice error={current.error} title="Could not load the policy" onRetry={reloadCurrent} />
      )}
      {current.status === 'ready' && (
        <section
          className="card compliance-card"
          aria-labelledby="policy-current"
          data-testid="policy-current"
        >
          <h2 id="policy-current" className="card__title">
            Version {current.data.version.version}
          </h2>
          <p className="muted small">
            Published {formatDateTime(current.data.version.createdAt)} by {current.data.version.author.label}:{' '}
            {current.data.version.reason}
          </p>
          <h3 className="small">Difference to the {current.data.preset.preset} preset</h3>
          {current.data.preset.changes.length === 0 ? (
            <p className="muted">The policy is the preset as it stands.</p>
          ) : (
            <pre className="code-block" data-testid="policy-preset-diff">
              <code>{current.data.preset.text}</code>
            </pre>
          )}
        </section>
      )}
      {current.status === 'ready' && (
        <section className="card compliance-card" aria-labelledby="policy-edit">
          <h2 id="policy-edit" className="card__title">
            Change the policy
          </h2>
          <p className="muted small">{DROP_NOTE}</p>
          <div className="toolbar">
            <label htmlFor="policy-preset">Start from a preset</label>
            <select
              id="policy-preset"
              value=""
              onChange={(e) => {
                const name = e.target.value as PresetName;
                if (name) edit(JSON.stringify({ ...PRIVACY_PRESETS[name] }, null, 2));
              }}
            >
              <option value="">Choose…</option>
              {Object.keys(PRIVACY_PRESETS).map((name) => (
                <option key={name} value={name}>
                  {name}
                </option>
              ))}
            </select>
          </div>
          <label htmlFor="policy-editor" className="visually-hidden">
            Policy (JSON)
          </label>
          <textarea
            id="policy-editor"
            data-testid="policy-editor"
            className="code-editor"
            spellCheck={false}
            rows={24}
            value={text}
            onChange={(e) => edit(e.target.value)}
          />
          <div className="toolbar">
            <button
              type="button"
              className="button"
              onClick={() => review()}
              disabled={busy}
              data-testid="policy-review"
            >
              Review changes
            </button>
          </div>
          <AlertThresholdsForm
            text={text}
            disabled={busy}
            onApply={(thresholds) => {
              // The form only offers itself for a draft that parses to an object with `alerts`.
              const policy = JSON.parse(text) as { alerts: Record<string, unknown> };
              const next = JSON.stringify(
                { ...policy, alerts: { ...policy.alerts, ...thresholds } },
                null,
                2,
              );
              edit(next);
              // Reviewed: the keyboard goes on to the reason, the one step left before publishing.
              void review(next).then((ok) => {
                if (ok) focusAfterRender(() => reasonInput.current?.focus());
              });
            }}
          />
          {problem && (
            <p className="notice notice--error" role="alert" data-testid="policy-problem">
              {problem}
            </p>
          )}
          {published !== null && (
            <p className="notice" role="status" data-testid="policy-published">
              Published version {published}. New page loads use it at once; the server enforces it on every
              batch.
            </p>
          )}
          {preview && (
            <div data-testid="policy-preview">
              <h3 className="small">Changes against version {preview.baseVersion}</h3>
              {preview.changes.length === 0 ? (
                <p className="muted">Nothing changes.</p>
              ) : (
                <pre className="code-block" data-testid="policy-diff">
                  <code>{preview.diffText}</code>
                </pre>
              )}
              {preview.retention && preview.retention.sessionsProposed > preview.retention.sessionsNow && (
                <p className="notice notice--warning" role="status" data-testid="policy-retention-impact">
                  Retention {preview.retention.currentDays} → {preview.retention.proposedDays} days: saving
                  this purges {preview.retention.sessionsProposed - preview.retention.sessionsNow} more
                  sessions at the next retention run (within an hour), {preview.retention.sessionsProposed} in
                  all. Purged recordings cannot be restored.
                </p>
              )}
              <div className="field">
                <label htmlFor="policy-reason">
                  Reason (required, kept with the version and in the audit log)
                </label>
                <input
                  id="policy-reason"
                  ref={reasonInput}
                  data-testid="policy-reason"
                  value={reason}
                  maxLength={500}
                  onChange={(e) => setReason(e.target.value)}
                />
              </div>
              <button
                type="button"
                className="button button--primary"
                data-testid="policy-publish"
                disabled={busy || preview.changes.length === 0 || reason.trim().length < 3}
                onClick={publish}
              >
                Publish version {preview.baseVersion + 1}
              </button>
            </div>
          )}
        </section>
      )}
      <section className="card compliance-card" aria-labelledby="policy-history">
        <h2 id="policy-history" className="card__title">
          History
        </h2>
        {history.status === 'loading' && <Loading label="Loading versions…" />}
        {history.status === 'error' && (
          <ErrorNotice error={history.error} title="Could not load the history" onRetry={reloadHistory} />
        )}
        {history.status === 'ready' && (
          <ol className="version-list" data-testid="policy-history" reversed>
            {history.data.map((v) => (
              <li key={v.version}>
                <details>
                  <summary>
                    Version {v.version}, {formatDateTime(v.createdAt)}, {v.author.label}: {v.reason}
                  </summary>
                  <pre className="code-block">
                    <code>{v.changes.length === 0 ? 'the first version' : v.diffText}</code>
                  </pre>
                </details>
              </li>
            ))}
          </ol>
        )}
      </section>
      {current.status === 'ready' && (
        <NoticePanel siteKey={siteKey} policyVersion={current.data.version.version} privacy={privacy} />
      )}
      <MaskingFailuresCard siteKey={siteKey} privacy={privacy} />
      <PrivacyAlertsCard siteKey={siteKey} privacy={privacy} />
      <PrivacyDropsCard siteKey={siteKey} privacy={privacy} />
    </>
  );
}
