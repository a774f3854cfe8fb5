import { describe, expect, it } from 'vitest';
import { clockSkewNote } from '../../src/sessions/clockSkew';

describe('clockSkewNote: both times on a session whose page clock is off', () => {
  const received = Date.UTC(2026, 11, 6, 12, 0, 0);
  it('says nothing within a minute, or when an older server sent no receive time', () => {
    expect(clockSkewNote({ startedAt: received + 59_000, receivedAt: received })).toBeUndefined();
    expect(clockSkewNote({ startedAt: received - 59_000, receivedAt: received })).toBeUndefined();
    expect(clockSkewNote({ startedAt: received })).toBeUndefined();
  });
  it('names how far and which way the page clock is off', () => {
    expect(clockSkewNote({ startedAt: received - 21 * 86_400_000, receivedAt: received })).toMatch(
      /behind Veil's$/,
    );
    expect(clockSkewNote({ startedAt: received + 90_000, receivedAt: received })).toBe(
      "page clock 1m 30s ahead of Veil's",
    );
  });
});
