import {
  EventType,
  FAILED_REQUEST_MIN_STATUS,
  HeatmapTag,
  IncrementalSource,
  isFailedRequest,
  MouseInteraction,
  parseErrorEvent,
  parseNetworkEvent,
  type RecordedEvent,
  VeilCustomTag,
} from '@veil/core';

/** What an activity-panel entry is about. */
export const ACTIVITY_KINDS = ['page', 'click', 'rage', 'dead', 'error', 'request', 'tag'] as const;
export type ActivityKind = (typeof ACTIVITY_KINDS)[number];

export const ACTIVITY_LABELS: Readonly<Record<ActivityKind, string>> = {
  page: 'Pages',
  click: 'Clicks',
  rage: 'Rage clicks',
  dead: 'Dead clicks',
  error: 'Errors',
  request: 'Failed requests',
  tag: 'Tags',
};

/** One entry of the activity panel: a moment of the replay to jump to. */
export interface ActivityItem {
  /** Unique within the session's list (its position in time order). */
  id: number;
  kind: ActivityKind;
  /** From the replay's first event, ms. */
  offsetMs: number;
  /** One line: the page path, "Click", the error message, "POST /api/cart → 500", "plan = pro". */
  label: string;
  /** More, when there is more (an error's stack). */
  detail?: string;
}

const record = (v: unknown): Record<string, unknown> | null =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;

/** The path of a page URL: never its query or fragment, also when the URL does not parse. */
export function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url.split(/[?#]/, 1)[0] ?? '';
  }
}

/**
 * The session's activity, in time order, from its (already decrypted, redacted) events: page
 * changes, clicks, the clicks the recorder flagged as rage or dead, JavaScript errors, failed
 * requests and custom tags. A heatmap click flagged rage or dead is its own entry beside the plain
 * click; consecutive page events of one page are one page change.
 */
export function activityItems(events: readonly RecordedEvent[]): ActivityItem[] {
  if (events.length === 0) return [];
  const sorted = [...events].sort((a, b) => a.timestamp - b.timestamp);
  const start = sorted[0]?.timestamp ?? 0;
  const items: Omit<ActivityItem, 'id'>[] = [];
  let lastPage = '';
  for (const event of sorted) {
    const offsetMs = Math.max(0, event.timestamp - start);
    const data = record(event.data);
    if (data === null) continue;
    if (
      event.type === EventType.Meta ||
      (event.type === EventType.Custom && data.tag === VeilCustomTag.PageView)
    ) {
      const payload = event.type === EventType.Meta ? data : (record(data.payload) ?? {});
      const url =
        typeof payload.href === 'string' ? payload.href : typeof payload.url === 'string' ? payload.url : '';
      const path = pathOf(url);
      if (path !== '' && path !== lastPage) {
        lastPage = path;
        items.push({ kind: 'page', offsetMs, label: path });
      }
      continue;
    }
    if (
      event.type === EventType.IncrementalSnapshot &&
      data.source === IncrementalSource.MouseInteraction &&
      data.type === MouseInteraction.Click
    ) {
      items.push({ kind: 'click', offsetMs, label: 'Click' });
      continue;
    }
    if (event.type !== EventType.Custom) continue;
    if (data.tag === HeatmapTag.Click) {
      const p = record(data.payload) ?? {};
      const where = typeof p.el === 'string' ? p.el : '';
      if (p.rage === true) items.push({ kind: 'rage', offsetMs, label: `Rage click ${where}`.trim() });
      if (p.dead === true) items.push({ kind: 'dead', offsetMs, label: `Dead click ${where}`.trim() });
      continue;
    }
    if (data.tag === VeilCustomTag.Tag) {
      const p = record(data.payload) ?? {};
      items.push({ kind: 'tag', offsetMs, label: `${String(p.key ?? '')} = ${String(p.value ?? '')}` });
      continue;
    }
    const error = parseErrorEvent(event);
    if (error !== null && error !== 'invalid') {
      items.push({
        kind: 'error',
        offsetMs,
        label: error.message,
        ...(error.stack ? { detail: error.stack } : {}),
      });
      continue;
    }
    const request = parseNetworkEvent(event);
    if (
      request !== null &&
      request !== 'invalid' &&
      isFailedRequest(request.status, FAILED_REQUEST_MIN_STATUS)
    ) {
      const status = request.status === 0 ? 'no answer' : String(request.status);
      items.push({ kind: 'request', offsetMs, label: `${request.method} ${request.reqPath} → ${status}` });
    }
  }
  return items.map((item, id) => ({ ...item, id }));
}
