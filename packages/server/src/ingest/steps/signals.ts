import {
  EventType,
  HeatmapTag,
  MAX_ELEMENT_PATH_CHARS,
  MAX_FUNNEL_CLICKS_PER_BATCH,
  MAX_PAGE_PATH_CHARS,
  type RecordedEvent,
  signalEvents,
} from '@veil/core';
import type { FunnelClick } from '../../storage/signals/SignalRepository.js';
import type { BatchSignals } from '../IngestWrites.js';
import type { LocatedBatch } from './siteAndOrigin.js';

/** A batch on its way to `store`, with what its signals are counted from. */
export type SignalledBatch<T extends LocatedBatch = LocatedBatch> = T & { signals: BatchSignals };

/**
 * Step `signals`: picks out what the batch's frustration and error signal counts are folded from
 * (`foldSessionSignals`: the events counting reads, and the element clicks funnels need), and
 * hands it to `store`, which counts it in the transaction that stores the chunk (group commit), so
 * that the session list filters and sorts by them without ever reading a recording back. Counted
 * once per (session, seq): a retried batch, also one whose chunk was stored before, is counted
 * exactly once.
 */
export function countSignals<T extends LocatedBatch>(input: T): SignalledBatch<T> {
  const { events } = input.batch;
  // Only the events counting reads travel to the write (the rest of the batch cannot change a count).
  return { ...input, signals: { events: signalEvents(events), clicks: funnelClicks(events) } };
}

/**
 * The batch's clicks on elements (heatmap click events: page path and element path, both already
 * redacted), at most `MAX_FUNNEL_CLICKS_PER_BATCH`, for funnel steps that need a click. Anything
 * malformed or oversized is left out.
 */
export function funnelClicks(events: readonly RecordedEvent[]): FunnelClick[] {
  const clicks: FunnelClick[] = [];
  for (const event of events) {
    if (clicks.length >= MAX_FUNNEL_CLICKS_PER_BATCH) break;
    if (event.type !== EventType.Custom) continue;
    const data = event.data as { tag?: unknown; payload?: unknown };
    if (data.tag !== HeatmapTag.Click || typeof data.payload !== 'object' || data.payload === null) continue;
    const { path, el } = data.payload as { path?: unknown; el?: unknown };
    if (typeof path !== 'string' || typeof el !== 'string') continue;
    if (path === '' || el === '' || path.length > MAX_PAGE_PATH_CHARS || el.length > MAX_ELEMENT_PATH_CHARS)
      continue;
    if (!Number.isFinite(event.timestamp)) continue;
    clicks.push({ ts: event.timestamp, page: path, element: el });
  }
  return clicks;
}
