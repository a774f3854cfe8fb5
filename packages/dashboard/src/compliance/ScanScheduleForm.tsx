import { MAX_SCAN_PATHS, MAX_SCHEDULED_CRAWL, type ScanSchedule, type ScanScheduleInput } from '@veil/core';
import { type FormEvent, useEffect, useId, useState } from 'react';
import { describeError } from '../api/ApiError';
import { formatDateTime } from '../format/dateTime';
import type { ScansApi } from './scansApi';

const INTERVALS: ReadonlyArray<{ hours: number; label: string }> = [
  { hours: 6, label: 'Every 6 hours' },
  { hours: 12, label: 'Every 12 hours' },
  { hours: 24, label: 'Daily' },
  { hours: 168, label: 'Weekly' },
];

function draftOf(s: ScanSchedule) {
  return {
    enabled: s.enabled,
    intervalHours: s.intervalHours,
    paths: s.paths.join('\n'),
    crawl: String(s.crawl),
    acceptSelector: s.acceptSelector ?? '',
    rejectSelector: s.rejectSelector ?? '',
  };
}

/**
 * A site's scheduled pre-consent scan (opt-in): how often, which start paths on the site's
 * origins, how many pages to crawl, and the consent platform's accept and reject buttons. Saving
 * is audited; the server validates the selectors.
 */
export function ScanScheduleForm({
  siteKey,
  schedule,
  scans,
  onSaved,
}: {
  siteKey: string;
  schedule: ScanSchedule;
  scans: ScansApi;
  onSaved: (schedule: ScanSchedule) => void;
}) {
  const id = useId();
  const [draft, setDraft] = useState(() => draftOf(schedule));
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  useEffect(() => setDraft(draftOf(schedule)), [schedule]);

  const intervals = INTERVALS.some((i) => i.hours === draft.intervalHours)
    ? INTERVALS
    : [...INTERVALS, { hours: draft.intervalHours, label: `Every ${draft.intervalHours} hours` }];

  const save = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setMessage(null);
    const input: ScanScheduleInput = {
      enabled: draft.enabled,
      intervalHours: draft.intervalHours,
      paths: draft.paths
        .split('\n')
        .map((p) => p.trim())
        .filter((p) => p !== ''),
      crawl: Number(draft.crawl),
      acceptSelector: draft.acceptSelector.trim() || null,
      rejectSelector: draft.rejectSelector.trim() || null,
    };
    if (input.paths.length === 0) input.paths = ['/'];
    try {
      const saved = await scans.saveSchedule(siteKey, input);
      setMessage({
        ok: true,
        text: saved.enabled
          ? `Saved. Next scheduled scan ${saved.nextRunAt === null ? 'soon' : `from ${formatDateTime(saved.nextRunAt)}`}.`
          : 'Saved. Scheduled scans are off.',
      });
      onSaved(saved);
    } catch (error) {
      setMessage({ ok: false, text: describeError(error) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      className="form form--grid"
      onSubmit={save}
      aria-label="Scan schedule"
      data-testid="scan-schedule-form"
    >
      <div className="field field--wide">
        <label className="checkbox">
          <input
            type="checkbox"
            checked={draft.enabled}
            onChange={(e) => setDraft({ ...draft, enabled: e.target.checked })}
            data-testid="scan-enabled"
          />{' '}
          Scan this site's origins on a schedule
        </label>
      </div>
      <div className="field">
        <label htmlFor={`${id}-interval`}>How often</label>
        <select
          id={`${id}-interval`}
          value={draft.intervalHours}
          onChange={(e) => setDraft({ ...draft, intervalHours: Number(e.target.value) })}
        >
          {intervals.map((i) => (
            <option key={i.hours} value={i.hours}>
              {i.label}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={`${id}-crawl`}>Pages per start path</label>
        <input
          id={`${id}-crawl`}
          type="number"
          min={1}
          max={MAX_SCHEDULED_CRAWL}
          value={draft.crawl}
          onChange={(e) => setDraft({ ...draft, crawl: e.target.value })}
        />
      </div>
      <div className="field field--wide">
        <label htmlFor={`${id}-paths`}>Start paths (one per line, at most {MAX_SCAN_PATHS})</label>
        <textarea
          id={`${id}-paths`}
          rows={2}
          value={draft.paths}
          placeholder="/"
          onChange={(e) => setDraft({ ...draft, paths: e.target.value })}
        />
      </div>
      <div className="field">
        <label htmlFor={`${id}-accept`}>Accept button (CSS selector)</label>
        <input
          id={`${id}-accept`}
          value={draft.acceptSelector}
          placeholder="#accept-all"
          onChange={(e) => setDraft({ ...draft, acceptSelector: e.target.value })}
        />
      </div>
      <div className="field">
        <label htmlFor={`${id}-reject`}>Reject button (CSS selector)</label>
        <input
          id={`${id}-reject`}
          value={draft.rejectSelector}
          placeholder="#reject-all"
          onChange={(e) => setDraft({ ...draft, rejectSelector: e.target.value })}
        />
      </div>
      <div className="form__actions field--wide">
        <button type="submit" className="button button--primary" disabled={busy}>
          Save scan schedule
        </button>
      </div>
      <div aria-live="polite" className="field--wide">
        {message && (
          <p
            className={`notice notice--${message.ok ? 'success' : 'error'}`}
            role={message.ok ? undefined : 'alert'}
          >
            {message.text}
          </p>
        )}
      </div>
    </form>
  );
}
