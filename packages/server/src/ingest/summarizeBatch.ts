import { EventType, type RecordedEvent, VeilCustomTag } from '@veil/core';

/** Longest URL and title kept in a session's page list. */
export const MAX_PAGE_URL_CHARS = 2048;
export const MAX_PAGE_TITLE_CHARS = 500;
/** A batch describing more page views than this keeps the first ones only. */
export const MAX_PAGE_VIEWS_PER_BATCH = 1000;

export interface BatchPageView {
  url: string;
  title: string | null;
  ts: number;
  viewportWidth: number | null;
}

export interface BatchSummary {
  eventCount: number;
  firstTs: number;
  lastTs: number;
  pages: BatchPageView[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function pageViewOf(event: RecordedEvent): BatchPageView | undefined {
  const data = event.data;
  if (!isRecord(data)) return undefined;
  if (event.type === EventType.Meta && typeof data.href === 'string') {
    const width = data.width;
    return {
      url: data.href,
      title: null,
      ts: event.timestamp,
      viewportWidth:
        typeof width === 'number' && Number.isFinite(width) && width > 0 ? Math.round(width) : null,
    };
  }
  if (event.type === EventType.Custom && data.tag === VeilCustomTag.PageView && isRecord(data.payload)) {
    const { url, title } = data.payload;
    if (typeof url !== 'string') return undefined;
    const cleanTitle = typeof title === 'string' ? title.trim().slice(0, MAX_PAGE_TITLE_CHARS) : '';
    return { url, title: cleanTitle === '' ? null : cleanTitle, ts: event.timestamp, viewportWidth: null };
  }
  return undefined;
}

/**
 * What a batch adds to its session's summary: event count, time range (`sentAt` when it has no
 * events) and its page views in time order, from rrweb Meta events (`href`, `width`) and Veil
 * page-view events (`url`, `title`). Consecutive views of one URL (rrweb's Meta event beside
 * Veil's page-view event, a re-taken full snapshot) are one page view.
 */
export function summarizeBatch(events: readonly RecordedEvent[], sentAt: number): BatchSummary {
  let firstTs = Number.POSITIVE_INFINITY;
  let lastTs = Number.NEGATIVE_INFINITY;
  const views: BatchPageView[] = [];
  for (const event of events) {
    firstTs = Math.min(firstTs, event.timestamp);
    lastTs = Math.max(lastTs, event.timestamp);
    const view = pageViewOf(event);
    if (view && view.url !== '' && view.url.length <= MAX_PAGE_URL_CHARS) views.push(view);
  }
  if (events.length === 0) {
    firstTs = sentAt;
    lastTs = sentAt;
  }
  views.sort((a, b) => a.ts - b.ts);
  const pages: BatchPageView[] = [];
  for (const view of views) {
    const last = pages[pages.length - 1];
    if (last && last.url === view.url) {
      last.title ??= view.title;
      last.viewportWidth ??= view.viewportWidth;
      continue;
    }
    if (pages.length >= MAX_PAGE_VIEWS_PER_BATCH) break;
    pages.push({ ...view });
  }
  return { eventCount: events.length, firstTs: Math.round(firstTs), lastTs: Math.round(lastTs), pages };
}
