import type { RecordedEvent } from '@veil/core';
import { EventType, IncrementalSource, MouseInteraction, VeilCustomTag } from '@veil/core';
import type { SessionPage } from '../sessions/sessionsApi';
import type { ActivityItem } from './activityItems';

/** The activity kinds that also get a tick of their own on the timeline. */
export const SIGNAL_MARKER_KINDS = ['rage', 'dead', 'error', 'request'] as const;
export type SignalMarkerKind = (typeof SIGNAL_MARKER_KINDS)[number];

export type TimelineMarker =
  | { kind: 'click'; offsetMs: number }
  | { kind: 'page'; offsetMs: number; url: string; title: string }
  /** `label` is the activity entry's ("Rage click button#pay", an error message, "GET /api → 500"). */
  | { kind: SignalMarkerKind; offsetMs: number; label: string };

export type TimelineMarkerKind = TimelineMarker['kind'];

/** How the timeline names one marker of a kind, and several merged into one tick. */
export const MARKER_NAMES: Readonly<Record<TimelineMarkerKind, { one: string; many: string }>> = {
  click: { one: 'click', many: 'clicks' },
  page: { one: 'page change', many: 'page changes' },
  rage: { one: 'rage click', many: 'rage clicks' },
  dead: { one: 'dead click', many: 'dead clicks' },
  error: { one: 'error', many: 'errors' },
  request: { one: 'failed request', many: 'failed requests' },
};

const isSignalMarkerKind = (kind: string): kind is SignalMarkerKind =>
  (SIGNAL_MARKER_KINDS as readonly string[]).includes(kind);

/**
 * Ticks for the activity entries that stand out: rage and dead clicks, errors and failed
 * requests (pages and plain clicks come from `extractTimelineMarkers`), at the entries' offsets.
 */
export function signalMarkers(activity: readonly ActivityItem[]): TimelineMarker[] {
  return activity.flatMap((item) =>
    isSignalMarkerKind(item.kind) ? [{ kind: item.kind, offsetMs: item.offsetMs, label: item.label }] : [],
  );
}

/** A page visited, placed on the replay's clock. */
export interface PageVisit {
  url: string;
  title: string;
  offsetMs: number;
}

