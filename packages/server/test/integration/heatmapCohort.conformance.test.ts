import {
  bucketsContainingDay,
  DEFAULT_PRIVACY_POLICY,
  type DeviceClass,
  type ParsedHeatmapEvent,
  parseHeatmapEvent,
  type RecordedEvent,
  type ReferrerClass,
  type SegmentFilter,
  segmentKeysOf,
  utcDay,
} from '@veil/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coarserFilters, familyKeys } from '../../src/heatmap/heatmapCohort.js';
import { collectDeltas, targetsOf } from '../../src/heatmap/heatmapDeltas.js';
import {
  attentionHeatmap,
  clickHeatmap,
  type HeatmapQuery,
  heatmapPages,
  scrollHeatmap,
} from '../../src/heatmap/heatmapQueries.js';
import { SeenSet } from '../../src/heatmap/seenSet.js';
import { decodeVisitorSets, encodeVisitorSets, type VisitorSets } from '../../src/heatmap/visitorSets.js';
import type { Store } from '../../src/storage/Store.js';
import type { SiteRecord } from '../../src/storage/sites/SiteRepository.js';
import { attentionEvent, clickEvent, scrollEvent, viewEvent } from '../support/heatmapEvents.js';
import { storeBackends } from '../support/storeBackends.js';

// The minimum cohort and k of heatmaps on distinct visitors, the same on SQLite and PostgreSQL:
// elements and cells count visitors (one visitor's 30 sessions open nothing), a segment whose rest
// is a handful of visitors is refused, and a quiet day is left out of a range and named, not the
// whole range refused. Visitors are given by their bit, so every count here is exact.

const T = Date.UTC(2025, 4, 5, 10);
const DAY = utcDay(T);
const ISO = (day: number) => new Date(day * 86_400_000).toISOString().slice(0, 10);
const X = 'main#main>button:nth-of-type(1)';
const Y = 'main#main>a:nth-of-type(2)';
const Z = 'main#main>p:nth-of-type(3)';

interface Session {
  bit: number;
  day?: number;
  device?: DeviceClass;
  tags?: Array<[string, string]>;
  visitor?: 'new' | 'returning';
  referrer?: ReferrerClass;
  path?: string;
  events: (t: number) => RecordedEvent[];
}

function write(s: Session) {
  const day = s.day ?? DAY;
  const t = day * 86_400_000 + 3_600_000;
  const path = s.path ?? '/';
  const events = [viewEvent(t, { path }), ...s.events(t)].map(
    (e) => parseHeatmapEvent(e) as ParsedHeatmapEvent,
  );
  const deltas = collectDeltas(events, { pagePatterns: [], seen: new SeenSet() });
  const segments = segmentKeysOf({
    visitor: s.visitor ?? 'new',
    referrer: s.referrer ?? 'direct',
    region: null,
    tags: s.tags ?? [],
  });
  return {
    deltas,
    targets: targetsOf(s.device ?? 'desktop', segments, bucketsContainingDay(day)),
    visitorBit: s.bit,
  };
}

const click =
  (el: string, x: number, y: number, rx = 0.5, ry = 0.5) =>
  (t: number) => [clickEvent(t + 100, { el, x, y, rx, ry })];

