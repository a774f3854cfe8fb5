import type { Clock, ErrorReporter } from './clock.js';
import { type EncodedBody, encodeBody } from './encodeBody.js';

/**
 * The worker's whole program: gzip each batch JSON it is sent through `CompressionStream` and
 * answer the bytes (transferred, not copied); an answer without bytes when that failed. Chromium
 * runs `CompressionStream` (and the UTF-8 copy of `new Blob([json])`) on the thread that uses it:
 * in a worker they leave the page's main thread.
 */
const WORKER_SOURCE =
  "onmessage=function(e){var d=e.data;new Response(new Blob([d.json]).stream().pipeThrough(new CompressionStream('gzip'))).arrayBuffer().then(function(b){postMessage({id:d.id,body:b},[b])},function(){postMessage({id:d.id})})}";

/**
 * A job the worker has not answered in this time gives the worker up: that job and every later one
 * are compressed on the main thread (`encodeBody`). A batch waits at most this long for it.
 */
export const WORKER_ANSWER_TIMEOUT_MS = 5_000;

/** The part of a `Worker` the encoder uses (a fake in unit tests). */
export interface WorkerLike {
  onmessage: ((event: { data: unknown }) => void) | null;
  onerror: ((event: unknown) => void) | null;
  postMessage(message: unknown): void;
  terminate(): void;
}

export interface WorkerEncoderOptions {
  clock: Clock;
  onError: ErrorReporter;
  /** A worker running `WORKER_SOURCE`; throws or returns null where none can start. */
  createWorker?: (source: string) => WorkerLike | null;
  /** The main-thread encoder, used before and without the worker. @default encodeBody */
  fallback?: (json: string) => Promise<EncodedBody>;
}

export interface WorkerEncoder {
  encode(json: string): Promise<EncodedBody>;
  /** Ends the worker; waiting jobs are compressed on the main thread. */
  stop(): void;
}

/** A classic worker from a `blob:` URL (a page's CSP may refuse it: the caller then falls back). */
function browserWorker(source: string): WorkerLike | null {
  if (typeof Worker !== 'function' || typeof CompressionStream !== 'function') return null;
  const url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
  try {
    return new Worker(url) as unknown as WorkerLike;
  } finally {
    // The worker resolved its URL when it was constructed.
    URL.revokeObjectURL(url);
  }
}

interface Job {
  json: string;
  resolve(body: EncodedBody | Promise<EncodedBody>): void;
  timer: number;
}

/**
 * Batch compression off the main thread: gzip in a worker started on the first batch, the same
 * bytes `encodeBody` makes. Only batch JSON that has been masked already is handed to it (the
 * worker sees nothing the network would not). Where no worker can start (no `Worker` or
 * `CompressionStream`, a CSP without `blob:` workers), where it fails to load, or when it does not
 * answer in `WORKER_ANSWER_TIMEOUT_MS`, everything is compressed on the main thread as before.
 */
export function createWorkerEncoder(options: WorkerEncoderOptions): WorkerEncoder {
  const fallback = options.fallback ?? encodeBody;
  const createWorker = options.createWorker ?? browserWorker;
  const { clock } = options;
  let worker: WorkerLike | null = null;
  /** No worker from now on (it could not start, failed, timed out or was stopped). */
  let given = false;
  let nextId = 1;
  const jobs = new Map<number, Job>();

  const giveUp = (error: unknown, where: string) => {
    if (given) return;
    given = true;
    if (error !== null) options.onError(error, where);
    try {
      worker?.terminate();
    } catch (terminateError) {
      options.onError(terminateError, 'compression worker');
    }
    worker = null;
    const waiting = [...jobs.values()];
    jobs.clear();
    for (const job of waiting) {
      clock.clearTimeout(job.timer);
      job.resolve(fallback(job.json));
    }
  };

  const start = (): WorkerLike | null => {
    if (worker || given) return worker;
    try {
      worker = createWorker(WORKER_SOURCE);
    } catch (error) {
      giveUp(error, 'compression worker');
      return null;
    }
    if (!worker) {
      given = true;
      return null;
    }
    worker.onmessage = (event) => {
      const data = event.data as { id?: unknown; body?: unknown } | null;
      const job = typeof data?.id === 'number' ? jobs.get(data.id) : undefined;
      if (!job) return;
      jobs.delete(data!.id as number);
      clock.clearTimeout(job.timer);
      if (data!.body instanceof ArrayBuffer) {
        const body = new Uint8Array(data!.body);
        job.resolve({ body, bytes: body.byteLength, gzip: true });
      } else {
        // The worker could not compress this one: the main thread does.
        job.resolve(fallback(job.json));
      }
    };
    worker.onerror = () => giveUp(new Error('the compression worker failed to run'), 'compression worker');
    return worker;
  };

  return {
    encode(json) {
      const w = start();
      if (!w) return fallback(json);
      return new Promise<EncodedBody>((resolve) => {
        const id = nextId++;
        const timer = clock.setTimeout(
          () => giveUp(new Error('the compression worker did not answer'), 'compression worker'),
          WORKER_ANSWER_TIMEOUT_MS,
        );
        jobs.set(id, { json, resolve, timer });
        try {
          w.postMessage({ id, json });
        } catch (error) {
          giveUp(error, 'compression worker');
        }
      });
    },
    stop() {
      giveUp(null, 'stop');
    },
  };
}
