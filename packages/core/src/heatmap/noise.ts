import { ACCIDENTAL_TAP_AFTER_SCROLL_MS } from './heatmapConstants.js';

/**
 * A touch tap right after the page scrolled (the finger stopping a fling) is not a click the
 * visitor meant: the recorder drops it.
 */
export function isAccidentalTap(touch: boolean, msSinceScroll: number): boolean {
  return touch && msSinceScroll >= 0 && msSinceScroll < ACCIDENTAL_TAP_AFTER_SCROLL_MS;
}

/**
 * Drops repeated events within one batch (a retried send merged into a new one, a tracker
 * re-emitting): events are duplicates when their key is equal. Keeps the first, in order.
 */
export function dedupeBy<T>(items: readonly T[], keyOf: (item: T) => string): T[] {
  const seen = new Set<string>();
  const out: T[] = [];
  for (const item of items) {
    const key = keyOf(item);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(item);
  }
  return out;
}
