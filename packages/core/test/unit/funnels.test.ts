import { describe, expect, it } from 'vitest';
import { funnelReach, kAnonymousFunnel, PATH_EXIT, topPaths } from '../../src/index.js';

describe('funnelReach', () => {
  it('counts steps reached in order, other pages in between allowed', () => {
    const reached = funnelReach(
      [['/', '/x', '/item/1', '/cart'], ['/', '/cart', '/item/2'], ['/cart', '/'], ['/blog']],
      ['/', '/item/:id', '/cart'],
    );
    expect(reached).toEqual([3, 2, 1]);
  });
});

describe('kAnonymousFunnel', () => {
  it('withholds steps below k (zero too) and everything below the minimum cohort', () => {
    expect(kAnonymousFunnel(['/a', '/b', '/c'], [10, 4, 0], 5).steps.map((s) => s.sessions)).toEqual([
      10,
      null,
      null,
    ]);
    expect(kAnonymousFunnel(['/a', '/b'], [4, 4], 5)).toMatchObject({ cohortShown: false, suppressed: 2 });
  });
});

describe('topPaths', () => {
  it('counts each session once at its first visit, by page pattern', () => {
    const r = topPaths([['/', '/item/1', '/', '/about'], ['/', '/item/2'], ['/']], '/', 'after', 2);
    expect(r).toEqual({ paths: [{ page: '/item/:id', sessions: 2 }], sessions: 3, suppressed: 1 });
    expect(topPaths([['/']], '/', 'after', 1).paths).toEqual([{ page: PATH_EXIT, sessions: 1 }]);
  });
});
