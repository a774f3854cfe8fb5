/**
 * Time buckets of heatmap aggregates. Every aggregate row belongs to a bucket of 1, 4, 16 or 64
 * days (aligned to multiples of its size since 1970-01-01 UTC), and every click is counted in the
 * four buckets containing its day. Any date range is then covered by a handful of buckets instead
 * of one row per day: what keeps a 90-day query as cheap as a 1-day one.
 */

export const MS_PER_DAY = 86_400_000;

/** Bucket sizes in days, level 0 first. */
export const BUCKET_LEVEL_DAYS: readonly number[] = [1, 4, 16, 64];

/** Days since 1970-01-01, UTC. */
export function utcDay(ms: number): number {
  return Math.floor(ms / MS_PER_DAY);
}

/** A bucket as one integer: `startDay * 4 + level`. */
export function bucketId(level: number, startDay: number): number {
  return startDay * BUCKET_LEVEL_DAYS.length + level;
}

export function bucketOfId(id: number): { level: number; startDay: number; days: number } {
  const levels = BUCKET_LEVEL_DAYS.length;
  const level = ((id % levels) + levels) % levels;
  const startDay = (id - level) / levels;
  return { level, startDay, days: BUCKET_LEVEL_DAYS[level]! };
}

/** The buckets (one per level) that contain `day`. */
export function bucketsContainingDay(day: number): number[] {
  return BUCKET_LEVEL_DAYS.map((size, level) => bucketId(level, Math.floor(day / size) * size));
}

/**
 * The fewest aligned buckets that exactly cover days `fromDay..toDay` (inclusive), in day order.
 * Empty when `toDay < fromDay`.
 */
export function bucketsCovering(fromDay: number, toDay: number): number[] {
  const out: number[] = [];
  let d = fromDay;
  while (d <= toDay) {
    let level = BUCKET_LEVEL_DAYS.length - 1;
    for (; level > 0; level--) {
      const size = BUCKET_LEVEL_DAYS[level]!;
      if (d % size === 0 && d + size - 1 <= toDay) break;
    }
    out.push(bucketId(level, d));
    d += BUCKET_LEVEL_DAYS[level]!;
  }
  return out;
}

/**
 * The fewest aligned buckets that exactly cover a set of days (each run of consecutive days
 * covered on its own), in day order: a range with some days left out reads none of their rows.
 */
export function bucketsCoveringDays(days: readonly number[]): number[] {
  const sorted = [...new Set(days)].sort((a, b) => a - b);
  const out: number[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    out.push(...bucketsCovering(sorted[i]!, sorted[j]!));
    i = j + 1;
  }
  return out;
}
