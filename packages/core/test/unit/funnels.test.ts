import { describe, expect, it } from 'vitest';
import {
  decodeFunnelItems,
  encodeFunnelItems,
  funnelItems,
  funnelReach,
  kAnonymousFunnel,
  kAnonymousPaths,
  MAX_FUNNEL_ITEMS_PER_SESSION,
  PATH_ENTRY,
  PATH_EXIT,
  pathNeighbour,
  pathReach,
} from '../../src/index.js';

const session = (visitor: string, pages: string[]) => ({ visitor, items: pages.map((page) => ({ page })) });
const steps = (...pages: string[]) => pages.map((page) => ({ page }));

describe('funnelReach', () => {
  it('counts steps reached in order, other pages in between allowed, sessions and distinct visitors', () => {
    const reached = funnelReach(
      [
        session('v1', ['/', '/x', '/item/1', '/cart']),
        session('v1', ['/', '/cart', '/item/2']),
        session('v2', ['/cart', '/']),
        session('v3', ['/blog']),
      ],
      steps('/', '/item/:id', '/cart'),
    );
    expect(reached).toEqual({ sessions: [3, 2, 1], visitors: [2, 1, 1] });
  });

  it('a click step needs a click on that element on a matching page, not only the page', () => {
    const s = [
      { visitor: 'a', items: [{ page: '/cart' }, { page: '/cart', click: 'button#pay' }] },
      { visitor: 'b', items: [{ page: '/cart' }, { page: '/cart', click: 'a#back' }] },
    ];
    expect(funnelReach(s, [{ page: '/cart' }, { page: '/cart', click: 'button#pay' }])).toEqual({
      sessions: [2, 1],
      visitors: [2, 1],
    });
  });
});

describe('kAnonymousFunnel', () => {
  it('withholds steps below k (zero too) and everything below the minimum cohort', () => {
    const shown = kAnonymousFunnel(
      steps('/a', '/b', '/c'),
      { sessions: [30, 4, 0], visitors: [25, 4, 0] },
      5,
    );
    expect(shown.steps.map((s) => s.sessions)).toEqual([30, null, null]);
    expect(
      kAnonymousFunnel(steps('/a', '/b'), { sessions: [19, 19], visitors: [19, 19] }, 5, 20),
    ).toMatchObject({ cohortShown: false });
    expect(
      kAnonymousFunnel(steps('/a', '/b'), { sessions: [25, 25], visitors: [20, 20] }, 5, 20),
    ).toMatchObject({
      cohortShown: true,
      suppressed: 0,
    });
  });
});

describe('top paths', () => {
  const visit = (visitor: string, ...pages: string[]) => session(visitor, pages);
  it('counts each session once at its first visit, by page pattern, clicks left out', () => {
    const r = pathReach(
      [
        visit('a', '/', '/item/1', '/', '/about'),
        { visitor: 'b', items: [{ page: '/' }, { page: '/', click: 'button' }, { page: '/item/2' }] },
        visit('c', '/'),
        visit('d', '/about'),
      ],
      '/',
      'after',
    );
    expect(r).toEqual({
      sessions: 3,
      visitors: 3,
      rows: [
        { page: '/item/:id', sessions: 2, visitors: 2 },
        { page: PATH_EXIT, sessions: 1, visitors: 1 },
      ],
    });
    expect(pathNeighbour([{ page: '/a' }, { page: '/b' }], '/b', 'before')).toBe('/a');
    expect(pathNeighbour([{ page: '/a' }], '/a', 'before')).toBe(PATH_ENTRY);
    expect(pathNeighbour([{ page: '/a' }], '/b', 'after')).toBeUndefined();
  });

  it('withholds rows below k distinct visitors however many sessions, and everything below the cohort', () => {
    const reach = {
      sessions: 30,
      visitors: 21,
      rows: [
        { page: '/item/:id', sessions: 20, visitors: 20 },
        { page: '/promo', sessions: 8, visitors: 1 },
        { page: PATH_EXIT, sessions: 2, visitors: 2 },
      ],
    };
    expect(kAnonymousPaths(reach, 5, 20)).toEqual({
      k: 5,
      minCohort: 20,
      cohortShown: true,
      sessions: 30,
      suppressed: 2,
      paths: [{ page: '/item/:id', sessions: 20 }],
    });
    expect(kAnonymousPaths(reach, 5, 22)).toEqual({
      k: 5,
      minCohort: 22,
      cohortShown: false,
      sessions: 0,
      suppressed: 0,
      paths: [],
    });
  });
});

describe('funnel sequences kept at ingest', () => {
  it('merges page views and clicks by time, a page view first at one instant, repeats of a page collapsed', () => {
    const items = funnelItems(
      [
        { ts: 10, path: '/' },
        { ts: 20, path: '/' },
        { ts: 30, path: '/cart' },
        { ts: 50, path: '/checkout' },
      ],
      [
        { ts: 30, page: '/cart', element: 'button#pay' },
        { ts: 5, page: '/', element: 'a#logo' },
      ],
    );
    expect(items).toEqual([
      { page: '/', click: 'a#logo' },
      { page: '/' },
      { page: '/cart' },
      { page: '/cart', click: 'button#pay' },
      { page: '/checkout' },
    ]);
    const many = funnelItems(
      Array.from({ length: MAX_FUNNEL_ITEMS_PER_SESSION + 5 }, (_, i) => ({ ts: i, path: `/p/${i}` })),
      [],
    );
    expect(many).toHaveLength(MAX_FUNNEL_ITEMS_PER_SESSION);
  });

  it('encodes items as text and reads them back, whatever the element path holds', () => {
    const items = [{ page: '/' }, { page: '/a"b', click: 'div[data-x="],["]>a' }, { page: '/\\n' }];
    expect(decodeFunnelItems(encodeFunnelItems(items))).toEqual(items);
    expect(decodeFunnelItems('not json')).toEqual([]);
    expect(decodeFunnelItems('[1,["/"],"/x"]')).toEqual([{ page: '/x' }]);
  });
});
