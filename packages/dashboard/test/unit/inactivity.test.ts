import type { RecordedEvent } from '@veil/core';
import { EventType, IncrementalSource, MouseInteraction } from '@veil/core';
import { describe, expect, it } from 'vitest';
import {
  INACTIVITY_EDGE_MS,
  inactiveStretches,
  MAX_SKIP_SPEED,
  skippingStretchAt,
  skipSpeed,
} from '../../src/replay/inactivity';

const T0 = 1_700_000_000_000;

function meta(ts: number): RecordedEvent {
  return {
    type: EventType.Meta,
    timestamp: T0 + ts,
    data: { href: 'https://a.example/', width: 1, height: 1 },
  };
}
function full(ts: number): RecordedEvent {
  return {
    type: EventType.FullSnapshot,
    timestamp: T0 + ts,
    data: { node: {}, initialOffset: { top: 0, left: 0 } },
  };
}
function incremental(ts: number, source: number, extra: Record<string, unknown> = {}): RecordedEvent {
  return { type: EventType.IncrementalSnapshot, timestamp: T0 + ts, data: { source, ...extra } };
}
const click = (ts: number) =>
  incremental(ts, IncrementalSource.MouseInteraction, { type: MouseInteraction.Click, id: 3, x: 1, y: 1 });
const mutation = (ts: number) => incremental(ts, IncrementalSource.Mutation, { adds: [], removes: [] });
const custom = (ts: number): RecordedEvent => ({
  type: EventType.Custom,
  timestamp: T0 + ts,
  data: { tag: 'x' },
});

describe('inactiveStretches', () => {
  it('finds a gap between interactions longer than the threshold, on the replay clock', () => {
    const stretches = inactiveStretches([
      meta(0),
      full(1),
      click(2_000),
      // DOM changes and custom events while nobody is there do not break the stretch.
      mutation(20_000),
      custom(30_000),
      incremental(62_000, IncrementalSource.Scroll, { id: 1, x: 0, y: 10 }),
      click(63_000),
    ]);
    expect(stretches).toEqual([{ startMs: 2_000, endMs: 62_000 }]);
  });

  it('counts an idle start and an idle end, and nothing at or under the threshold', () => {
    expect(inactiveStretches([full(0), click(15_000), click(25_000), mutation(40_000)], 10_000)).toEqual([
      { startMs: 0, endMs: 15_000 },
      { startMs: 25_000, endMs: 40_000 },
    ]);
    expect(inactiveStretches([full(0), click(10_000), click(20_000)], 10_000)).toEqual([]);
  });

  it('treats every user source and a page load as activity, in any event order', () => {
    const sources = [
      IncrementalSource.MouseMove,
      IncrementalSource.Input,
      IncrementalSource.TouchMove,
      IncrementalSource.ViewportResize,
      IncrementalSource.Drag,
      IncrementalSource.Selection,
    ];
    const events = sources.map((source, i) => incremental((i + 1) * 8_000, source));
    events.push(meta(56_000), full(0), click(64_000));
    events.reverse();
    expect(inactiveStretches(events, 10_000)).toEqual([]);
    expect(inactiveStretches([], 10_000)).toEqual([]);
  });
});

describe('skipping', () => {
  const stretch = { startMs: 2_000, endMs: 62_000 };

  it('skips the stretch but its edges', () => {
    expect(skippingStretchAt([stretch], 2_000 + INACTIVITY_EDGE_MS - 1)).toBeNull();
    expect(skippingStretchAt([stretch], 2_000 + INACTIVITY_EDGE_MS)).toBe(stretch);
    expect(skippingStretchAt([stretch], 40_000)).toBe(stretch);
    expect(skippingStretchAt([stretch], 62_000 - INACTIVITY_EDGE_MS)).toBeNull();
  });

  it('plays what is left in about a second, within the viewer speed and rrweb maximum', () => {
    expect(skipSpeed(stretch, 3_000, 1)).toBe(58);
    expect(skipSpeed(stretch, 60_500, 4)).toBe(4);
    expect(skipSpeed({ startMs: 0, endMs: 3_600_000 }, 1_000, 1)).toBe(MAX_SKIP_SPEED);
  });
});
