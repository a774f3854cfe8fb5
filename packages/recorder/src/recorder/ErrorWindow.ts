import { EventType } from '@veil/core';
import type { Clock, Teardown } from './clock.js';
import type { RecordedEventLike } from './rrwebOptions.js';

/** Most events held in memory; past it the oldest snapshot period goes (bounded memory). */
export const MAX_WINDOW_EVENTS = 20_000;

export interface ErrorWindowOptions {
  /** How far back the window reaches when an error happens, in ms. */
  windowMs: number;
  /** How long events go straight out after an error, in ms (each error extends it). */
  afterMs: number;
  clock: Clock;
  /**
   * Hands events on to be sent: once per error, the error first (so that the first batch the
   * server sees of the window carries it) and then the window in recorded order; afterwards each
   * event as it comes while the after-time runs.
   */
  send: (events: readonly RecordedEventLike[]) => void;
  /**
   * Called from a timer (never inside rrweb's emit) when buffering starts again without a full
   * snapshot in the buffer: the next window needs a new one to replay.
   */
  snapshot: () => void;
  /**
   * The buffer is cut at rrweb checkouts (Meta + full snapshot), so that what is sent always
   * starts with a snapshot. False for heatmap-only capture, which has none: cut by time alone.
   * @default true
   */
  cutAtSnapshots?: boolean;
  /** @default MAX_WINDOW_EVENTS */
  maxEvents?: number;
}

/**
 * Record-on-error's memory: the last `windowMs` of events (already masked and redacted: they came
 * through the recorder's walk), kept in the browser and never persisted, sent only when `error()`
 * is called. rrweb takes a new full snapshot every `windowMs` (`checkoutEveryNms`); events before
 * the latest checkout older than `windowMs` are dropped, so the buffer always starts with a full
 * snapshot and covers at least the last `windowMs` (at most about twice that).
 */
export class ErrorWindow {
  private buffer: RecordedEventLike[] = [];
  private liveTimer = 0;
  private isLive = false;
  private opened = false;
  /** The buffer was emptied without a snapshot to start from: wait for the next checkout. */
  private awaitingSnapshot = false;
  private readonly maxEvents: number;
  private readonly cutAtSnapshots: boolean;

  constructor(private readonly options: ErrorWindowOptions) {
    this.maxEvents = options.maxEvents ?? MAX_WINDOW_EVENTS;
    this.cutAtSnapshots = options.cutAtSnapshots ?? true;
  }

  /** True while events go straight out (an error happened less than `afterMs` ago). */
  get live(): boolean {
    return this.isLive;
  }

  /** True once a window has been sent in this page view. */
  get sentAny(): boolean {
    return this.opened;
  }

  /** Events held, oldest first (for tests and the size bound). */
  get held(): readonly RecordedEventLike[] {
    return this.buffer;
  }

  add(event: RecordedEventLike): void {
    if (this.isLive) {
      this.options.send([event]);
      return;
    }
    if (this.awaitingSnapshot) {
      // Events without the snapshot before them could not be replayed: not worth keeping.
      if (event.type !== EventType.Meta) return;
      this.awaitingSnapshot = false;
    }
    this.buffer.push(event);
    this.trim(this.options.clock.now());
  }

  /** An error that sends the window: `event` is its `veil.error` event. */
  error(event: RecordedEventLike): void {
    if (this.isLive) {
      this.options.send([event]);
    } else {
      const window = this.buffer;
      this.buffer = [];
      this.opened = true;
      this.isLive = true;
      this.options.send([event, ...window]);
    }
    const { clock } = this.options;
    clock.clearTimeout(this.liveTimer);
    this.liveTimer = clock.setTimeout(() => this.endLive(), this.options.afterMs);
  }

  /**
   * Drops the buffer (a new session starts, and takes its own full snapshot). Events up to that
   * snapshot are not kept.
   */
  reset(): void {
    this.buffer = [];
    if (this.cutAtSnapshots) this.awaitingSnapshot = true;
  }

  /** Stops the after-time timer and forgets the buffer. */
  readonly stop: Teardown = () => {
    this.options.clock.clearTimeout(this.liveTimer);
    this.isLive = false;
    this.buffer = [];
  };

  private endLive(): void {
    this.isLive = false;
    this.buffer = [];
    if (!this.cutAtSnapshots) return;
    this.awaitingSnapshot = true;
    this.options.snapshot();
  }

  /** Drops what lies before the latest checkout at or before `now - windowMs`, and past the cap. */
  private trim(now: number): void {
    const cutoff = now - this.options.windowMs;
    let from = 0;
    for (let i = 0; i < this.buffer.length; i++) {
      const event = this.buffer[i] as RecordedEventLike;
      if (event.timestamp > cutoff) break;
      if (!this.cutAtSnapshots) from = i + 1;
      else if (event.type === EventType.Meta) from = i;
    }
    if (from > 0) this.buffer.splice(0, from);
    if (this.buffer.length <= this.maxEvents) return;
    // Over the cap: drop up to the next checkout, so the buffer still starts with a snapshot;
    // without one, drop everything and ask for a new snapshot.
    const next = this.cutAtSnapshots
      ? this.buffer.findIndex((e, i) => i > 0 && e.type === EventType.Meta)
      : -1;
    if (next > 0) {
      this.buffer.splice(0, next);
    } else if (this.cutAtSnapshots) {
      this.buffer = [];
      this.awaitingSnapshot = true;
      // From a timer: this may run inside rrweb's emit, where a snapshot cannot be taken.
      this.options.clock.setTimeout(() => this.options.snapshot(), 0);
    } else {
      this.buffer.splice(0, this.buffer.length - this.maxEvents);
    }
  }
}
