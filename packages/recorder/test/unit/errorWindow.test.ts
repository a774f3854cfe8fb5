import { EventType, IncrementalSource, VeilCustomTag } from '@veil/core';
import { describe, expect, it } from 'vitest';
import { ErrorWindow } from '../../src/recorder/ErrorWindow.js';
import type { RecordedEventLike } from '../../src/recorder/rrwebOptions.js';
import { FakeClock } from './support/fakes.js';

const WINDOW_MS = 10_000;
const AFTER_MS = 5_000;

function setup(options: { maxEvents?: number; cutAtSnapshots?: boolean } = {}) {
  const clock = new FakeClock();
  const sent: RecordedEventLike[][] = [];
  let snapshots = 0;
  const window = new ErrorWindow({
    windowMs: WINDOW_MS,
    afterMs: AFTER_MS,
    clock,
    send: (events) => sent.push([...events]),
    snapshot: () => {
      snapshots++;
      // What rrweb does on takeFullSnapshot: a Meta and a full snapshot, emitted at once.
      window.add(meta(clock.now()));
      window.add(full(clock.now()));
    },
    ...options,
  });
  return { clock, sent, window, snapshots: () => snapshots };
}

const meta = (ts: number): RecordedEventLike => ({
  type: EventType.Meta,
  timestamp: ts,
  data: { href: 'x' },
});
const full = (ts: number): RecordedEventLike => ({ type: EventType.FullSnapshot, timestamp: ts, data: {} });
const move = (ts: number): RecordedEventLike => ({
  type: EventType.IncrementalSnapshot,
  timestamp: ts,
  data: { source: IncrementalSource.MouseMove, positions: [] },
});
const error = (ts: number): RecordedEventLike => ({
  type: EventType.Custom,
  timestamp: ts,
  data: { tag: VeilCustomTag.Error, payload: { kind: 'error', message: 'boom', path: '/' } },
});

/** Runs `seconds` of a page: a checkout every WINDOW_MS (as `checkoutEveryNms` does), a move each second. */
function play(s: ReturnType<typeof setup>, seconds: number): void {
  for (let i = 0; i < seconds; i++) {
    const now = s.clock.now();
    if (i % (WINDOW_MS / 1000) === 0) {
      s.window.add(meta(now));
      s.window.add(full(now));
    }
    s.window.add(move(now));
    s.clock.advance(1_000);
  }
}

describe('ErrorWindow', () => {
  it('sends nothing while no error happens, however long the page runs', () => {
    const s = setup();
    play(s, 600);
    expect(s.sent).toEqual([]);
    // Bounded: never much more than two checkout periods in memory.
    expect(s.window.held.length).toBeLessThanOrEqual(2 * (WINDOW_MS / 1000) + 4);
    expect(s.window.sentAny).toBe(false);
  });

  it('keeps from the latest checkout older than the window: the sent window starts with a snapshot', () => {
    const s = setup();
    const start = s.clock.now();
    play(s, 25); // checkouts at 0 s, 10 s, 20 s; now 25 s
    const held = s.window.held;
    expect(held[0]?.type).toBe(EventType.Meta);
    expect(held[1]?.type).toBe(EventType.FullSnapshot);
    // The checkout at 10 s is the latest one at or before now − 10 s = 15 s.
    expect(held[0]?.timestamp).toBe(start + 10_000);
    // And the window reaches at least WINDOW_MS back.
    expect(s.clock.now() - (held[0]?.timestamp ?? 0)).toBeGreaterThanOrEqual(WINDOW_MS);
  });

  it('on an error sends the error first, then the window in order, then records for the time after', () => {
    const s = setup();
    play(s, 25);
    const windowEvents = [...s.window.held];
    const err = error(s.clock.now());
    s.window.error(err);
    expect(s.sent).toEqual([[err, ...windowEvents]]);
    expect(s.window.live).toBe(true);
    expect(s.window.held).toEqual([]);

    // While the time after runs, events go straight out.
    s.window.add(move(s.clock.now()));
    expect(s.sent).toHaveLength(2);
    s.clock.advance(AFTER_MS - 1);
    s.window.add(move(s.clock.now()));
    expect(s.sent).toHaveLength(3);

    // Then buffering again, starting with a fresh full snapshot, and nothing more is sent.
    s.clock.advance(1);
    expect(s.window.live).toBe(false);
    expect(s.snapshots()).toBe(1);
    expect(s.window.held.map((e) => e.type)).toEqual([EventType.Meta, EventType.FullSnapshot]);
    play(s, 30);
    expect(s.sent).toHaveLength(3);
    expect(s.window.sentAny).toBe(true);
  });

  it('a second error during the time after extends it and is sent at once', () => {
    const s = setup();
    play(s, 3);
    s.window.error(error(s.clock.now()));
    s.clock.advance(4_000);
    const second = error(s.clock.now());
    s.window.error(second);
    expect(s.sent.at(-1)).toEqual([second]);
    s.clock.advance(4_000);
    expect(s.window.live).toBe(true);
    s.clock.advance(1_000);
    expect(s.window.live).toBe(false);
  });

  it('bounds memory: past the cap it drops to the next checkout, or everything and asks for a snapshot', () => {
    const s = setup({ maxEvents: 15 });
    s.window.add(meta(s.clock.now()));
    s.window.add(full(s.clock.now()));
    for (let i = 0; i < 8; i++) s.window.add(move(s.clock.now()));
    s.window.add(meta(s.clock.now()));
    s.window.add(full(s.clock.now()));
    for (let i = 0; i < 4; i++) s.window.add(move(s.clock.now()));
    expect(s.window.held[0]?.type).toBe(EventType.Meta);
    expect(s.window.held.length).toBeLessThanOrEqual(15);

    for (let i = 0; i < 20; i++) s.window.add(move(s.clock.now()));
    expect(s.window.held.length).toBeLessThanOrEqual(15);
    s.clock.advance(0);
    expect(s.snapshots()).toBeGreaterThanOrEqual(1);
    expect(s.window.held[0]?.type).toBe(EventType.Meta);
  });

  it('without snapshots (heatmap-only) cuts by time alone', () => {
    const s = setup({ cutAtSnapshots: false });
    for (let i = 0; i < 30; i++) {
      s.window.add(move(s.clock.now()));
      s.clock.advance(1_000);
    }
    const held = s.window.held;
    expect(s.clock.now() - (held[0]?.timestamp ?? 0)).toBeLessThanOrEqual(WINDOW_MS + 1_000);
    expect(held.length).toBeLessThanOrEqual(11);
  });

  it('stop forgets the buffer and the timer', () => {
    const s = setup();
    play(s, 5);
    s.window.error(error(s.clock.now()));
    s.window.stop();
    expect(s.window.live).toBe(false);
    expect(s.clock.pendingTimers).toBe(0);
  });
});
