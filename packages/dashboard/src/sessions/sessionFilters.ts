import { type DeviceClass, parseDeviceClass, SIGNAL_KINDS, type SignalKind } from '@veil/core';
import { formatDateTime } from '../format/dateTime';
import { type FunnelStepInput, formatFunnelStep } from '../funnels/funnelSteps';
import { isSignalKind } from './signalLabels';

/**
 * The session list's filters as the dashboard URL carries them (`?from=2025-01-31&device=mobile`):
 * readable, bookmarkable, in the viewer's local dates. The API wants milliseconds; see
 * `sessionFiltersToApiParams`.
 */
export interface SessionFilters {
  /** First day included, `YYYY-MM-DD` in local time. */
  from: string | null;
  /** Last day included, `YYYY-MM-DD` in local time. */
  to: string | null;
  device: DeviceClass | null;
  /** Sessions at least this long, in seconds. */
  minDurationSec: number | null;
  /** Substring of a visited URL; '' for none. */
  page: string;
  /** Signals each session must have, in `SIGNAL_KINDS` order. */
  signals: SignalKind[];
  /** Newest first, or most of one signal first. */
  sort: 'newest' | SignalKind;
  /** Only the sessions that did steps 1..`reached` of this funnel in order (a funnel step's link). */
  funnel: SessionFunnelFilter | null;
}

/**
 * A funnel step's sessions: the funnel's steps, how many of them (from the first) were done, and
 * the funnel's range (when Veil received the sessions, ms, server clock) and tag segment, so that
 * the list holds exactly the sessions the step counts.
 */
export interface SessionFunnelFilter {
  steps: FunnelStepInput[];
  reached: number;
  received?: { from: number; to: number };
  tag?: { key: string; value: string };
}

/** Most steps a funnel has (the API's `MAX_FUNNEL_STEPS`). */
const MAX_FUNNEL_FILTER_STEPS = 10;

function parseFunnel(params: URLSearchParams): SessionFunnelFilter | null {
  const patterns = params.getAll('step').map((p) => p.trim());
  const reached = params.get('reached') ?? '';
  if (patterns.length < 2 || patterns.length > MAX_FUNNEL_FILTER_STEPS) return null;
  if (patterns.some((p) => !p.startsWith('/') || p.length > 300)) return null;
  if (!/^\d+$/.test(reached) || Number(reached) < 1 || Number(reached) > patterns.length) return null;
  const steps = patterns.map((page, i): FunnelStepInput => {
    const click = params.get(`click.${i}`)?.trim();
    return click ? { page, click } : { page };
  });
  const funnel: SessionFunnelFilter = { steps, reached: Number(reached) };
  // The funnel's range and tag: half of one, or a malformed one, drops the funnel filter whole
  // (a list wider than the step's sessions would not be what the link promised).
  const [receivedFrom, receivedTo] = [params.get('receivedFrom'), params.get('receivedTo')];
  if (receivedFrom !== null || receivedTo !== null) {
    if (receivedFrom === null || receivedTo === null) return null;
    if (!/^\d{1,15}$/.test(receivedFrom) || !/^\d{1,15}$/.test(receivedTo)) return null;
    if (Number(receivedFrom) > Number(receivedTo)) return null;
    funnel.received = { from: Number(receivedFrom), to: Number(receivedTo) };
  }
  const [tagKey, tagValue] = [params.get('tagKey'), params.get('tagValue')];
  if (tagKey !== null || tagValue !== null) {
    if (tagKey === null || tagValue === null) return null;
    if (tagKey === '' || tagKey.length > 64 || tagValue === '' || tagValue.length > 500) return null;
    funnel.tag = { key: tagKey, value: tagValue };
  }
  return funnel;
}

function setFunnel(params: URLSearchParams, funnel: SessionFunnelFilter | null): void {
  if (funnel === null) return;
  for (const step of funnel.steps) params.append('step', step.page);
  funnel.steps.forEach((step, i) => {
    if (step.click) params.set(`click.${i}`, step.click);
  });
  params.set('reached', String(funnel.reached));
  if (funnel.received) {
    params.set('receivedFrom', String(funnel.received.from));
    params.set('receivedTo', String(funnel.received.to));
  }
  if (funnel.tag) {
    params.set('tagKey', funnel.tag.key);
    params.set('tagValue', funnel.tag.value);
  }
}

/**
 * The funnel filter in words: `step 2 of / → /cart @ button#pay, received 7 Nov 2026, 10:00 –
 * 7 Dec 2026, 10:00, tagged ab=x`.
 */
export function describeFunnelFilter(funnel: SessionFunnelFilter): string {
  const range = funnel.received
    ? `, received ${formatDateTime(funnel.received.from)} – ${formatDateTime(funnel.received.to)}`
    : '';
  const tag = funnel.tag ? `, tagged ${funnel.tag.key}=${funnel.tag.value}` : '';
  return `step ${funnel.reached} of ${funnel.steps.map(formatFunnelStep).join(' → ')}${range}${tag}`;
}