function record(value: unknown): Record<string, unknown> | null {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : null;
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** Two page markers name the same page when they differ only by query or fragment. */
function samePage(a: string, b: string): boolean {
  const strip = (url: string) => url.replace(/[?#].*$/, '');
  return strip(a) === strip(b);
}

/** The page a Meta or `veil.pageview` event announces, or null for any other event. */
function pageOf(event: RecordedEvent): { url: string; title: string } | null {
  const data = record(event.data);
  if (data === null) return null;
  if (event.type === EventType.Meta) {
    const href = text(data.href);
    return href === '' ? null : { url: href, title: '' };
  }
  if (event.type === EventType.Custom && data.tag === VeilCustomTag.PageView) {
    const payload = record(data.payload) ?? {};
    const url = text(payload.url) || text(payload.href);
    return url === '' ? null : { url, title: text(payload.title) };
  }
  return null;
}

function isClick(event: RecordedEvent): boolean {
  if (event.type !== EventType.IncrementalSnapshot) return false;
  const data = record(event.data);
  return (
    data !== null &&
    data.source === IncrementalSource.MouseInteraction &&
    data.type === MouseInteraction.Click
  );
}

/**
 * Clicks and page changes of a session, in time order, with offsets from its first event (the
 * replayer's zero). A Meta event repeats on every full snapshot: consecutive markers of the same
 * page are one page change; a `veil.pageview` right after its Meta lends it the page title.
 */
export function extractTimelineMarkers(events: readonly RecordedEvent[]): TimelineMarker[] {
  if (events.length === 0) return [];
  const sorted = [...events].sort((a, b) => a.timestamp - b.timestamp);
  const start = sorted[0]?.timestamp ?? 0;
  const markers: TimelineMarker[] = [];
  let lastPage: Extract<TimelineMarker, { kind: 'page' }> | null = null;
  for (const event of sorted) {
    const offsetMs = event.timestamp - start;
    if (isClick(event)) {
      markers.push({ kind: 'click', offsetMs });
      continue;
    }
    const page = pageOf(event);
    if (page === null) continue;
    if (lastPage !== null && samePage(lastPage.url, page.url)) {
      if (lastPage.title === '' && page.title !== '') lastPage.title = page.title;
      continue;
    }
    lastPage = { kind: 'page', offsetMs, url: page.url, title: page.title };
    markers.push(lastPage);
  }
  return markers;
}

/**
 * The "pages visited" list: the server's page views when it has them (sanitised, titled),
 * else the page markers found in the events.
 */
export function pageVisits(
  serverPages: readonly SessionPage[],
  markers: readonly TimelineMarker[],
  startMs: number,
): PageVisit[] {
  if (serverPages.length > 0) {
    return [...serverPages]
      .sort((a, b) => a.ts - b.ts)
      .map((p) => ({ url: p.url, title: p.title, offsetMs: Math.max(0, p.ts - startMs) }));
  }
  return markers.flatMap((m) =>
    m.kind === 'page' ? [{ url: m.url, title: m.title, offsetMs: m.offsetMs }] : [],
  );
}

/** Index of the page on screen at `currentMs`: the last one that started at or before it. */
export function currentPageIndex(pages: readonly PageVisit[], currentMs: number): number {
  let index = -1;
  pages.forEach((p, i) => {
    if (p.offsetMs <= currentMs) index = i;
  });
  return index;
}

/** A marker as drawn: clicks close together share one tick so a long session stays readable. */
export interface DrawnMarker {
  kind: TimelineMarkerKind;
  /** Position on the bar, 0–100. */
  percent: number;
  offsetMs: number;
  /** How many markers this tick stands for. */
  count: number;
  label: string;
}

/** What one marker's tick says (its title and part of the timeline's description). */
function markerLabel(marker: TimelineMarker): string {
  switch (marker.kind) {
    case 'click':
      return 'Click';
    case 'page':
      return `Page: ${marker.title || marker.url}`;
    case 'rage':
    case 'dead':
      return marker.label;
    case 'error':
      // A message that names its error already ("Error: …", "TypeError: …") is not prefixed again.
      return /^\w*Error\b/.test(marker.label) ? marker.label : `Error: ${marker.label}`;
    case 'request':
      return `Failed request: ${marker.label}`;
  }
}

/** "3 clicks, 1 page change, 2 rage clicks": the drawn ticks by kind, in `MARKER_NAMES` order. */
export function describeMarkers(drawn: readonly Pick<DrawnMarker, 'kind' | 'count'>[]): string {
  const counts = new Map<TimelineMarkerKind, number>();
  for (const m of drawn) counts.set(m.kind, (counts.get(m.kind) ?? 0) + m.count);
  return (Object.keys(MARKER_NAMES) as TimelineMarkerKind[])
    .flatMap((kind) => {
      const n = counts.get(kind) ?? 0;
      return n === 0 ? [] : [`${n} ${n === 1 ? MARKER_NAMES[kind].one : MARKER_NAMES[kind].many}`];
    })
    .join(', ');
}

/** Groups markers of the same kind into `buckets` slots along the bar. */
export function layoutMarkers(
  markers: readonly TimelineMarker[],
  totalMs: number,
  buckets = 300,
): DrawnMarker[] {
  if (totalMs <= 0) return [];
  const slots = new Map<string, DrawnMarker>();
  for (const marker of markers) {
    const fraction = Math.min(1, Math.max(0, marker.offsetMs / totalMs));
    const slot = Math.round(fraction * buckets);
    const key = `${marker.kind}:${slot}`;
    const held = slots.get(key);
    if (held !== undefined) {
      held.count += 1;
      held.label = `${held.count} ${MARKER_NAMES[marker.kind].many}`;
      continue;
    }
    slots.set(key, {
      kind: marker.kind,
      percent: fraction * 100,
      offsetMs: marker.offsetMs,
      count: 1,
      label: markerLabel(marker),
    });
  }
  return [...slots.values()].sort((a, b) => a.percent - b.percent);
}
