import type { Clock, ErrorReporter, Teardown } from './clock.js';
import type { EventRedactor, EventRedactorPolicy } from './eventRedactor.js';
import type { RecordedEventLike } from './rrwebOptions.js';

/** What `redact.js` registers: core's redaction walk (`createEventRedactor`). */
export type CreateEventRedactor = (policy: EventRedactorPolicy) => EventRedactor;

/** What `redact.js` registered, checked: anything else fails (and nothing is sent). */
export function asCreateEventRedactor(exports: unknown): CreateEventRedactor {
  if (typeof exports !== 'function') throw new Error('redact.js registered no function');
  return exports as CreateEventRedactor;
}

/** How long the recorder waits for `redact.js` before it stops recording (fails closed), in ms. */
export const REDACT_CHUNK_TIMEOUT_MS = 15_000;
/** Most events held while `redact.js` is on its way; one more stops recording (fails closed). */
export const MAX_HELD_EVENTS = 20_000;

/**
 * rrweb's events and Veil's own (heatmaps, errors, network metadata) each keep their own
 * redaction context: the page's recorded tree is not mixed with Veil's payloads.
 */
export type EventStream = 'page' | 'own';

interface Held {
  stream: EventStream;
  event: RecordedEventLike;
  onward: (event: RecordedEventLike) => void;
}

export interface RedactionGateOptions {
  policy: EventRedactorPolicy;
  clock: Pick<Clock, 'setTimeout' | 'clearTimeout'>;
  timeoutMs: number;
  onError: ErrorReporter;
  /** `redact.js` did not arrive (error, CSP, timeout, bad exports): the recorder stops capture. */
  onFailed(): void;
}

/**
 * Every event passes here between capture and the batcher: core's redaction walk is the
 * `redact.js` chunk, fetched at start while rrweb already records. Until it has arrived, events
 * wait in memory, in the order they came, unredacted, never batched, sent or stored; when it
 * arrives they are redacted in that order through the same contexts and go on (`then`), and
 * later events pass straight through. When it does not arrive (the load fails, or it takes longer
 * than `timeoutMs`, or too many events wait) the held events are dropped, the failure is reported
 * and `onFailed` stops capture: nothing unredacted ever leaves (fails closed). An event whose
 * redaction or handling throws is dropped and reported, never sent raw.
 */
export class RedactionGate {
  private held: Held[] = [];
  private redactors: Record<EventStream, EventRedactor> | null = null;
  /** True while the held events are released: events passed meanwhile queue behind them. */
  private releasing = false;
  private closed = false;
  private timer: number | null = null;

  constructor(private readonly options: RedactionGateOptions) {}

  /** Waits for the chunk (`load`); returns the teardown (drops whatever still waits). */
  start(load: Promise<CreateEventRedactor>): Teardown {
    const { clock, timeoutMs } = this.options;
    this.timer = clock.setTimeout(
      () => this.fail(new Error(`redact.js did not arrive within ${timeoutMs} ms`)),
      timeoutMs,
    );
    load.then(
      (create) => this.open(create),
      (error: unknown) => this.fail(error),
    );
    return () => this.close();
  }

  /** How many events wait for the chunk. */
  get waiting(): number {
    return this.held.length;
  }

  /** Redacts `event` (now, or once the chunk has arrived) and hands it to `then`. */
  pass<E extends RecordedEventLike>(stream: EventStream, event: E, then: (event: E) => void): void {
    if (this.closed) return;
    const held: Held = { stream, event, onward: then as (event: RecordedEventLike) => void };
    if (this.redactors && !this.releasing) {
      this.release(held, this.redactors);
      return;
    }
    if (!this.redactors && this.held.length >= MAX_HELD_EVENTS) {
      this.fail(new Error(`more than ${MAX_HELD_EVENTS} events waited for redact.js`));
      return;
    }
    this.held.push(held);
  }

  private open(create: CreateEventRedactor): void {
    if (this.closed) return;
    this.clearTimer();
    let redactors: Record<EventStream, EventRedactor>;
    try {
      redactors = { page: create(this.options.policy), own: create(this.options.policy) };
    } catch (error) {
      this.fail(error);
      return;
    }
    this.redactors = redactors;
    this.releasing = true;
    // By index: an event passed while the held ones are released queues behind them.
    for (let i = 0; i < this.held.length && !this.closed; i++) {
      const held = this.held[i];
      if (held) this.release(held, redactors);
    }
    this.held = [];
    this.releasing = false;
  }

  private release(held: Held, redactors: Record<EventStream, EventRedactor>): void {
    try {
      held.onward(redactors[held.stream](held.event));
    } catch (error) {
      this.options.onError(error, 'redact');
    }
  }

  private fail(error: unknown): void {
    if (this.closed || this.redactors) return;
    this.close();
    this.options.onError(error, 'redact');
    this.options.onFailed();
  }

  private close(): void {
    this.closed = true;
    this.held = [];
    this.clearTimer();
  }

  private clearTimer(): void {
    if (this.timer === null) return;
    this.options.clock.clearTimeout(this.timer);
    this.timer = null;
  }
}
