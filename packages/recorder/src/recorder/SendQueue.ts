import { backoffDelay } from './backoff.js';
import type { OutgoingBatch } from './batchJson.js';
import type { Clock, ErrorReporter } from './clock.js';

/** What the server's answer means for a batch. */
export type SendOutcome =
  | { kind: 'ack' }
  | { kind: 'retry'; afterMs?: number }
  | { kind: 'reject'; status: number; code?: string };

/** The network, injected: HTTP in the browser, a script in unit tests. */
export interface Transport {
  /** Sends one batch; a rejected promise (network error) counts as `retry`. */
  send(batch: OutgoingBatch): Promise<SendOutcome>;
  /** Hands one batch to the browser synchronously (`sendBeacon`); false when it refused. */
  beacon(batch: OutgoingBatch): boolean;
}

/**
 * After a failed attempt (a shed 503, a network error) this recent, or while an attempt has no
 * answer yet, a batch handed to `sendBeacon` is kept too, for this page to send again or the next
 * page to resend: a beacon gets no answer, and a server that was refusing batches moments ago (or
 * is about to refuse the one in flight) may refuse the beacon as well. The server acknowledges a
 * (session, seq) it already holds as a duplicate.
 */
export const DOUBTFUL_BEACON_MS = 60_000;

/** Batches kept for retry at most; beyond it the oldest is dropped and counted. */
export const MAX_QUEUED_BATCHES = 100;
/** Bytes (uncompressed JSON) kept for retry at most. */
export const MAX_QUEUED_BYTES = 4 * 1024 * 1024;

export interface SendQueueOptions {
  transport: Transport;
  clock: Clock;
  /** In [0, 1): the backoff jitter. */
  random: () => number;
  onError: ErrorReporter;
  /** Called whenever the queue has delivered everything it held. */
  onDrained?: () => void;
  /** Called after a final refusal, with the batch and the answer's error code (`not_sampled`). */
  onRejected?: (batch: OutgoingBatch, code: string | undefined) => void;
  /** @default MAX_QUEUED_BATCHES */
  maxBatches?: number;
  /** @default MAX_QUEUED_BYTES */
  maxBytes?: number;
}

export interface SendQueueStats {
  /** Acknowledged by the server. */
  acked: number;
  /** Handed to `sendBeacon` (no answer can come back). */
  beaconed: number;
  /** Failed attempts that were scheduled again. */
  retries: number;
  /** Dropped because the queue was full. */
  dropped: number;
  /** Answered with a final 4xx: not retried. */
  rejected: number;
}

interface Entry {
  batch: OutgoingBatch;
  /** Failed attempts so far. */
  attempts: number;
  /** Not sent before this time (ms). */
  notBefore: number;
  /**
   * Handed to `sendBeacon` and kept in doubt since: not beaconed again by the next hide (a page
   * going away fires `pagehide` and `visibilitychange`), only after a real attempt failed again.
   */
  beaconed?: boolean;
}

/**
 * The bounded retry queue: sends one batch at a time in sequence order, retries network errors,
 * 408, 429 and 5xx with exponential backoff and jitter, treats other 4xx as final, and drops the
 * oldest batches beyond its caps.
 */
export class SendQueue {
  readonly stats: SendQueueStats = { acked: 0, beaconed: 0, retries: 0, dropped: 0, rejected: 0 };
  private items: Entry[] = [];
  private inFlight: Entry | null = null;
  private timer: number | null = null;
  private stopped = false;
  /** When the last attempt failed and was scheduled again (ms), if ever. */
  private lastRetryAt: number | null = null;
  private readonly maxBatches: number;
  private readonly maxBytes: number;

  constructor(private readonly options: SendQueueOptions) {
    this.maxBatches = options.maxBatches ?? MAX_QUEUED_BATCHES;
    this.maxBytes = options.maxBytes ?? MAX_QUEUED_BYTES;
  }

  /** Batches not yet acknowledged, oldest first (the one in flight included). */
  get pending(): OutgoingBatch[] {
    const all = this.inFlight ? [this.inFlight, ...this.items] : this.items;
    return all.map((e) => e.batch);
  }

  enqueue(batch: OutgoingBatch): void {
    if (this.stopped) return;
    this.items.push({ batch, attempts: 0, notBefore: 0 });
    this.enforceCaps();
    this.pump();
  }

  /** Puts batches a previous page could not deliver ahead of this page's. */
  enqueueFirst(batches: readonly OutgoingBatch[]): void {
    if (this.stopped || batches.length === 0) return;
    this.items.unshift(...batches.map((batch) => ({ batch, attempts: 0, notBefore: 0 })));
    this.enforceCaps();
    this.pump();
  }

  /** Sends the next batch now, skipping a backoff wait (`veil('flush')`). */
  sendNow(): void {
    const head = this.items[0];
    if (head) head.notBefore = 0;
    this.pump();
  }