export const EMPTY_SESSION_FILTERS: Readonly<SessionFilters> = {
  from: null,
  to: null,
  device: null,
  minDurationSec: null,
  page: '',
  signals: [],
  sort: 'newest',
  funnel: null,
};

function parseSignals(value: string | null): SignalKind[] {
  const named = new Set((value ?? '').split(','));
  return SIGNAL_KINDS.filter((k) => named.has(k));
}

/** The longest `page` filter the URL keeps. */
export const MAX_PAGE_FILTER_LENGTH = 200;
/** Minimum durations above a day are typos. */
export const MAX_MIN_DURATION_SEC = 24 * 60 * 60;

const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Local midnight of a `YYYY-MM-DD` date, or null when it is not a real calendar date. */
export function localDayStartMs(day: string): number | null {
  const match = DATE_PATTERN.exec(day);
  if (match === null) return null;
  const [year, month, date] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const value = new Date(year, month - 1, date);
  if (value.getFullYear() !== year || value.getMonth() !== month - 1 || value.getDate() !== date) return null;
  return value.getTime();
}

/** The last millisecond of a local `YYYY-MM-DD` day (DST-safe: the next local midnight minus 1). */
export function localDayEndMs(day: string): number | null {
  const start = localDayStartMs(day);
  if (start === null) return null;
  const next = new Date(start);
  next.setDate(next.getDate() + 1);
  return next.getTime() - 1;
}

function parseDay(value: string | null): string | null {
  return value !== null && localDayStartMs(value) !== null ? value : null;
}

function parseSeconds(value: string | null): number | null {
  if (value === null || !/^\d+$/.test(value)) return null;
  const seconds = Number(value);
  return seconds > 0 && seconds <= MAX_MIN_DURATION_SEC ? seconds : null;
}

/** Reads filters from a URL query; anything malformed is dropped, never guessed. */
export function parseSessionFilters(search: string | URLSearchParams): SessionFilters {
  const params = typeof search === 'string' ? new URLSearchParams(search) : search;
  return {
    from: parseDay(params.get('from')),
    to: parseDay(params.get('to')),
    device: parseDeviceClass(params.get('device')),
    minDurationSec: parseSeconds(params.get('minDuration')),
    page: (params.get('page') ?? '').trim().slice(0, MAX_PAGE_FILTER_LENGTH),
    signals: parseSignals(params.get('signals')),
    sort: isSignalKind(params.get('sort') ?? '') ? (params.get('sort') as SignalKind) : 'newest',
    funnel: parseFunnel(params),
  };
}

/** The dashboard URL query of these filters: `''` when none is set, else `?…` in a stable order. */
export function sessionFiltersToSearch(filters: SessionFilters): string {
  const params = new URLSearchParams();
  if (filters.from !== null) params.set('from', filters.from);
  if (filters.to !== null) params.set('to', filters.to);
  if (filters.device !== null) params.set('device', filters.device);
  if (filters.minDurationSec !== null) params.set('minDuration', String(filters.minDurationSec));
  const page = filters.page.trim();
  if (page !== '') params.set('page', page);
  if (filters.signals.length > 0) params.set('signals', filters.signals.join(','));
  if (filters.sort !== 'newest') params.set('sort', filters.sort);
  setFunnel(params, filters.funnel);
  const query = params.toString();
  return query === '' ? '' : `?${query}`;
}

/**
 * The API's query parameters (docs/api.md: `from`, `to` in ms, `device`, `minDurationMs`, `page`,
 * `signals`, `sort`, and a funnel step's `step`, `click.N`, `reached` with its `receivedFrom`,
 * `receivedTo`, `tagKey`, `tagValue`).
 */
export function sessionFiltersToApiParams(filters: SessionFilters): URLSearchParams {
  const params = new URLSearchParams();
  const from = filters.from === null ? null : localDayStartMs(filters.from);
  const to = filters.to === null ? null : localDayEndMs(filters.to);
  if (from !== null) params.set('from', String(from));
  if (to !== null) params.set('to', String(to));
  if (filters.device !== null) params.set('device', filters.device);
  if (filters.minDurationSec !== null) params.set('minDurationMs', String(filters.minDurationSec * 1000));
  const page = filters.page.trim();
  if (page !== '') params.set('page', page);
  if (filters.signals.length > 0) params.set('signals', filters.signals.join(','));
  if (filters.sort !== 'newest') params.set('sort', filters.sort);
  setFunnel(params, filters.funnel);
  return params;
}

export function hasActiveFilters(filters: SessionFilters): boolean {
  return sessionFiltersToSearch(filters) !== '';
}

export function sameFilters(a: SessionFilters, b: SessionFilters): boolean {
  return sessionFiltersToSearch(a) === sessionFiltersToSearch(b);
}
