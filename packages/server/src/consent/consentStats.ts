import type { ConsentSource } from '@veil/core';
import type { ConsentCountRow } from '../storage/consent/ConsentReceiptRepository.js';

export const CONSENT_BUCKETS = { hour: 3_600_000, day: 86_400_000, week: 7 * 86_400_000 } as const;
export type ConsentBucket = keyof typeof CONSENT_BUCKETS;

/** Decisions of one time bucket, one source and one region. */
export interface ConsentStatsRow {
  /** Start of the bucket (ms). */
  start: number;
  source: ConsentSource;
  region: string | null;
  granted: number;
  denied: number;
  withdrawn: number;
}

export interface ConsentStats {
  from: number;
  to: number;
  bucket: ConsentBucket;
  bucketMs: number;
  /** Every non-empty (bucket, source, region), by start then source then region. */
  rows: ConsentStatsRow[];
  totals: { granted: number; denied: number; withdrawn: number };
}

/**
 * Folds the store's counts into rows the dashboard charts: opt-in rate = granted / (granted +
 * denied), opt-out rate = (denied + withdrawn) / (granted + denied), per bucket, by source and
 * region (the dashboard filters and sums).
 */
export function consentStats(
  counts: readonly ConsentCountRow[],
  window: { from: number; to: number; bucket: ConsentBucket },
): ConsentStats {
  const bucketMs = CONSENT_BUCKETS[window.bucket];
  const byKey = new Map<string, ConsentStatsRow>();
  const totals = { granted: 0, denied: 0, withdrawn: 0 };
  for (const c of counts) {
    const start = window.from + c.bucket * bucketMs;
    const key = `${start}\0${c.source}\0${c.region ?? ''}`;
    let row = byKey.get(key);
    if (!row) {
      row = { start, source: c.source, region: c.region, granted: 0, denied: 0, withdrawn: 0 };
      byKey.set(key, row);
    }
    row[c.decision] += c.count;
    totals[c.decision] += c.count;
  }
  const rows = [...byKey.values()].sort(
    (a, b) =>
      a.start - b.start || a.source.localeCompare(b.source) || (a.region ?? '').localeCompare(b.region ?? ''),
  );
  return { from: window.from, to: window.to, bucket: window.bucket, bucketMs, rows, totals };
}
