import type { RecordedEvent } from '@veil/core';
import { EventType, IncrementalSource } from '@veil/core';

/** A stretch longer than this without any user interaction is inactive (rrweb's default too). */
export const INACTIVITY_THRESHOLD_MS = 10_000;
/**
 * Played at normal speed on each side of an inactive stretch: the end of what the visitor did
 * before and the lead-up to what they do next stay watchable.
 */
export const INACTIVITY_EDGE_MS = 1_000;
/** A skipped stretch takes about this long to play through, whatever its length. */
export const SKIP_PLAY_MS = 1_000;
/** rrweb's timer handles speeds up to this (its own `maxSpeed`). */
export const MAX_SKIP_SPEED = 360;

/** An inactive stretch, on the replay's clock (ms from the first event). */
export interface InactiveStretch {
  startMs: number;
  endMs: number;
}

/** Sources of rrweb incremental events that only a person causes. */
const USER_SOURCES: ReadonlySet<number> = new Set([
  IncrementalSource.MouseMove,
  IncrementalSource.MouseInteraction,
  IncrementalSource.Scroll,
  IncrementalSource.ViewportResize,
  IncrementalSource.Input,
  IncrementalSource.TouchMove,
  IncrementalSource.Drag,
  IncrementalSource.Selection,
]);

/** A user interaction, or a page (re)load (a Meta event), which also shows the visitor acting. */
export function isActivity(event: RecordedEvent): boolean {
  if (event.type === EventType.Meta) return true;
  if (event.type !== EventType.IncrementalSnapshot) return false;
  const data = event.data as { source?: unknown } | null;
  return typeof data?.source === 'number' && USER_SOURCES.has(data.source);
}

/**
 * The stretches of a session with no user interaction for more than `thresholdMs`, from the
 * events themselves: the gaps between consecutive activities, the start of the session up to the
 * first one and the last one up to the end. DOM changes (a ticking clock, a carousel) do not count
 * as activity: nobody is there.
 */
export function inactiveStretches(
  events: readonly RecordedEvent[],
  thresholdMs: number = INACTIVITY_THRESHOLD_MS,
): InactiveStretch[] {
  if (events.length === 0) return [];
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  const moments: number[] = [];
  for (const event of events) {
    first = Math.min(first, event.timestamp);
    last = Math.max(last, event.timestamp);
    if (isActivity(event)) moments.push(event.timestamp);
  }
  moments.sort((a, b) => a - b);
  const bounds = [first, ...moments, last];
  const stretches: InactiveStretch[] = [];
  for (let i = 1; i < bounds.length; i++) {
    const from = bounds[i - 1] as number;
    const to = bounds[i] as number;
    if (to - from > thresholdMs) stretches.push({ startMs: from - first, endMs: to - first });
  }
  return stretches;
}

/** The part of a stretch that is fast-forwarded: all of it but an edge at each end. */
export function skippedPart(stretch: InactiveStretch): InactiveStretch {
  return { startMs: stretch.startMs + INACTIVITY_EDGE_MS, endMs: stretch.endMs - INACTIVITY_EDGE_MS };
}

/** The stretch whose skipped part holds `currentMs`, or null. */
export function skippingStretchAt(
  stretches: readonly InactiveStretch[],
  currentMs: number,
): InactiveStretch | null {
  for (const stretch of stretches) {
    const part = skippedPart(stretch);
    if (currentMs >= part.startMs && currentMs < part.endMs) return stretch;
  }
  return null;
}

/**
 * The replay speed that plays what is left of a stretch from `currentMs` in about `SKIP_PLAY_MS`,
 * never slower than the viewer's own speed, never above rrweb's maximum.
 */
export function skipSpeed(stretch: InactiveStretch, currentMs: number, viewerSpeed: number): number {
  const left = skippedPart(stretch).endMs - currentMs;
  const speed = Math.ceil(left / SKIP_PLAY_MS);
  return Math.min(MAX_SKIP_SPEED, Math.max(viewerSpeed, speed));
}
