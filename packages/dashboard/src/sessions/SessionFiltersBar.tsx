import { type DeviceClass, SIGNAL_KINDS } from '@veil/core';
import { useEffect, useRef, useState } from 'react';
import {
  EMPTY_SESSION_FILTERS,
  hasActiveFilters,
  MAX_MIN_DURATION_SEC,
  type SessionFilters,
} from './sessionFilters';
import { isSignalKind, SIGNAL_LABELS } from './signalLabels';

/** Typing in a text filter applies after this pause. */
const TEXT_FILTER_DEBOUNCE_MS = 400;

export interface SessionFiltersBarProps {
  filters: SessionFilters;
  onChange: (filters: SessionFilters) => void;
}

/**
 * Date range, device, minimum duration and page filters. Selects and dates apply at once; the
 * two typed fields apply after a short pause or on Enter. The URL is the source of truth.
 */
export function SessionFiltersBar({ filters, onChange }: SessionFiltersBarProps) {
  const [page, setPage] = useState(filters.page);
  const [minDuration, setMinDuration] = useState(
    filters.minDurationSec === null ? '' : String(filters.minDurationSec),
  );
  const timer = useRef<number | undefined>(undefined);
  const filtersRef = useRef(filters);
  filtersRef.current = filters;

  // Back/forward or "Clear" changes the URL: show what it says.
  useEffect(() => setPage(filters.page), [filters.page]);
  useEffect(
    () => setMinDuration(filters.minDurationSec === null ? '' : String(filters.minDurationSec)),
    [filters.minDurationSec],
  );
  useEffect(() => () => window.clearTimeout(timer.current), []);

  function typedFilters(pageText: string, minText: string): SessionFilters {
    const seconds = Number.parseInt(minText, 10);
    return {
      ...filtersRef.current,
      page: pageText.trim(),
      minDurationSec:
        Number.isFinite(seconds) && seconds > 0 ? Math.min(seconds, MAX_MIN_DURATION_SEC) : null,
    };
  }

  function applyTypedLater(pageText: string, minText: string) {
    window.clearTimeout(timer.current);
    timer.current = window.setTimeout(
      () => onChange(typedFilters(pageText, minText)),
      TEXT_FILTER_DEBOUNCE_MS,
    );
  }

  return (
    <form
      className="filters"
      aria-label="Session filters"
      data-testid="session-filters"
      onSubmit={(event) => {
        event.preventDefault();
        window.clearTimeout(timer.current);
        onChange(typedFilters(page, minDuration));
      }}
    >
      <div className="field field--inline">
        <label htmlFor="filter-from">From</label>
        <input
          id="filter-from"
          type="date"
          value={filters.from ?? ''}
          max={filters.to ?? undefined}
          onChange={(e) => onChange({ ...filters, from: e.target.value === '' ? null : e.target.value })}
          data-testid="filter-from"
        />
      </div>
      <div className="field field--inline">
        <label htmlFor="filter-to">To</label>
        <input
          id="filter-to"
          type="date"
          value={filters.to ?? ''}
          min={filters.from ?? undefined}
          onChange={(e) => onChange({ ...filters, to: e.target.value === '' ? null : e.target.value })}
          data-testid="filter-to"
        />
      </div>
      <div className="field field--inline">
        <label htmlFor="filter-device">Device</label>
        <select
          id="filter-device"
          value={filters.device ?? ''}
          onChange={(e) => {
            const value = e.target.value;
            const device: DeviceClass | null =
              value === 'mobile' || value === 'tablet' || value === 'desktop' ? value : null;
            onChange({ ...filters, device });
          }}
          data-testid="filter-device"
        >
          <option value="">All devices</option>
          <option value="desktop">Desktop</option>
          <option value="tablet">Tablet</option>
          <option value="mobile">Mobile</option>
        </select>
      </div>
      <div className="field field--inline field--narrow">
        <label htmlFor="filter-min-duration">Min. duration (s)</label>
        <input
          id="filter-min-duration"
          type="number"
          inputMode="numeric"
          min={0}
          max={MAX_MIN_DURATION_SEC}
          step={1}
          placeholder="0"
          value={minDuration}
          onChange={(e) => {
            setMinDuration(e.target.value);
            applyTypedLater(page, e.target.value);
          }}
          data-testid="filter-min-duration"
        />
      </div>
      <div className="field field--inline field--grow">
        <label htmlFor="filter-page">Page contains</label>
        <input
          id="filter-page"
          type="search"
          placeholder="/checkout"
          value={page}
          onChange={(e) => {
            setPage(e.target.value);
            applyTypedLater(e.target.value, minDuration);
          }}
          data-testid="filter-page"
        />
      </div>
      <div className="field field--inline">
        <label htmlFor="filter-sort">Sort</label>
        <select
          id="filter-sort"
          value={filters.sort}
          onChange={(e) => {
            const value = e.target.value;
            onChange({ ...filters, sort: isSignalKind(value) ? value : 'newest' });
          }}
          data-testid="filter-sort"
        >
          <option value="newest">Newest first</option>
          {SIGNAL_KINDS.map((kind) => (
            <option key={kind} value={kind}>
              Most {SIGNAL_LABELS[kind].toLowerCase()}
            </option>
          ))}
        </select>
      </div>
      <fieldset className="filters__signals" data-testid="filter-signals">
        <legend>With signals</legend>
        {SIGNAL_KINDS.map((kind) => (
          <label key={kind} className="signal-toggle">
            <input
              type="checkbox"
              checked={filters.signals.includes(kind)}
              onChange={(e) => {
                const chosen = new Set(filters.signals);
                if (e.target.checked) chosen.add(kind);
                else chosen.delete(kind);
                onChange({ ...filters, signals: SIGNAL_KINDS.filter((k) => chosen.has(k)) });
              }}
              data-testid={`filter-signal-${kind}`}
            />
            {SIGNAL_LABELS[kind]}
          </label>
        ))}
      </fieldset>
      <div className="filters__actions">
        <button type="submit" className="visually-hidden" tabIndex={-1}>
          Apply filters
        </button>
        <button
          type="button"
          className="button button--ghost button--small"
          disabled={!hasActiveFilters(filters) && page === '' && minDuration === ''}
          onClick={() => {
            window.clearTimeout(timer.current);
            setPage('');
            setMinDuration('');
            onChange({ ...EMPTY_SESSION_FILTERS });
          }}
          data-testid="filter-clear"
        >
          Clear filters
        </button>
      </div>
    </form>
  );
}