describe.each(await storeBackends())('heatmap cohort on visitors: $name', (backend) => {
  let store: Store;
  let cleanup: () => Promise<void>;
  let n = 0;
  const site = (): Promise<SiteRecord> =>
    store.sites.create({
      siteKey: `heatmap_cohort_${n++}`,
      name: 'cohort',
      origins: ['https://c.example'],
      policy: DEFAULT_PRIVACY_POLICY,
      createdAt: T,
    });
  const add = (s: SiteRecord, sessions: Session[]) =>
    store.heatmaps.addAggregates(s.id, sessions.map(write), T);
  const query = (s: SiteRecord, over: Partial<HeatmapQuery> = {}): HeatmapQuery => ({
    siteId: s.id,
    pattern: '/',
    devices: ['desktop'],
    fromDay: DAY,
    toDay: DAY,
    filter: {},
    k: 5,
    minCohort: 20,
    ...over,
  });
  const refused = (p: Promise<unknown>) =>
    p.then(
      () => 'answered',
      (e: { code?: string }) => e.code,
    );

  beforeAll(async () => {
    ({ store, cleanup } = await backend.open());
  });
  afterAll(async () => {
    await store?.close();
    await cleanup?.();
  });

  it('counts visitors for elements, grid cells, page cells, dwell and scroll depth: one visitor in 30 sessions opens none', async () => {
    const s = await site();
    const sessions: Session[] = [];
    for (let i = 0; i < 30; i++) {
      sessions.push({
        bit: 7,
        events: (t) => [
          clickEvent(t + 100, { el: X, x: 900, y: 900 }),
          clickEvent(t + 200, { el: Y, x: 40, y: 40, rx: 0.05, ry: 0.05 }),
          attentionEvent(t + 300, { cells: [[50, 50, 2_000]], els: [[Z, 2_000]] }),
          scrollEvent(t + 400, { pct: 100 }),
        ],
      });
    }
    for (let v = 0; v < 24; v++) {
      sessions.push({
        bit: 100 + v,
        events: (t) => [
          clickEvent(t + 100, { el: Y, x: 20, y: 20, rx: 0.5, ry: 0.5 }),
          attentionEvent(t + 300, { cells: [[1, 1, 1_000]], els: [[Y, 1_000]] }),
          scrollEvent(t + 400, { pct: 50 }),
        ],
      });
    }
    await add(s, sessions);

    const clicks = await clickHeatmap(store, query(s));
    expect(clicks?.totals).toMatchObject({ sessions: 54, clicks: 84 });
    expect(clicks?.elements.map((e) => e.path)).toEqual([Y]);
    // Y's corner cell: 30 clicks in 30 sessions, one visitor.
    expect(clicks?.elements[0]?.grid).toEqual([[4 * 8 + 4, 24, 0, 0]]);
    expect(clicks?.cells).toEqual([[1, 1, 24, 0, 0]]);
    expect(clicks?.suppressed).toEqual({ elements: 1, cells: 2, gridCells: 1 });

    const attention = await attentionHeatmap(store, query(s));
    expect(attention?.elements.map((e) => e.path)).toEqual([Y]);
    expect(attention?.cells).toEqual([[1, 1, 24_000]]);
    expect(attention?.suppressed).toEqual({ elements: 1, cells: 1 });

    const scroll = await scrollHeatmap(store, query(s));
    expect(scroll?.views).toBe(54);
    expect(scroll?.reach[50]).toBe(1);
    expect(scroll?.reach[51]).toBe(0);
    expect(scroll?.reach[100]).toBe(0);

    // Four more visitors on X: 5 distinct visitors, now it is shown.
    await add(
      s,
      [0, 1, 2, 3].map((v) => ({ bit: 200 + v, events: click(X, 900, 900) })),
    );
    const again = await clickHeatmap(store, query(s));
    expect(again?.elements.map((e) => e.path).sort()).toEqual([X, Y].sort());
    expect(again?.cells).toContainEqual([56, 56, 34, 0, 0]);
  });

  it("refuses a segment whose rest is fewer than the minimum: the whole minus a tag is not one visitor's", async () => {
    const s = await site();
    const tagged: Session[] = [];
    for (let v = 0; v < 22; v++) tagged.push({ bit: v, tags: [['plan', 'pro']], events: click(X, 10, 10) });
    // One visitor without the tag, clicking somewhere else.
    await add(s, [...tagged, { bit: 500, events: click(Y, 700, 700) }]);
    const pro: SegmentFilter = { tag: ['plan', 'pro'] };
    expect(await refused(clickHeatmap(store, query(s)))).toBe('answered');
    expect(await refused(clickHeatmap(store, query(s, { filter: pro })))).toBe('cohort_too_small');
    expect(await refused(heatmapPages(store, { ...query(s, { filter: pro }), devices: ['desktop'] }))).toBe(
      'cohort_too_small',
    );
    // 20 visitors without the tag: the rest is a crowd too, the segment is answered.
    await add(
      s,
      Array.from({ length: 19 }, (_, v) => ({ bit: 600 + v, events: click(Y, 700, 700) })),
    );
    const answered = await clickHeatmap(store, query(s, { filter: pro }));
    expect(answered?.totals.sessions).toBe(22);
    // A segment without a rest (every session tagged) is answered as well.
    const all = await site();
    await add(all, tagged);
    expect((await clickHeatmap(store, query(all, { filter: pro })))?.totals.sessions).toBe(22);
  });

  it('checks the rest per device class: narrowing a segment to a device class cannot single out its rest', async () => {
    const s = await site();
    const tagged = (device: DeviceClass, from: number): Session[] =>
      Array.from({ length: 21 }, (_, v) => ({
        bit: from + v,
        device,
        tags: [['plan', 'pro']],
        events: click(X, 10, 10),
      }));
    // On mobile one visitor has no tag; on desktop everyone has it.
    await add(s, [
      ...tagged('desktop', 0),
      ...tagged('mobile', 100),
      { bit: 900, device: 'mobile', events: click(Y, 10, 10) },
    ]);
    const pro: SegmentFilter = { tag: ['plan', 'pro'] };
    expect((await clickHeatmap(store, query(s, { filter: pro })))?.totals.sessions).toBe(21);
    expect(await refused(clickHeatmap(store, query(s, { filter: pro, devices: ['mobile'] })))).toBe(
      'cohort_too_small',
    );
    expect((await clickHeatmap(store, query(s, { devices: ['mobile'] })))?.totals.sessions).toBe(22);
    expect(
      await refused(heatmapPages(store, { ...query(s, { filter: pro }), devices: ['desktop', 'mobile'] })),
    ).toBe('cohort_too_small');
    expect(
      (await heatmapPages(store, { ...query(s, { filter: pro }), devices: ['desktop'] })).pages,
    ).toHaveLength(1);
  });

  it('leaves a quiet day out of a range and names it; overlapping ranges differ by whole days of 20 visitors', async () => {
    const s = await site();
    const day1: Session[] = Array.from({ length: 24 }, (_, v) => ({
      bit: v,
      day: DAY,
      events: click(X, 10, 10),
    }));
    const day3: Session[] = Array.from({ length: 22 }, (_, v) => ({
      bit: 100 + v,
      day: DAY + 2,
      events: click(X, 10, 10),
    }));
    // Day 2: one visitor alone, clicking an element nobody else did.
    await add(s, [...day1, { bit: 999, day: DAY + 1, events: click(Z, 800, 800) }, ...day3]);
    const range = (from: number, to: number) => clickHeatmap(store, query(s, { fromDay: from, toDay: to }));
    const month = await range(DAY - 10, DAY + 20);
    expect(month?.withheldDays).toEqual([ISO(DAY + 1)]);
    expect(month?.totals.sessions).toBe(46);
    expect(JSON.stringify(month)).not.toContain(Z);
    const first = await range(DAY, DAY);
    const firstTwo = await range(DAY, DAY + 1);
    expect(firstTwo?.totals).toEqual(first?.totals);
    expect(firstTwo?.cells).toEqual(first?.cells);
    expect(await refused(range(DAY + 1, DAY + 1))).toBe('cohort_too_small');
    const pages = await heatmapPages(store, { ...query(s), fromDay: DAY, toDay: DAY + 2 });
    expect(pages).toMatchObject({ withheldDays: [ISO(DAY + 1)], pages: [{ pattern: '/', sessions: 46 }] });
  });

  it('holds k per day and device class for elements, cells, grid cells and scroll depth: two overlapping queries one visitor apart show the same of it', async () => {
    const s = await site();
    const crowd = (day: number, from: number, n: number, device: DeviceClass = 'desktop'): Session[] =>
      Array.from({ length: n }, (_, v) => ({
        bit: from + v,
        day,
        device,
        events: (t) => [clickEvent(t + 100, { el: X, x: 10, y: 10 }), scrollEvent(t + 200, { pct: 50 })],
      }));
    // Z on day 1: six visitors (k = 5) click it and scroll to the bottom, among 24.
    const onZ = (bit: number, day: number, device: DeviceClass = 'desktop'): Session => ({
      bit,
      day,
      device,
      events: (t) => [
        clickEvent(t + 100, { el: Z, x: 800, y: 800, rx: 0.05, ry: 0.05 }),
        scrollEvent(t + 200, { pct: 100 }),
      ],
    });
    await add(s, [
      ...crowd(DAY, 0, 18),
      ...[0, 1, 2, 3, 4, 5].map((v) => onZ(100 + v, DAY)),
      // Day 2 (a released day of 23 visitors): only one of them clicks Z and scrolls to the bottom.
      ...crowd(DAY + 1, 200, 22),
      onZ(999, DAY + 1),
      // Mobile on day 1: 21 visitors, one of them on Z.
      ...crowd(DAY, 300, 20, 'mobile'),
      onZ(998, DAY, 'mobile'),
    ]);
    const ofZ = (answer: Awaited<ReturnType<typeof clickHeatmap>>) => {
      const z = answer?.elements.find((e) => e.path === Z);
      return {
        clicks: z?.clicks,
        sessions: z?.sessions,
        grid: z?.grid,
        cell: answer?.cells.find((c) => c[0] === 50),
      };
    };
    const dayOne = await clickHeatmap(store, query(s));
    const both = await clickHeatmap(store, query(s, { toDay: DAY + 1 }));
    expect(both?.withheldDays).toEqual([]);
    expect(both?.totals.sessions).toBe(47);
    expect(ofZ(dayOne)).toEqual({ clicks: 6, sessions: 6, grid: [[0, 6, 0, 0]], cell: [50, 50, 6, 0, 0] });
    // The second day adds its 22 visitors on X, and nothing of the one visitor on Z.
    expect(ofZ(both)).toEqual(ofZ(dayOne));
    expect(both?.elements.find((e) => e.path === X)?.clicks).toBe(18 + 22);
    // The same across device classes: adding mobile adds nothing of its one visitor on Z.
    const twoDevices = await clickHeatmap(store, query(s, { devices: ['desktop', 'mobile'] }));
    expect(ofZ(twoDevices)).toEqual(ofZ(dayOne));
    // Scroll depth: page views at the bottom stay six (the second day's one is cut to its day's depth).
    const atBottom = async (over: Partial<HeatmapQuery>) => {
      const scroll = await scrollHeatmap(store, query(s, over));
      return Math.round((scroll?.reach[100] ?? 0) * (scroll?.views ?? 0));
    };
    expect(await atBottom({})).toBe(6);
    expect(await atBottom({ toDay: DAY + 1 })).toBe(6);
    expect(await atBottom({ devices: ['desktop', 'mobile'] })).toBe(6);
  });

  it('checks sums of segments: everyone minus plan=free minus plan=pro is not the one visitor with neither', async () => {
    const s = await site();
    const tagged = (value: string, from: number): Session[] =>
      Array.from({ length: 22 }, (_, v) => ({
        bit: from + v,
        tags: [['plan', value]],
        events: click(X, 10, 10),
      }));
    // 22 free, 22 pro and one visitor with no plan, clicking an element nobody else did.
    await add(s, [...tagged('free', 0), ...tagged('pro', 100), { bit: 999, events: click(Z, 800, 800) }]);
    const free: SegmentFilter = { tag: ['plan', 'free'] };
    const pro: SegmentFilter = { tag: ['plan', 'pro'] };
    // Each segment's own rest holds 23 visitors; together they leave one. Not both are answered:
    // the smaller (by visitors, then by key) is withheld, so its 22 join the rest.
    const answers = {
      everyone: await refused(clickHeatmap(store, query(s))),
      free: await refused(clickHeatmap(store, query(s, { filter: free }))),
      pro: await refused(clickHeatmap(store, query(s, { filter: pro }))),
    };
    expect(answers).toEqual({ everyone: 'answered', free: 'cohort_too_small', pro: 'answered' });
    expect(await refused(heatmapPages(store, { ...query(s, { filter: free }) }))).toBe('cohort_too_small');
    // With 20 visitors of neither plan the rest is a crowd: both segments are answered.
    await add(
      s,
      Array.from({ length: 19 }, (_, v) => ({ bit: 600 + v, events: click(Y, 700, 700) })),
    );
    expect((await clickHeatmap(store, query(s, { filter: free })))?.totals.sessions).toBe(22);
    expect((await clickHeatmap(store, query(s, { filter: pro })))?.totals.sessions).toBe(22);
  });

  it('checks sums of segments element by element: everyone minus plan=free minus plan=pro on an element is not the one visitor with neither', async () => {
    // Per value of `plan`, 22 visitors click Y and scroll half-way; `onX` of them (bits from+0…)
    // instead also rage- and dead-click X, dwell on it and scroll to the bottom. 20 visitors
    // without a plan do what most do, and `neitherOnX` more without a plan do what the X ones do.
    // Every plan is released (each holds 22 visitors, the common rest 20 or more), every element
    // holds k = 5 in each plan and in each plan's own rest, but on X everyone minus every plan
    // answered is exactly the `neitherOnX` visitors.
    const planted = async (plans: Record<string, number>, neitherOnX: number) => {
      const s = await site();
      const visitor = (bit: number, tags: Array<[string, string]>, onX: boolean): Session => ({
        bit,
        tags,
        events: (t) => [
          clickEvent(t + 100, { el: Y, x: 700, y: 700 }),
          ...(onX
            ? [
                clickEvent(t + 200, { el: X, x: 10, y: 10, rage: true, dead: true }),
                attentionEvent(t + 300, { cells: [[3, 3, 1_000]], els: [[X, 1_000]] }),
                scrollEvent(t + 400, { pct: 100 }),
              ]
            : [scrollEvent(t + 400, { pct: 50 })]),
        ],
      });
      const sessions: Session[] = [];
      Object.entries(plans).forEach(([plan, onX], p) => {
        for (let v = 0; v < 22; v++) sessions.push(visitor(100 * (p + 1) + v, [['plan', plan]], v < onX));
      });
      for (let v = 0; v < 20; v++) sessions.push(visitor(1_000 + v, [], false));
      for (let v = 0; v < neitherOnX; v++) sessions.push(visitor(2_000 + v, [], true));
      await add(s, sessions);
      return s;
    };
    const ofX = async (s: SiteRecord, filter: SegmentFilter) => {
      const [clicks, dwell, scroll] = await Promise.all([
        clickHeatmap(store, query(s, { filter })),
        attentionHeatmap(store, query(s, { filter })),
        scrollHeatmap(store, query(s, { filter })),
      ]);
      const x = clicks?.elements.find((e) => e.path === X);
      return {
        y: clicks?.elements.find((e) => e.path === Y)?.clicks,
        x: x && { clicks: x.clicks, rage: x.rage, dead: x.dead, grid: x.grid },
        cell: clicks?.cells.find((c) => c[0] === 0),
        suppressed: clicks?.suppressed,
        dwell: {
          x: dwell?.elements.find((e) => e.path === X)?.ms,
          cells: dwell?.cells,
          withheld: dwell?.suppressed,
        },
        bottom: Math.round((scroll?.reach[100] ?? 0) * (scroll?.views ?? 0)),
        half: scroll?.reach[50],
      };
    };
    const shown = (onX: number) => ({
      y: 22,
      x: { clicks: onX, rage: onX, dead: onX, grid: [[4 * 8 + 4, onX, onX, onX]] },
      cell: [0, 0, onX, onX, onX],
      suppressed: { elements: 0, cells: 0, gridCells: 0 },
      dwell: { x: onX * 1_000, cells: [[3, 3, onX * 1_000]], withheld: { elements: 0, cells: 0 } },
      bottom: onX,
      half: 1,
    });
    const withheld = {
      y: 22,
      x: undefined,
      cell: undefined,
      suppressed: { elements: 1, cells: 1, gridCells: 0 },
      dwell: { x: undefined, cells: [], withheld: { elements: 1, cells: 1 } },
      // Scroll depth is cut where the common rest thins out to fewer than k: beyond half-way.
      bottom: 0,
      half: 1,
    };
    const free: SegmentFilter = { tag: ['plan', 'free'] };
    const pro: SegmentFilter = { tag: ['plan', 'pro'] };

    // Six of each plan and one visitor with neither on X: each plan's own rest on X is 7 visitors,
    // but the whole minus both is that one visitor. Both plans withhold X (the whole shows it).
    const one = await planted({ free: 6, pro: 6 }, 1);
    const whole = await clickHeatmap(store, query(one));
    expect(whole?.elements.find((e) => e.path === X)).toMatchObject({ clicks: 13, rage: 13, dead: 13 });
    expect(await ofX(one, free)).toEqual(withheld);
    expect(await ofX(one, pro)).toEqual(withheld);
    // So is four with neither; five is a crowd of k, and none leaves an empty rest: both show X.
    expect(await ofX(await planted({ free: 6, pro: 6 }, 4), free)).toEqual(withheld);
    expect(await ofX(await planted({ free: 6, pro: 6 }, 5), free)).toEqual(shown(6));
    const none = await planted({ free: 6, pro: 6 }, 0);
    expect(await ofX(none, free)).toEqual(shown(6));
    expect(await ofX(none, pro)).toEqual(shown(6));

    // A third plan with two visitors on X withholds X itself (fewer than k); its two stay in the
    // common rest, so the whole minus free minus pro (its two) withholds X from free and pro too.
    const team = await planted({ free: 6, pro: 6, team: 2 }, 0);
    expect(await ofX(team, free)).toEqual(withheld);
    expect(await ofX(team, { tag: ['plan', 'team'] })).toEqual(withheld);

    // The page's rage and dead clicks (page list, click heatmap totals) are summed the same way.
    const signals = async (s: SiteRecord, filter: SegmentFilter) => {
      const [pages, clicks] = await Promise.all([
        heatmapPages(store, query(s, { filter })),
        clickHeatmap(store, query(s, { filter })),
      ]);
      const page = pages.pages.find((p) => p.pattern === '/');
      return {
        list: page && [page.rage, page.dead],
        totals: clicks && [clicks.totals.rage, clicks.totals.dead],
      };
    };
    expect(await signals(one, {})).toEqual({ list: [13, 13], totals: [13, 13] });
    expect(await signals(one, free)).toEqual({ list: [0, 0], totals: [0, 0] });
    expect(await signals(one, pro)).toEqual({ list: [0, 0], totals: [0, 0] });
    expect(await signals(none, free)).toEqual({ list: [6, 6], totals: [6, 6] });
  });

  it("keeps a page's rage and dead clicks (page list, click heatmap totals) k-anonymous on their own, part by part and against the rest", async () => {
    // 24 visitors click Y; `rage` of them (bits 0…) rage-click X, `dead` of them dead-click it, on
    // `day`; plan=pro tags the first `pro` of them.
    const page = async (
      rows: Array<{ day: number; n: number; rage: number; dead: number; pro?: number }>,
    ) => {
      const s = await site();
      await add(
        s,
        rows.flatMap(({ day, n, rage, dead, pro = 0 }) =>
          Array.from(
            { length: n },
            (_, v): Session => ({
              bit: day * 100 + v,
              day: DAY + day,
              tags: v < pro ? [['plan', 'pro']] : [],
              events: (t) => [
                clickEvent(t + 100, { el: Y, x: 700, y: 700 }),
                ...(v < rage || v < dead
                  ? [clickEvent(t + 200, { el: X, x: 10, y: 10, rage: v < rage, dead: v < dead })]
                  : []),
              ],
            }),
          ),
        ),
      );
      return s;
    };
    const signals = async (s: SiteRecord, over: Partial<HeatmapQuery> = {}) => {
      const [pages, clicks] = await Promise.all([
        heatmapPages(store, query(s, over)),
        clickHeatmap(store, query(s, over)),
      ]);
      const p = pages.pages.find((r) => r.pattern === '/');
      return { list: p && [p.rage, p.dead], totals: clicks && [clicks.totals.rage, clicks.totals.dead] };
    };
    // One visitor's rage and dead clicks on a page of 24: withheld; five visitors' rage: shown.
    expect(await signals(await page([{ day: 0, n: 24, rage: 1, dead: 1 }]))).toEqual({
      list: [0, 0],
      totals: [0, 0],
    });
    expect(await signals(await page([{ day: 0, n: 24, rage: 5, dead: 4 }]))).toEqual({
      list: [5, 0],
      totals: [5, 0],
    });
    // Per day: a second day with one visitor's rage adds nothing to a range.
    const twoDays = await page([
      { day: 0, n: 24, rage: 5, dead: 0 },
      { day: 1, n: 24, rage: 1, dead: 0 },
    ]);
    expect(await signals(twoDays, { toDay: DAY + 1 })).toEqual({ list: [5, 0], totals: [5, 0] });
    // Against the rest: plan=pro holds the first 22 visitors, all of them rage-clicked, and one
    // untagged visitor did too (the whole minus plan=pro is that one): withheld from plan=pro.
    const rest = await page([{ day: 0, n: 44, rage: 23, dead: 0, pro: 22 }]);
    expect(await signals(rest)).toEqual({ list: [23, 0], totals: [23, 0] });
    expect(await signals(rest, { filter: { tag: ['plan', 'pro'] } })).toEqual({
      list: [0, 0],
      totals: [0, 0],
    });
  });

  it("checks the rest element by element: a segment's figure and its parent's each with k, their difference 1..k-1 visitors, is withheld from the segment", async () => {
    // 22 visitors tagged plan=pro click X (a dead click), dwell on it and scroll to the bottom; 20
    // untagged visitors click Y and scroll half-way, so each part's rest is a crowd and the day is
    // released. `onX` more untagged visitors do what the tagged ones do (`dead` of them dead-click):
    // on X, the whole minus plan=pro is exactly them.
    const pro: SegmentFilter = { tag: ['plan', 'pro'] };
    const answers = async (onX: number, dead = onX) => {
      const s = await site();
      const likePro = (bit: number, tags: Array<[string, string]>, deadClick: boolean): Session => ({
        bit,
        tags,
        events: (t) => [
          clickEvent(t + 100, { el: X, x: 10, y: 10, dead: deadClick }),
          attentionEvent(t + 200, { cells: [[3, 3, 1_000]], els: [[X, 1_000]] }),
          scrollEvent(t + 300, { pct: 100 }),
        ],
      });
      await add(s, [
        ...Array.from({ length: 22 }, (_, v) => likePro(v, [['plan', 'pro']], true)),
        ...Array.from({ length: onX }, (_, v) => likePro(100 + v, [], v < dead)),
        ...Array.from({ length: 20 }, (_, v) => ({
          bit: 200 + v,
          events: (t: number) => [
            clickEvent(t + 100, { el: Y, x: 700, y: 700 }),
            scrollEvent(t + 300, { pct: 50 }),
          ],
        })),
      ]);
      const [whole, clicks, dwell, scroll] = await Promise.all([
        clickHeatmap(store, query(s)),
        clickHeatmap(store, query(s, { filter: pro })),
        attentionHeatmap(store, query(s, { filter: pro })),
        scrollHeatmap(store, query(s, { filter: pro })),
      ]);
      const x = clicks?.elements.find((e) => e.path === X);
      return {
        whole: whole?.elements.find((e) => e.path === X)?.clicks,
        x: x && { clicks: x.clicks, dead: x.dead, grid: x.grid },
        cell: clicks?.cells.find((c) => c[0] === 0),
        suppressed: clicks?.suppressed,
        dwell: {
          x: dwell?.elements.find((e) => e.path === X)?.ms,
          cells: dwell?.cells,
          withheld: dwell?.suppressed,
        },
        bottom: scroll?.reach[100],
        half: scroll?.reach[50],
      };
    };
    const shown = (whole: number, dead = 22) => ({
      whole,
      x: { clicks: 22, dead, grid: [[4 * 8 + 4, 22, 0, dead]] },
      cell: [0, 0, 22, 0, dead],
      suppressed: { elements: 0, cells: 0, gridCells: 0 },
      dwell: { x: 22_000, cells: [[3, 3, 22_000]], withheld: { elements: 0, cells: 0 } },
      bottom: 1,
      half: 1,
    });
    // No one else on X: the rest is empty there, the segment's figures are the whole's.
    expect(await answers(0)).toEqual(shown(22));
    // One to four others on X: the whole shows X (k = 5 visitors each side), the segment does not.
    for (const onX of [1, 4]) {
      expect(await answers(onX)).toEqual({
        whole: 22 + onX,
        x: undefined,
        cell: undefined,
        suppressed: { elements: 1, cells: 1, gridCells: 0 },
        dwell: { x: undefined, cells: [], withheld: { elements: 1, cells: 1 } },
        // Scroll depth is cut where the rest thins out to fewer than k: beyond half-way.
        bottom: 0,
        half: 1,
      });
    }
    // Five others on X: the difference is k visitors, shown.
    expect(await answers(5)).toEqual(shown(27));
    // Five others click X, one of them dead: X is shown, its dead clicks are not.
    expect(await answers(5, 1)).toEqual(shown(27, 0));
  });

  it('checks the rest against every coarser segment: new visitors from search minus referrer=search is not one returning visitor', async () => {
    const s = await site();
    const on = (el: string, from: number, n: number, visitor: 'new' | 'returning', referrer: ReferrerClass) =>
      Array.from(
        { length: n },
        (_, v): Session => ({
          bit: from + v,
          visitor,
          referrer,
          events: el === X ? click(X, 10, 10) : click(Y, 700, 700),
        }),
      );
    // On X: 22 new visitors from search (the segment), one returning visitor from search and five
    // new ones arriving directly. The whole minus the segment on X is six visitors (k = 5), but
    // referrer=search minus the segment is the one returning visitor. Every part's rest is a crowd.
    await add(s, [
      ...on(X, 0, 22, 'new', 'search'),
      ...on(X, 100, 1, 'returning', 'search'),
      ...on(Y, 200, 20, 'returning', 'search'),
      ...on(X, 300, 5, 'new', 'direct'),
      ...on(Y, 400, 20, 'new', 'direct'),
      ...on(Y, 500, 20, 'returning', 'direct'),
    ]);
    const x = async (filter: SegmentFilter) =>
      (await clickHeatmap(store, query(s, { filter })))?.elements.find((e) => e.path === X)?.clicks;
    expect(await x({})).toBe(28);
    expect(await x({ referrer: 'search' })).toBe(23);
    // visitor=new minus the whole on X is that returning visitor too: withheld.
    expect(await x({ visitor: 'new' })).toBeUndefined();
    const segment = await clickHeatmap(store, query(s, { filter: { visitor: 'new', referrer: 'search' } }));
    expect(segment?.elements).toEqual([]);
    expect(segment?.suppressed).toEqual({ elements: 1, cells: 1, gridCells: 0 });
    // The new visitors arriving directly: against visitor=new the rest on X is 22, against
    // referrer=direct it is none, against the whole 23.
    expect(await x({ visitor: 'new', referrer: 'direct' })).toBe(5);
  });

  it('stores visitor parts sparse and as a bitmap past 256, and reads them back whole', () => {
    const sets: VisitorSets = new Map([
      [0, new Set([1, 4095])],
      [300, new Set(Array.from({ length: 400 }, (_, i) => i * 7))],
    ]);
    const back = decodeVisitorSets(encodeVisitorSets(sets));
    expect([...(back.get(0) ?? [])].sort((a, b) => a - b)).toEqual([1, 4095]);
    expect(back.get(300)?.size).toBe(400);
    expect(decodeVisitorSets(Buffer.from([9, 1, 2]))).toEqual(new Map());
    expect(familyKeys({ tag: ['plan', 'pro'] }, 'tag')).toEqual({
      prefix: 'v=*;r=*;g=*;t=plan=',
      suffix: '',
    });
    expect(familyKeys({ visitor: 'new', referrer: 'search' }, 'referrer')).toEqual({
      prefix: 'v=new;r=',
      suffix: ';g=*;t=',
    });
    expect(coarserFilters({ visitor: 'new', referrer: 'search' })).toEqual([
      {},
      { visitor: 'new' },
      { referrer: 'search' },
    ]);
  });
});
