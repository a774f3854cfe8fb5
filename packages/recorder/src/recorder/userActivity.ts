import { EventType, IncrementalSource } from '@veil/core';
import type { RecordedEventLike } from './rrwebOptions.js';

const ACTIVITY_SOURCES: ReadonlySet<number> = new Set([
  IncrementalSource.MouseMove,
  IncrementalSource.MouseInteraction,
  IncrementalSource.Scroll,
  IncrementalSource.ViewportResize,
  IncrementalSource.Input,
  IncrementalSource.TouchMove,
  IncrementalSource.MediaInteraction,
  IncrementalSource.Drag,
  IncrementalSource.Selection,
]);

/**
 * Whether an event shows the visitor doing something: only that keeps a session alive. DOM
 * mutations (a ticking clock, a carousel) do not, or an open tab would never end its session.
 */
export function isUserActivity(event: RecordedEventLike): boolean {
  if (event.type !== EventType.IncrementalSnapshot) return false;
  const source = (event.data as { source?: unknown } | undefined)?.source;
  return typeof source === 'number' && ACTIVITY_SOURCES.has(source);
}
