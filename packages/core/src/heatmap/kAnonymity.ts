import { DEFAULT_HEATMAP_MIN_SESSIONS } from './heatmapConstants.js';

export interface KAnonymityResult<T> {
  shown: T[];
  /** How many items were withheld because fewer than k sessions contributed. */
  suppressed: number;
}

/**
 * k-anonymity over aggregates: an element or cell is shown only when at least `k` distinct
 * sessions contributed to it, so that no heatmap singles out one visitor.
 */
export function kAnonymous<T>(
  items: readonly T[],
  sessionsOf: (item: T) => number,
  k: number = DEFAULT_HEATMAP_MIN_SESSIONS,
): KAnonymityResult<T> {
  const shown: T[] = [];
  let suppressed = 0;
  for (const item of items) {
    if (sessionsOf(item) >= k) shown.push(item);
    else suppressed++;
  }
  return { shown, suppressed };
}
