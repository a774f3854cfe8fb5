import { randomBytes } from 'node:crypto';
import { isSessionSampled, sessionSamplePoint } from '@veil/core';
import { describe, expect, it } from 'vitest';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
/** Ids shaped like the recorder's: 22 url-safe characters. */
function randomIds(n: number): string[] {
  const bytes = randomBytes(n * 22);
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    let id = '';
    for (let j = 0; j < 22; j++) id += ALPHABET[(bytes[i * 22 + j] ?? 0) & 63];
    ids.push(id);
  }
  return ids;
}

describe('isSessionSampled', () => {
  it('pins the hash: the loader, the recorder and the server must agree across releases', () => {
    expect([
      sessionSamplePoint('AAAAAAAAAAAAAAAAAAAAAA'),
      sessionSamplePoint('session-0001'),
      sessionSamplePoint('session-0002'),
    ]).toMatchInlineSnapshot(`
      [
        71.922153304331,
        54.03490986209363,
        17.926393751986325,
      ]
    `);
  });

  it('is deterministic: the same id gets the same answer every time, at every percent', () => {
    for (const id of randomIds(1_000)) {
      const point = sessionSamplePoint(id);
      expect(sessionSamplePoint(id)).toBe(point);
      expect(point).toBeGreaterThanOrEqual(0);
      expect(point).toBeLessThan(100);
      for (const percent of [0.01, 1, 20, 50.5, 99.99]) {
        expect(isSessionSampled(id, percent)).toBe(point < percent);
        expect(isSessionSampled(id, percent)).toBe(isSessionSampled(id, percent));
      }
    }
  });

  it('never samples at 0 (or below, or NaN) and always at 100', () => {
    for (const id of [...randomIds(2_000), '', 'x']) {
      expect(isSessionSampled(id, 0)).toBe(false);
      expect(isSessionSampled(id, -5)).toBe(false);
      expect(isSessionSampled(id, Number.NaN)).toBe(false);
      expect(isSessionSampled(id, 100)).toBe(true);
    }
  });

  it('a lower percent samples a subset of a higher one (tightening keeps only accepted sessions)', () => {
    for (const id of randomIds(5_000)) {
      if (isSessionSampled(id, 5)) expect(isSessionSampled(id, 20)).toBe(true);
      if (!isSessionSampled(id, 20)) expect(isSessionSampled(id, 5)).toBe(false);
    }
  });

  it('is well distributed: 100k random ids fill 100 buckets evenly and hit fractional percents', () => {
    const n = 100_000;
    const ids = randomIds(n);
    const buckets = new Array<number>(100).fill(0);
    for (const id of ids) buckets[Math.floor(sessionSamplePoint(id))]! += 1;
    // Chi-square with 99 degrees of freedom: the 99.9th percentile is about 148.
    const expected = n / 100;
    const chi2 = buckets.reduce((sum, b) => sum + (b - expected) ** 2 / expected, 0);
    expect(chi2).toBeLessThan(148);
    // Each percent within 4.5 standard deviations (sd = sqrt(n p (1-p))).
    for (const percent of [0.1, 0.5, 1, 2.5, 10, 20, 33.3, 50, 90, 99.9]) {
      const hits = ids.filter((id) => isSessionSampled(id, percent)).length;
      const mean = (n * percent) / 100;
      const sd = Math.sqrt(mean * (1 - percent / 100));
      expect(Math.abs(hits - mean), `${percent} %: ${hits} of ${n}`).toBeLessThan(4.5 * sd);
    }
  });

  it('spreads ids that differ in one character (sequential ids are not sampled together)', () => {
    const ids = Array.from({ length: 10_000 }, (_, i) => `session-${String(i).padStart(6, '0')}`);
    const hits = ids.filter((id) => isSessionSampled(id, 20)).length;
    expect(hits).toBeGreaterThan(1_800);
    expect(hits).toBeLessThan(2_200);
  });
});
