import type { ErrorCode } from '@veil/core';

export const INGEST_STEPS = [
  'validate',
  'siteAndOrigin',
  'consent',
  'sampling',
  'ipPolicy',
  'region',
  'pageTargeting',
  'errorWindow',
  'identify',
  'sanitizeUrls',
  'redact',
  'inventory',
  'aggregate',
  'signals',
  'store',
  'linkSubject',
] as const;
export type IngestStepName = (typeof INGEST_STEPS)[number];

export interface StepCounters {
  /** Times the step ran. */
  runs: number;
  passed: number;
  /** Batches the step refused, by error code. */
  drops: Partial<Record<ErrorCode, number>>;
  /** Steps that threw (a bug or an unavailable database), counted apart from refusals. */
  failures: number;
  totalMs: number;
  maxMs: number;
}

export interface IngestMetricsSnapshot {
  steps: Record<IngestStepName, StepCounters>;
  /** Batches stored for the first time. */
  stored: number;
  /** Batches acknowledged again without storing (a retried (session, seq)). */
  duplicates: number;
  /** Batches refused with 503 because the process was at its ingest limit (load shedding). */
  shed: number;
}

/** Simple in-process counters and timings of the ingest pipeline, per step. */
export class IngestMetrics {
  #steps = Object.fromEntries(INGEST_STEPS.map((s) => [s, emptyCounters()])) as Record<
    IngestStepName,
    StepCounters
  >;
  #stored = 0;
  #duplicates = 0;
  #shed = 0;

  recordStep(step: IngestStepName, outcome: { drop?: ErrorCode; failed?: boolean }, elapsedMs: number): void {
    const c = this.#steps[step];
    c.runs += 1;
    c.totalMs += elapsedMs;
    c.maxMs = Math.max(c.maxMs, elapsedMs);
    if (outcome.failed) c.failures += 1;
    else if (outcome.drop) c.drops[outcome.drop] = (c.drops[outcome.drop] ?? 0) + 1;
    else c.passed += 1;
  }

  recordAccepted(duplicate: boolean): void {
    if (duplicate) this.#duplicates += 1;
    else this.#stored += 1;
  }

  recordShed(): void {
    this.#shed += 1;
  }

  snapshot(): IngestMetricsSnapshot {
    return structuredClone({
      steps: this.#steps,
      stored: this.#stored,
      duplicates: this.#duplicates,
      shed: this.#shed,
    });
  }
}

function emptyCounters(): StepCounters {
  return { runs: 0, passed: 0, drops: {}, failures: 0, totalMs: 0, maxMs: 0 };
}
