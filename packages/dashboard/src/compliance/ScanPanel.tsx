import { useEffect, useId, useMemo, useState } from 'react';
import { describeError } from '../api/ApiError';
import { useAuth } from '../auth/AuthContext';
import { ErrorNotice, Loading } from '../components/ErrorNotice';
import { useResource } from '../hooks/useResource';
import { ScanResultsList } from './ScanResultsList';
import { ScanScheduleForm } from './ScanScheduleForm';
import { scansApi } from './scansApi';

/** While a run is queued or running, the list is reloaded this often. */
const POLL_MS = 2_000;

/**
 * Pre-consent scans of a site in the compliance view: the schedule (opt-in), "Scan now", and the
 * runs with their findings. A recorder found before consent also raises a `pre_consent_tracker`
 * alert in the inbox.
 */
export function ScanPanel({ siteKey }: { siteKey: string }) {
  const id = useId();
  const { api } = useAuth();
  const scans = useMemo(() => scansApi(api), [api]);
  const [schedule, reloadSchedule] = useResource(`scan-schedule/${siteKey}`, (signal) =>
    scans.schedule(siteKey, signal),
  );
  const [runs, reloadRuns] = useResource(`scan-runs/${siteKey}`, (signal) => scans.runs(siteKey, signal));
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);

  const active =
    runs.status === 'ready' && runs.data.some((r) => r.status === 'queued' || r.status === 'running');
  // biome-ignore lint/correctness/useExhaustiveDependencies: each loaded list schedules the next poll
  useEffect(() => {
    if (!active) return;
    const timer = setTimeout(reloadRuns, POLL_MS);
    return () => clearTimeout(timer);
  }, [active, runs, reloadRuns]);

  const runNow = async () => {
    setBusy(true);
    setMessage(null);
    try {
      await scans.runNow(siteKey);
      setMessage({ ok: true, text: 'Scan started. Results appear below when it finishes.' });
      reloadRuns();
    } catch (error) {
      setMessage({ ok: false, text: describeError(error) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card compliance-card" aria-labelledby={`${id}-title`} data-testid="scan-panel">
      <h2 id={`${id}-title`} className="card__title">
        Pre-consent scans
      </h2>
      <p className="muted small">
        Veil visits the site's origins in a fresh headless Chromium before consent, after the reject button
        and after the accept button, and flags every recorder, analytics or advertising tag that fires without
        consent. Only a summary is kept (vendors, page addresses, request hosts, cookie names), never page
        content.
      </p>
      {schedule.status === 'loading' && <Loading label="Loading the scan schedule…" />}
      {schedule.status === 'error' && (
        <ErrorNotice
          error={schedule.error}
          title="Could not load the scan schedule"
          onRetry={reloadSchedule}
        />
      )}
      {schedule.status === 'ready' && (
        <ScanScheduleForm siteKey={siteKey} schedule={schedule.data} scans={scans} onSaved={reloadSchedule} />
      )}
      <div className="toolbar">
        <button type="button" className="button" disabled={busy || active} onClick={runNow}>
          {active ? 'Scanning…' : 'Scan now'}
        </button>
      </div>
      <div aria-live="polite">
        {message && (
          <p
            className={`notice notice--${message.ok ? 'success' : 'error'}`}
            role={message.ok ? undefined : 'alert'}
          >
            {message.text}
          </p>
        )}
      </div>
      <h3>Results</h3>
      {runs.status === 'loading' && <Loading label="Loading scan results…" />}
      {runs.status === 'error' && (
        <ErrorNotice error={runs.error} title="Could not load scan results" onRetry={reloadRuns} />
      )}
      {runs.status === 'ready' && <ScanResultsList runs={runs.data} />}
    </section>
  );
}
