import {
  type ClickTargetKind,
  DEAD_CLICK_WINDOW_MS,
  deadClickVerdict,
  findRageClicks,
  type HeatmapClickPayload,
  RAGE_CLICK_WINDOW_MS,
  respondsTo,
} from '@veil/core';
import type { Clock, ErrorReporter } from '../clock.js';

/** A click as the page saw it, before rage and dead are known. */
export type ObservedClick = Omit<HeatmapClickPayload, 'rage' | 'dead'> & { kind: ClickTargetKind; t: number };

export interface ClickTracker {
  /** A `pointerdown` at `t`: the next click's response window opens here. */
  pointerDown(t: number): void;
  add(click: ObservedClick): void;
  /** Something visible happened at `t` (DOM change, navigation, scroll, other): it answers the
   *  waiting clicks whose window contains `t`. */
  respond(t: number): void;
  /** The page hides or goes away: every waiting click is emitted now. Leaving answers the clicks
   *  whose window is still open (a navigation, or a new tab taking over). */
  flush(): void;
  /** Forgets everything (capture stops). */
  discard(): void;
  readonly waiting: number;
}

interface Pending {
  click: ObservedClick;
  pointerDownAt?: number;
  respondedAt?: number;
}

/**
 * Holds each click until its dead-click window has passed, then emits it with its rage and dead
 * flags decided by core's pure rules (`findRageClicks`, `deadClickVerdict`).
 */
export function createClickTracker(
  clock: Clock,
  emit: (click: HeatmapClickPayload, timestamp: number) => void,
  onError: ErrorReporter,
): ClickTracker {
  let pending: Pending[] = [];
  /** Recent clicks, emitted or not: rage bursts span them. */
  let recent: ObservedClick[] = [];
  let downAt: number | undefined;
  /** The latest response: one between the press and the click answers that click. */
  let lastResponse: number | undefined;
  let timer: number | undefined;
  const W = DEAD_CLICK_WINDOW_MS;
  const timing = (p: Pending) => ({
    kind: p.click.kind,
    clickAt: p.click.t,
    pointerDownAt: p.pointerDownAt,
    respondedAt: p.respondedAt,
  });

  const emitFirst = (now: number) => {
    const p = pending.shift()!;
    const { kind, t, ...payload } = p.click;
    const near = recent.filter((c) => Math.abs(c.t - t) <= RAGE_CLICK_WINDOW_MS);
    const rage = findRageClicks(near)[near.indexOf(p.click)] === true;
    const dead = deadClickVerdict(timing(p), Math.max(now, t + W + 1)) === 'dead';
    emit({ ...payload, rage, dead }, t);
  };

  const tick = () => {
    const now = clock.now();
    while (pending[0] && now > pending[0].click.t + W) emitFirst(now);
    recent = recent.filter((c) => c.t >= now - 2 * RAGE_CLICK_WINDOW_MS - W);
    schedule();
  };

  const schedule = () => {
    if (timer !== undefined) clock.clearTimeout(timer);
    timer = undefined;
    const first = pending[0];
    if (!first) return;
    timer = clock.setTimeout(
      () => {
        timer = undefined;
        try {
          tick();
        } catch (error) {
          onError(error, 'heatmap.clicks');
        }
      },
      Math.max(0, first.click.t + W + 1 - clock.now()),
    );
  };

  return {
    pointerDown(t) {
      downAt = t;
    },
    add(click) {
      const p: Pending = { click, pointerDownAt: downAt };
      if (lastResponse !== undefined && respondsTo(timing(p), lastResponse)) p.respondedAt = lastResponse;
      pending.push(p);
      downAt = undefined;
      recent.push(click);
      schedule();
    },
    respond(t) {
      lastResponse = t;
      for (const p of pending) if (p.respondedAt === undefined && respondsTo(timing(p), t)) p.respondedAt = t;
    },
    flush() {
      const now = clock.now();
      for (const p of pending) if (now <= p.click.t + W) p.respondedAt ??= now;
      while (pending.length > 0) emitFirst(now);
      schedule();
    },
    discard() {
      pending = [];
      recent = [];
      schedule();
    },
    get waiting() {
      return pending.length;
    },
  };
}
