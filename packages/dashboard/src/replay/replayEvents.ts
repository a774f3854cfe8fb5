import type { RecordedEvent } from '@veil/core';
import { EventType } from '@veil/core';

export type PreparedReplay =
  | { ok: true; events: RecordedEvent[]; startMs: number; endMs: number; totalMs: number }
  | { ok: false; reason: 'empty' | 'no_full_snapshot' };

/**
 * Orders a session's events for the replayer and checks it can rebuild a page at all: rrweb needs
 * at least two events and a full snapshot, and throws otherwise.
 */
export function prepareReplay(events: readonly RecordedEvent[]): PreparedReplay {
  if (events.length < 2) return { ok: false, reason: 'empty' };
  const sorted = [...events].sort((a, b) => a.timestamp - b.timestamp);
  if (!sorted.some((e) => e.type === EventType.FullSnapshot))
    return { ok: false, reason: 'no_full_snapshot' };
  const startMs = sorted[0]?.timestamp ?? 0;
  const endMs = sorted[sorted.length - 1]?.timestamp ?? startMs;
  return { ok: true, events: sorted, startMs, endMs, totalMs: endMs - startMs };
}

/** Offset of the first full snapshot from the first event (the replayer's zero), 0 when there is none. */
export function firstSnapshotOffset(events: readonly RecordedEvent[]): number {
  const first = events[0];
  const snapshot = events.find((e) => e.type === EventType.FullSnapshot);
  return first !== undefined && snapshot !== undefined
    ? Math.max(0, snapshot.timestamp - first.timestamp)
    : 0;
}

/** The recorded viewport at the start (the first Meta event), for scaling before rrweb reports it. */
export function initialViewport(events: readonly RecordedEvent[]): { width: number; height: number } | null {
  for (const event of events) {
    if (event.type !== EventType.Meta) continue;
    const data = event.data;
    if (typeof data === 'object' && data !== null && 'width' in data && 'height' in data) {
      const { width, height } = data;
      if (typeof width === 'number' && typeof height === 'number' && width > 0 && height > 0)
        return { width, height };
    }
  }
  return null;
}
