import { RAGE_CLICK_MIN_CLICKS, RAGE_CLICK_RADIUS_PX, RAGE_CLICK_WINDOW_MS } from './heatmapConstants.js';

/** What rage detection needs of a click: its time (ms) and page position (CSS px). */
export interface TimedPoint {
  t: number;
  x: number;
  y: number;
}

export interface RageClickOptions {
  /** @default RAGE_CLICK_MIN_CLICKS */
  minClicks?: number;
  /** @default RAGE_CLICK_WINDOW_MS */
  windowMs?: number;
  /** @default RAGE_CLICK_RADIUS_PX */
  radiusPx?: number;
}

/**
 * Rage clicks: a burst is at least `minClicks` clicks within `windowMs` of its first click, each
 * within `radiusPx` of that first click. Returns, per click (in time order), whether it belongs
 * to any burst. O(n · clicks per window).
 */
export function findRageClicks(clicks: readonly TimedPoint[], options: RageClickOptions = {}): boolean[] {
  const minClicks = options.minClicks ?? RAGE_CLICK_MIN_CLICKS;
  const windowMs = options.windowMs ?? RAGE_CLICK_WINDOW_MS;
  const r2 = (options.radiusPx ?? RAGE_CLICK_RADIUS_PX) ** 2;
  const rage = clicks.map(() => false);
  for (let start = 0; start < clicks.length; start++) {
    const first = clicks[start]!;
    const members = [start];
    for (let j = start + 1; j < clicks.length; j++) {
      const c = clicks[j]!;
      if (c.t - first.t > windowMs) break;
      if ((c.x - first.x) ** 2 + (c.y - first.y) ** 2 <= r2) members.push(j);
    }
    if (members.length >= minClicks) for (const m of members) rage[m] = true;
  }
  return rage;
}
