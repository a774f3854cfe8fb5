import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { AlertService } from '../../alerts/AlertService.js';
import type { Clock } from '../../clock.js';
import type { PrivacyAlertRecord } from '../../storage/privacy/PrivacyRepository.js';
import type { Store } from '../../storage/Store.js';
import type { Drop } from '../Drop.js';
import type { IngestResult } from '../IngestPipeline.js';
import type { IngestService } from '../IngestService.js';
import type { IngestWrites } from '../IngestWrites.js';
import { IngestMetrics } from '../pipelineMetrics.js';
import type { RawBatchRequest } from '../steps/validate.js';
import { errorOf, type FromWorker, type IngestWorkerData, revive, type ToWorker } from './protocol.js';
import { peekSessionId, workerForSession } from './sessionRoute.js';

/** What the main thread answers for the workers: the database, alerts and the writes. */
export interface IngestPoolDeps {
  store: Store;
  clock: Clock;
  writes: IngestWrites;
  alerts?: AlertService;
  onPrivacyAlert?: (alert: PrivacyAlertRecord) => void;
  /** Told when a worker failed (it is replaced; its batches in flight are answered 500). */
  onWorkerError?: (error: Error) => void;
}

/**
 * The worker script: the built one beside this module, or, when this module runs from source
 * (tests), the built one in `dist/` (`npm run build` first).
 */
function workerScript(): URL {
  const here = new URL('./ingestWorker.js', import.meta.url);
  if (existsSync(fileURLToPath(here))) return here;
  const built = new URL(
    import.meta.url.replace('/src/ingest/workers/', '/dist/ingest/workers/').replace(/\.ts$/, '.js'),
  );
  return new URL('./ingestWorker.js', built);
}

interface Slot {
  worker: Worker;
  pending: Map<number, { resolve(r: IngestResult): void; reject(e: Error): void }>;
}

/**
 * Ingest on `size` worker threads (`VEIL_INGEST_WORKERS`): each batch's pipeline runs on a worker
 * chosen by its session id (`peekSessionId`, `workerForSession`), so a session's privacy state
 * stays on one worker; the worker's database reads and writes (site lookup, consent, group commit,
 * heatmaps, signals, inventory) and alerts are answered here on the main thread, which keeps every
 * transaction and the group commit in one place. A batch is acknowledged only once the main
 * thread's group commit holding its chunk committed, as without workers. A worker that fails is
 * replaced; its batches in flight are answered 500 (nothing unacknowledged is lost: the recorder
 * sends them again).
 */
export class IngestWorkerPool implements IngestService {
  readonly metrics = new IngestMetrics();
  readonly #slots: Slot[] = [];
  #nextTask = 0;
  #roundRobin = 0;
  #closed = false;

  constructor(
    size: number,
    private readonly deps: IngestPoolDeps,
    private readonly workerData: IngestWorkerData,
  ) {
    for (let i = 0; i < size; i++) this.#slots.push(this.#spawn());
  }

  get size(): number {
    return this.#slots.length;
  }

  #spawn(): Slot {
    const worker = new Worker(workerScript(), { workerData: this.workerData });
    const slot: Slot = { worker, pending: new Map() };
    worker.on('message', (message: FromWorker) => this.#onMessage(slot, message));
    const fail = (error: Error) => {
      for (const p of slot.pending.values()) p.reject(error);
      slot.pending.clear();
      if (this.#closed) return;
      this.deps.onWorkerError?.(error);
      const i = this.#slots.indexOf(slot);
      if (i >= 0) this.#slots[i] = this.#spawn();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => {
      if (!this.#closed) fail(new Error(`an ingest worker exited (${code})`));
    });
    // The process may exit while workers idle (the HTTP server keeps it alive, not they).
    worker.unref();
    return slot;
  }

  run(request: RawBatchRequest): Promise<IngestResult> {
    const sessionId = peekSessionId(request.body);
    const index =
      sessionId !== undefined
        ? workerForSession(sessionId, this.#slots.length)
        : this.#roundRobin++ % this.#slots.length;
    const slot = this.#slots[index];
    if (!slot) return Promise.reject(new Error('no ingest worker'));
    const id = ++this.#nextTask;
    return new Promise<IngestResult>((resolve, reject) => {
      slot.pending.set(id, { resolve, reject });
      const message: ToWorker = { kind: 'run', id, now: this.deps.clock.now(), request };
      slot.worker.postMessage(message);
    });
  }

  #onMessage(slot: Slot, message: FromWorker): void {
    switch (message.kind) {
      case 'result': {
        for (const m of message.metrics) {
          if (m.kind === 'step') this.metrics.recordStep(m.step, m.outcome, m.ms);
          else this.metrics.recordAccepted(m.duplicate);
        }
        const pending = slot.pending.get(message.id);
        if (!pending) return;
        slot.pending.delete(message.id);
        if (message.result) pending.resolve(message.result);
        else pending.reject(new Error(message.error?.message ?? 'the ingest worker failed'));
        return;
      }
      case 'privacyAlert':
        this.deps.onPrivacyAlert?.(message.alert as PrivacyAlertRecord);
        return;
      case 'call': {
        const reply = (m: ToWorker) => {
          try {
            slot.worker.postMessage(m);
          } catch (error) {
            // An answer that cannot cross the thread fails the call, never leaves it waiting.
            slot.worker.postMessage({ kind: 'reply', id: message.id, ok: false, error: errorOf(error) });
          }
        };
        this.#answer(message.target, message.path, revive(message.args)).then(
          (value) => reply({ kind: 'reply', id: message.id, ok: true, value }),
          (error: unknown) => reply({ kind: 'reply', id: message.id, ok: false, error: errorOf(error) }),
        );
        return;
      }
    }
  }

  /** A worker's call: `store.<repository>.<method>`, `alerts.raiseFor` or `writes.<write>`. */
  async #answer(target: string, path: readonly string[], args: unknown[]): Promise<unknown> {
    const [first, second] = path;
    let owner: unknown;
    let name: string | undefined;
    if (target === 'store' && first !== undefined) {
      owner = (this.deps.store as unknown as Record<string, unknown>)[first];
      name = second;
    } else if (target === 'alerts') {
      owner = this.deps.alerts;
      name = first;
      if (!owner) return { alert: undefined, created: false };
    } else if (target === 'writes') {
      owner = this.deps.writes;
      name = first;
    }
    const fn =
      typeof owner === 'object' && owner !== null && name !== undefined
        ? (owner as Record<string, unknown>)[name]
        : undefined;
    if (typeof fn !== 'function') throw new Error(`an ingest worker called an unknown ${target} method`);
    return (fn as (...a: unknown[]) => unknown).apply(owner, args);
  }

  recordShed(): void {
    this.metrics.recordShed();
  }

  recordEarlyDrop(d: Drop): void {
    this.metrics.recordStep('validate', { drop: d.drop }, 0);
  }

  forgetSession(sessionId: string): void {
    for (const slot of this.#slots) slot.worker.postMessage({ kind: 'forget', sessionId } satisfies ToWorker);
  }

  drained(): Promise<void> {
    return this.deps.writes.drained();
  }

  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all(this.#slots.map((s) => s.worker.terminate()));
  }
}
