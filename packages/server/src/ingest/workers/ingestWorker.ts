/**
 * An ingest worker thread (`IngestWorkerPool`): runs the ingest pipeline's CPU work — decompress,
 * parse, validate, page targeting, redaction with the session's privacy state, inventory scan,
 * heatmap parsing, summary and compression — off the main thread. Every database read and write,
 * the alerts and the group commit stay on the main thread: the worker's store, alert service and
 * writes are calls answered there (`FromWorker` `call`). The session's privacy state lives here;
 * the pool sends a session's batches to the same worker, and a batch that finds this worker behind
 * rebuilds the state from storage first (as a second process would), so masking never gets weaker.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { ErrorCode } from '@veil/core';
import type { AlertService } from '../../alerts/AlertService.js';
import { EnvelopeCipher } from '../../crypto/EnvelopeCipher.js';
import { createRegionLookup } from '../../privacy/RegionLookup.js';
import type { Store } from '../../storage/Store.js';
import { SubjectHasher } from '../../subjects/SubjectHasher.js';
import { IngestPipeline } from '../IngestPipeline.js';
import type { IngestWrites } from '../IngestWrites.js';
import { IngestMetrics, type IngestStepName } from '../pipelineMetrics.js';
import {
  type CallTarget,
  errorOf,
  type FromWorker,
  type IngestWorkerData,
  type MetricRecord,
  revive,
  type ToWorker,
} from './protocol.js';

const port = parentPort;
if (!port) throw new Error('ingestWorker runs as a worker thread');
const data = workerData as IngestWorkerData;
const post = (message: FromWorker) => port.postMessage(message);

/** Counters kept here and sent with each result, so the process's metrics count every batch. */
class ForwardedMetrics extends IngestMetrics {
  #pending: MetricRecord[] = [];
  override recordStep(
    step: IngestStepName,
    outcome: { drop?: ErrorCode; failed?: boolean },
    ms: number,
  ): void {
    super.recordStep(step, outcome, ms);
    this.#pending.push({ kind: 'step', step, outcome, ms });
  }
  override recordAccepted(duplicate: boolean): void {
    super.recordAccepted(duplicate);
    this.#pending.push({ kind: 'accepted', duplicate });
  }
  take(): MetricRecord[] {
    const out = this.#pending;
    this.#pending = [];
    return out;
  }
}

let nextCall = 0;
const calls = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
function call(target: CallTarget, path: [string, string] | [string], args: unknown[]): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const id = ++nextCall;
    calls.set(id, { resolve, reject });
    try {
      post({ kind: 'call', id, target, path, args });
    } catch (error) {
      calls.delete(id);
      reject(error instanceof Error ? error : new Error(String(error)));
    }
  });
}

/** `target.repo.method(…args)` answered by the main thread. */
function twoLevelProxy<T>(target: CallTarget): T {
  return new Proxy(
    {},
    {
      get: (_, repo) =>
        typeof repo !== 'string' || repo === 'then'
          ? undefined
          : new Proxy(
              {},
              {
                get: (__, method) =>
                  typeof method !== 'string' || method === 'then'
                    ? undefined
                    : (...args: unknown[]) => call(target, [repo, method], args),
              },
            ),
    },
  ) as T;
}

/** `target.method(…args)` answered by the main thread. */
function oneLevelProxy<T>(target: CallTarget): T {
  return new Proxy(
    {},
    {
      get: (_, method) =>
        typeof method !== 'string' || method === 'then'
          ? undefined
          : (...args: unknown[]) => call(target, [method], args),
    },
  ) as T;
}

/** The main thread's time at the start of the newest batch (tests move a manual clock there). */
let now = Date.now();
const metrics = new ForwardedMetrics();
const writes = oneLevelProxy<IngestWrites>('writes');
const pipeline = new IngestPipeline(
  {
    store: twoLevelProxy<Store>('store'),
    cipher: new EnvelopeCipher(Buffer.from(data.masterKey)),
    clock: { now: () => now },
    hasher: new SubjectHasher(Buffer.from(data.identitySecret)),
    regions: createRegionLookup(data.regions),
    alerts: oneLevelProxy<AlertService>('alerts'),
    onPrivacyAlert: (alert) => post({ kind: 'privacyAlert', alert }),
    // The group commit is the main thread's: chunks of every worker share its transactions.
    writes: { ...bind(writes), drained: async () => undefined },
  },
  metrics,
);

function bind(w: IngestWrites): Pick<IngestWrites, 'chunk' | 'heatmap'> {
  return {
    chunk: (s) => w.chunk(s),
    heatmap: (k, b, n) => w.heatmap(k, b, n),
  };
}

port.on('message', (message: ToWorker) => {
  switch (message.kind) {
    case 'reply': {
      const pending = calls.get(message.id);
      if (!pending) return;
      calls.delete(message.id);
      if (message.ok) pending.resolve(revive(message.value));
      else pending.reject(Object.assign(new Error(message.error.message), { name: message.error.name }));
      return;
    }
    case 'forget':
      pipeline.privacySessions.forget(message.sessionId);
      return;
    case 'run': {
      now = message.now;
      const request = revive(message.request);
      pipeline.run(request).then(
        (result) => post({ kind: 'result', id: message.id, result, metrics: metrics.take() }),
        (error: unknown) =>
          post({ kind: 'result', id: message.id, error: errorOf(error), metrics: metrics.take() }),
      );
      return;
    }
  }
});
