import type { ErrorCode } from '@veil/core';
import type { IngestResult } from '../IngestPipeline.js';
import type { IngestStepName } from '../pipelineMetrics.js';
import type { RawBatchRequest } from '../steps/validate.js';

/** What an ingest worker needs to build its pipeline (keys stay in this process). */
export interface IngestWorkerData {
  masterKey: Uint8Array;
  identitySecret: Uint8Array;
  regions: { headerConfigured: boolean; databaseFile?: string };
}

/** A counter update made by a worker's pipeline, replayed into the process's `IngestMetrics`. */
export type MetricRecord =
  | { kind: 'step'; step: IngestStepName; outcome: { drop?: ErrorCode; failed?: boolean }; ms: number }
  | { kind: 'accepted'; duplicate: boolean };

/** Where a worker's call goes on the main thread. */
export type CallTarget = 'store' | 'alerts' | 'writes';

/** Main thread → worker. */
export type ToWorker =
  | { kind: 'run'; id: number; now: number; request: RawBatchRequest }
  | { kind: 'reply'; id: number; ok: true; value: unknown }
  | { kind: 'reply'; id: number; ok: false; error: { name: string; message: string } }
  | { kind: 'forget'; sessionId: string };

/** Worker → main thread. */
export type FromWorker =
  | {
      kind: 'result';
      id: number;
      result?: IngestResult;
      error?: { name: string; message: string };
      metrics: MetricRecord[];
    }
  | { kind: 'call'; id: number; target: CallTarget; path: [string, string] | [string]; args: unknown[] }
  | { kind: 'privacyAlert'; alert: unknown };

/**
 * Structured clone turns a `Buffer` into a plain `Uint8Array`; this gives the `Buffer` view back
 * (same memory) throughout plain objects and arrays, so code on either side reads what it wrote.
 */
export function revive<T>(value: T): T {
  if (value instanceof Uint8Array) {
    return (
      Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength)
    ) as T;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = revive(value[i]);
    return value;
  }
  if (typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype) {
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record)) record[key] = revive(record[key]);
  }
  return value;
}

/** An error as it crosses a thread (name and message; never the values it was about). */
export function errorOf(error: unknown): { name: string; message: string } {
  return error instanceof Error
    ? { name: error.name, message: error.message }
    : { name: 'Error', message: String(error) };
}
