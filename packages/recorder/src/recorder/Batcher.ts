import { BATCH_FLUSH_INTERVAL_MS, BATCH_TARGET_BYTES, MAX_EVENTS_PER_BATCH } from '@veil/core';
import {
  type BatchHeader,
  buildBatchJson,
  type OutgoingBatch,
  splitBySize,
  utf8Length,
} from './batchJson.js';
import type { Clock, ErrorReporter, Teardown } from './clock.js';

/** What a batch needs of the session: its id and the next sequence number. */
export interface BatchSession {
  readonly id: string;
  nextSeq(): number;
}

export interface BatcherOptions {
  clock: Clock;
  session: BatchSession;
  /** Constant batch fields. */
  siteKey: string;
  visitorId?: string;
  consentReceiptId?: string;
  /** Receives every batch in sequence order. */
  sink: (batch: OutgoingBatch) => void;
  /** Errors of the periodic flush (a timer callback must not throw into the page). */
  onError?: ErrorReporter;
  /** @default BATCH_TARGET_BYTES */
  targetBytes?: number;
  /** @default BATCH_FLUSH_INTERVAL_MS */
  intervalMs?: number;
}

/**
 * Buffers serialised events and closes a batch every `intervalMs` or when the buffer reaches
 * `targetBytes`. Sequence numbers are taken when a batch closes, so they follow event order.
 */
export class Batcher {
  private events: string[] = [];
  private sizes: number[] = [];
  private bytes = 0;
  private readonly targetBytes: number;
  private readonly intervalMs: number;

  constructor(private readonly options: BatcherOptions) {
    this.targetBytes = options.targetBytes ?? BATCH_TARGET_BYTES;
    this.intervalMs = options.intervalMs ?? BATCH_FLUSH_INTERVAL_MS;
  }

  get bufferedEvents(): number {
    return this.events.length;
  }

  add(event: unknown): void {
    const json = JSON.stringify(event);
    if (json === undefined) return;
    const size = utf8Length(json);
    this.events.push(json);
    this.sizes.push(size);
    this.bytes += size + 1;
    if (this.bytes >= this.targetBytes || this.events.length >= MAX_EVENTS_PER_BATCH) this.flush();
  }

  /** Closes the buffered events into one batch (nothing when the buffer is empty). */
  flush(): void {
    if (this.events.length === 0) return;
    const events = this.events;
    this.reset();
    this.options.sink(this.build(events, false));
  }

  /**
   * Closes the buffer synchronously for a page that goes away: batches small enough for
   * `sendBeacon` (`maxBytes`), marked `final` on pagehide. A final drain of an empty buffer still
   * yields one empty final batch, so the server learns that the page ended.
   */
  drain(final: boolean, maxBytes: number): OutgoingBatch[] {
    const events = this.events;
    const sizes = this.sizes;
    this.reset();
    if (events.length === 0) return final ? [this.build([], true)] : [];
    // + 16: room for the sequence numbers' digits, unknown until each batch closes.
    const headerBytes = utf8Length(buildBatchJson(this.header(0, final), [])) + 16;
    return splitBySize(sizes, maxBytes, headerBytes).map(([start, end]) =>
      this.build(events.slice(start, end), final),
    );
  }

  /** Drops the buffer (consent withdrawn). */
  discard(): void {
    this.reset();
  }

  /** Flushes every `intervalMs` until the returned teardown runs. */
  start(): Teardown {
    const { clock } = this.options;
    let handle = 0;
    let stopped = false;
    const tick = () => {
      if (stopped) return;
      try {
        this.flush();
      } catch (error) {
        this.options.onError?.(error, 'flush');
      }
      handle = clock.setTimeout(tick, this.intervalMs);
    };
    handle = clock.setTimeout(tick, this.intervalMs);
    return () => {
      stopped = true;
      clock.clearTimeout(handle);
    };
  }

  private build(events: readonly string[], final: boolean): OutgoingBatch {
    const seq = this.options.session.nextSeq();
    const json = buildBatchJson(this.header(seq, final), events);
    return { sessionId: this.options.session.id, seq, final, json, bytes: utf8Length(json) };
  }

  private header(seq: number, final: boolean): BatchHeader {
    const { siteKey, visitorId, consentReceiptId, session, clock } = this.options;
    const header: BatchHeader = { v: 1, siteKey, sessionId: session.id, seq, sentAt: clock.now() };
    if (visitorId) header.visitorId = visitorId;
    if (consentReceiptId) header.consentReceiptId = consentReceiptId;
    if (final) header.final = true;
    return header;
  }

  private reset(): void {
    this.events = [];
    this.sizes = [];
    this.bytes = 0;
  }
}