  /**
   * For a page going away: hands every waiting batch, then `extra`, to `sendBeacon` in order and
   * stops at the first refusal (the browser's quota is shared). Returns what is still unsent,
   * the batch in flight included, for the caller to persist; within `DOUBTFUL_BEACON_MS` of a
   * failed attempt, or while an attempt has no answer yet, the beaconed batches too (sent again
   * later, a duplicate if the beacon arrived). A batch kept so is not beaconed again by the next
   * hide.
   */
  beaconAll(extra: readonly OutgoingBatch[]): OutgoingBatch[] {
    if (this.stopped) return [];
    this.clearTimer();
    const waiting: Entry[] = [...this.items, ...extra.map((batch) => ({ batch, attempts: 0, notBefore: 0 }))];
    const now = this.options.clock.now();
    // A recent failure, or an attempt still without an answer (it may yet be shed): doubt beacons.
    const doubtful =
      this.inFlight !== null || (this.lastRetryAt !== null && now - this.lastRetryAt < DOUBTFUL_BEACON_MS);
    const kept: Entry[] = [];
    let refused = false;
    for (const entry of waiting) {
      if (entry.beaconed) {
        // Beaconed by the hide just before and still in doubt: the browser's quota is better left
        // to what no beacon carried yet.
        kept.push(entry);
        continue;
      }
      if (!refused) {
        let ok = false;
        try {
          ok = this.options.transport.beacon(entry.batch);
        } catch (error) {
          this.options.onError(error, 'beacon');
        }
        if (ok) {
          this.stats.beaconed++;
          // The server was refusing batches moments ago: the beacon may be refused unseen.
          if (doubtful) {
            entry.beaconed = true;
            kept.push(entry);
          }
          continue;
        }
        refused = true;
      }
      kept.push(entry);
    }
    this.items = kept;
    this.enforceCaps();
    // The page may stay (bfcache, a tab switch): what was refused is retried normally.
    this.pump();
    return this.pending;
  }

  /** Forgets everything and sends nothing more (consent withdrawn, opt-out). */
  stop(): void {
    this.stopped = true;
    this.clearTimer();
    this.items = [];
    this.inFlight = null;
  }

  private pump(): void {
    if (this.stopped || this.inFlight) return;
    const head = this.items[0];
    if (!head) return;
    const wait = head.notBefore - this.options.clock.now();
    if (wait > 0) {
      this.schedule(wait);
      return;
    }
    this.clearTimer();
    this.items.shift();
    this.inFlight = head;
    let sending: Promise<SendOutcome>;
    try {
      sending = this.options.transport.send(head.batch);
    } catch (error) {
      sending = Promise.reject(error);
    }
    sending
      .then(
        (outcome) => this.settle(head, outcome),
        (error: unknown) => {
          this.options.onError(error, 'send');
          this.settle(head, { kind: 'retry' });
        },
      )
      .catch((error: unknown) => this.options.onError(error, 'send'));
  }

  private settle(entry: Entry, outcome: SendOutcome): void {
    if (this.stopped || this.inFlight !== entry) return;
    this.inFlight = null;
    if (outcome.kind === 'ack') {
      this.stats.acked++;
      if (this.items.length === 0) this.options.onDrained?.();
    } else if (outcome.kind === 'reject') {
      this.stats.rejected++;
      this.options.onError(new Error(`batch ${entry.batch.seq} rejected (${outcome.status})`), 'send');
      this.options.onRejected?.(entry.batch, outcome.code);
    } else {
      this.stats.retries++;
      this.lastRetryAt = this.options.clock.now();
      entry.attempts++;
      // Refused again: a later page hide beacons it once more.
      entry.beaconed = false;
      const delay = outcome.afterMs ?? backoffDelay(entry.attempts, this.options.random());
      entry.notBefore = this.options.clock.now() + delay;
      this.items.unshift(entry);
      this.enforceCaps();
    }
    this.pump();
  }

  /**
   * Drops the oldest waiting batches beyond the caps; never the one in flight, and never the
   * newest (a single large full snapshot must still get its chance).
   */
  private enforceCaps(): void {
    let bytes = this.items.reduce((sum, e) => sum + e.batch.bytes, this.inFlight?.batch.bytes ?? 0);
    while (this.items.length > 1 && (this.items.length > this.maxBatches || bytes > this.maxBytes)) {
      const dropped = this.items.shift()!;
      bytes -= dropped.batch.bytes;
      this.stats.dropped++;
    }
  }

  private schedule(ms: number): void {
    this.clearTimer();
    this.timer = this.options.clock.setTimeout(() => {
      this.timer = null;
      this.pump();
    }, ms);
  }

  private clearTimer(): void {
    if (this.timer !== null) this.options.clock.clearTimeout(this.timer);
    this.timer = null;
  }
}
