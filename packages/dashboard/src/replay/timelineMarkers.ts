import type { RecordedEvent } from '@veil/core';
import { EventType, IncrementalSource, MouseInteraction, VeilCustomTag } from '@veil/core';
import type { SessionPage } from '../sessions/sessionsApi';

export type TimelineMarker =
  | { kind: 'click'; offsetMs: number }
  | { kind: 'page'; offsetMs: number; url: string; title: string };

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
  kind: TimelineMarker['kind'];
  /** Position on the bar, 0–100. */
  percent: number;
  offsetMs: number;
  /** How many markers this tick stands for. */
  count: number;
  label: string;
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
      held.label = marker.kind === 'click' ? `${held.count} clicks` : `${held.count} page changes`;
      continue;
    }
    slots.set(key, {
      kind: marker.kind,
      percent: fraction * 100,
      offsetMs: marker.offsetMs,
      count: 1,
      label: marker.kind === 'click' ? 'Click' : `Page: ${marker.title || marker.url}`,
    });
  }
  return [...slots.values()].sort((a, b) => a.percent - b.percent);
}
