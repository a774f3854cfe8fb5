import { EventType, IncrementalSource } from '@veil/core';
import { describe, expect, it } from 'vitest';
import { createCommandEvents } from '../../src/recorder/pageCommands.js';
import { isUserActivity } from '../../src/recorder/userActivity.js';

describe('page commands', () => {
  const toEvent = createCommandEvents([{ label: 'student id', pattern: 'S\\d{7}' }]);

  it('identify sends the user id only in a veil.identify event', () => {
    expect(toEvent(['identify', 'user-42'])).toEqual({
      tag: 'veil.identify',
      payload: { userId: 'user-42' },
    });
    expect(toEvent(['identify', 42])).toEqual({ tag: 'veil.identify', payload: { userId: '42' } });
    for (const bad of [undefined, '', {}, 'x'.repeat(257), Number.NaN])
      expect(toEvent(['identify', bad])).toBeNull();
  });

  it('tag emits veil.tag with PII in the value redacted', () => {
    expect(toEvent(['tag', 'plan', 'pro'])).toEqual({
      tag: 'veil.tag',
      payload: { key: 'plan', value: 'pro' },
    });
    expect(toEvent(['tag', 'seats', 3])).toEqual({ tag: 'veil.tag', payload: { key: 'seats', value: 3 } });
    expect(toEvent(['tag', 'beta', true])).toEqual({
      tag: 'veil.tag',
      payload: { key: 'beta', value: true },
    });
    expect(toEvent(['tag', 'contact', 'mail jane@example.org'])?.payload.value).toBe('mail ****************');
    expect(toEvent(['tag', 'student', 'S1234567'])?.payload.value).toBe('********');
    for (const bad of [['tag'], ['tag', '', 'v'], ['tag', 'k', {}], ['tag', 'x'.repeat(65), 'v'], ['nope']]) {
      expect(toEvent(bad)).toBeNull();
    }
  });
});

describe('user activity', () => {
  it('counts what the visitor does, not what the page does by itself', () => {
    const inc = (source: number) => ({ type: EventType.IncrementalSnapshot, timestamp: 1, data: { source } });
    expect(isUserActivity(inc(IncrementalSource.MouseInteraction))).toBe(true);
    expect(isUserActivity(inc(IncrementalSource.Input))).toBe(true);
    expect(isUserActivity(inc(IncrementalSource.Scroll))).toBe(true);
    expect(isUserActivity(inc(IncrementalSource.Mutation))).toBe(false);
    expect(isUserActivity({ type: EventType.FullSnapshot, timestamp: 1, data: {} })).toBe(false);
    expect(isUserActivity({ type: EventType.Custom, timestamp: 1, data: {} })).toBe(false);
  });
});
