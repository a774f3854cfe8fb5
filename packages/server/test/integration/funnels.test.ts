import { EventType, type RecordedEvent, VeilCustomTag } from '@veil/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeBatch, metaEvent, moveEvent, sessionId, T0 } from '../support/batches.js';
import { signalEvents } from '../support/signalEvents.js';
import { SITE_ORIGIN, startTestApp, type TestApp } from '../support/testApp.js';

interface Funnel {
  k: number;
  minCohort: number;
  cohortShown: boolean;
  suppressed: number;
  segment: { device: string | null; tag: { key: string; value: string } | null };
  steps: Array<{
    pattern: string;
    click: string | null;
    sessions: number | null;
    conversion: number | null;
    dropOff: number | null;
  }>;
}

// The minimum cohort is the heatmaps' one: VEIL_HEATMAP_MIN_COHORT moves funnels too.
describe('funnels follow VEIL_HEATMAP_MIN_COHORT', () => {
  let t: TestApp;
  afterAll(() => t?.close());

  it('shows a funnel whose first step reaches the configured cohort (8), below the default 20', async () => {
    t = await startTestApp({ env: { VEIL_HEATMAP_MIN_COHORT: '8' } });
    const analyst = await t.token('analyst');
    for (let i = 0; i < 9; i++) {
      const events = ['/', '/item/1'].map((p, n) => metaEvent(T0 + n * 10_000, `${SITE_ORIGIN}${p}`));
      events.push(moveEvent(T0 + 20_000));
      const res = await t.ingest(makeBatch({ siteKey: t.site.siteKey, sessionId: sessionId(), events }));
      expect(res.statusCode, res.body).toBe(202);
    }
    const res = await t.app.inject({
      url: `/api/v1/sites/${t.site.siteKey}/funnel?step=%2F&step=%2Fitem%2F%3Aid`,
      headers: { authorization: `Bearer ${analyst}` },
    });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json() as Funnel;
    expect(body).toMatchObject({ minCohort: 8, cohortShown: true });
    expect(body.steps.map((s) => s.sessions)).toEqual([9, 9]);
  });
});

// Funnels and top paths count the per-session page sequences kept at ingest, k-anonymous (k = 5,
// the default heatmapMinSessions) with a minimum cohort.
describe('funnels and top paths', () => {
  let t: TestApp;
  let analyst: string;

  async function visit(paths: string[]): Promise<void> {
    const start = T0;
    const events = paths.map((p, i) => metaEvent(start + i * 10_000, `${SITE_ORIGIN}${p}`));
    events.push(moveEvent(start + paths.length * 10_000));
    const res = await t.ingest(makeBatch({ siteKey: t.site.siteKey, sessionId: sessionId(), events }));
    expect(res.statusCode, res.body).toBe(202);
  }

  beforeAll(async () => {
    t = await startTestApp();
    analyst = await t.token('analyst');
    for (let i = 0; i < 3; i++) await visit(['/', '/item/1', '/cart', '/checkout']);
    for (let i = 0; i < 3; i++) await visit(['/', '/item/2', '/cart']);
    await visit(['/', '/item/3']);
    await visit(['/', '/about']);
    // Out of order: the cart first never counts as the funnel's cart step.
    await visit(['/cart', '/']);
  });
  afterAll(() => t.close());

  async function get<T>(path: string): Promise<{ status: number; body: T }> {
    const res = await t.app.inject({
      url: `/api/v1/sites/${t.site.siteKey}${path}`,
      headers: { authorization: `Bearer ${analyst}` },
    });
    return { status: res.statusCode, body: res.json() as T };
  }

  it('shows nothing while the first step has fewer distinct visitors than the minimum cohort (20)', async () => {
    // 9 sessions reached "/", more than k (5) but fewer than the heatmaps' minimum cohort.
    const { status, body } = await get<Funnel>('/funnel?step=%2F&step=%2Fitem%2F%3Aid');
    expect(status).toBe(200);
    expect(body).toMatchObject({ k: 5, minCohort: 20, cohortShown: false, suppressed: 2 });
    expect(body.steps.map((s) => s.sessions)).toEqual([null, null]);
  });

  it('withholds top paths while the page has fewer distinct visitors than the minimum cohort (20)', async () => {
    // 9 sessions visited "/" (7 of them then an item page): more than k, fewer than the cohort.
    const after = await get('/paths?page=%2F&direction=after');
    expect(after.body).toEqual({
      page: '/',
      direction: 'after',
      from: expect.any(Number),
      to: expect.any(Number),
      k: 5,
      minCohort: 20,
      cohortShown: false,
      sessions: 0,
      suppressed: 0,
      paths: [],
    });
  });
  it('refuses a funnel of one step or a pattern that is not a path', async () => {
    expect((await get('/funnel?step=%2F')).status).toBe(400);
    expect((await get('/funnel?step=%2F&step=cart')).status).toBe(400);
    expect((await get('/paths?page=%2F&direction=sideways')).status).toBe(400);
  });
});

// Funnels by segment and with click steps: 36 scripted sessions, k = 5 distinct visitors, minimum
// cohort 20 distinct visitors, exact counts.
describe('funnels by segment, with click steps', () => {
  let t: TestApp;
  let analyst: string;
  let visitorSeq = 0;

  /** One session: its pages (a `!` after a page: a click on button#pay there), device width, tag. */
  async function visit(
    paths: string[],
    opts: { width?: number; tag?: [string, string]; visitorId?: string } = {},
  ): Promise<void> {
    const events: RecordedEvent[] = [];
    let ts = T0;
    for (const p of paths) {
      const clicked = p.endsWith('!');
      const path = clicked ? p.slice(0, -1) : p;
      events.push(metaEvent(ts, `${SITE_ORIGIN}${path}`, opts.width ?? 1280));
      if (clicked) events.push(signalEvents.heatmapClick(ts + 1_000, {}, path));
      ts += 10_000;
    }
    if (opts.tag)
      events.push({
        type: EventType.Custom,
        timestamp: ts,
        data: { tag: VeilCustomTag.Tag, payload: { key: opts.tag[0], value: opts.tag[1] } },
      });
    events.push(moveEvent(ts + 500));
    visitorSeq += 1;
    const visitorId = opts.visitorId ?? `visitor_funnel_${String(visitorSeq).padStart(4, '0')}`;
    const res = await t.ingest(
      makeBatch({ siteKey: t.site.siteKey, sessionId: sessionId(), visitorId, events }),
    );
    expect(res.statusCode, res.body).toBe(202);
  }

  beforeAll(async () => {
    t = await startTestApp();
    analyst = await t.token('analyst');
    // A: 16 desktop, tagged ab=x, clicked pay on the cart, checked out.
    for (let i = 0; i < 16; i++) await visit(['/', '/item/1', '/cart!', '/checkout'], { tag: ['ab', 'x'] });
    // B: 8 mobile, tagged ab=x, cart without the click.
    for (let i = 0; i < 8; i++) await visit(['/', '/item/2', '/cart'], { width: 390, tag: ['ab', 'x'] });
    // C: 3 desktop clicked pay but left; D: 2 to /about; E: 1 cart before home.
    for (let i = 0; i < 3; i++) await visit(['/', '/item/3', '/cart!']);
    for (let i = 0; i < 2; i++) await visit(['/', '/about']);
    await visit(['/cart!', '/']);
    // F: one visitor, 6 sessions on /promo: 6 sessions, but 1 visitor.
    for (let i = 0; i < 6; i++) await visit(['/', '/promo'], { visitorId: 'visitor_funnel_same_one' });
  });
  afterAll(() => t.close());

  async function funnel(query: string): Promise<{ status: number; body: Funnel }> {
    const res = await t.app.inject({
      url: `/api/v1/sites/${t.site.siteKey}/funnel?${query}`,
      headers: { authorization: `Bearer ${analyst}` },
    });
    return { status: res.statusCode, body: res.json() as Funnel };
  }
  const steps = (...patterns: string[]) => patterns.map((p) => `step=${encodeURIComponent(p)}`).join('&');
  const sessionsOf = (body: Funnel) => body.steps.map((s) => s.sessions);

  it('gives exact counts per step over every session', async () => {
    const { status, body } = await funnel(steps('/', '/item/:id', '/cart', '/checkout'));
    expect(status).toBe(200);
    expect(body).toMatchObject({ k: 5, minCohort: 20, cohortShown: true, suppressed: 0 });
    expect(body.steps).toEqual([
      { pattern: '/', click: null, sessions: 36, conversion: 1, dropOff: null },
      { pattern: '/item/:id', click: null, sessions: 27, conversion: 27 / 36, dropOff: 9 },
      { pattern: '/cart', click: null, sessions: 27, conversion: 27 / 36, dropOff: 0 },
      { pattern: '/checkout', click: null, sessions: 16, conversion: 16 / 36, dropOff: 11 },
    ]);
  });

  it('a step may require a click on an element path, not only the page', async () => {
    const { body } = await funnel(
      `${steps('/', '/cart', '/checkout')}&click.1=${encodeURIComponent('button')}`,
    );
    // A and C clicked pay on the cart after home (E clicked before it); B only looked.
    expect(body.steps.map((s) => [s.pattern, s.click, s.sessions])).toEqual([
      ['/', null, 36],
      ['/cart', 'button', 19],
      ['/checkout', null, 16],
    ]);
    // The same click on another page does not count.
    const elsewhere = await funnel(`${steps('/', '/item/:id')}&click.1=button`);
    expect(sessionsOf(elsewhere.body)).toEqual([36, null]);
  });

  it('withholds a step fewer than k distinct visitors reached, however many sessions', async () => {
    const few = await funnel(steps('/', '/item/3'));
    expect(few.body).toMatchObject({ cohortShown: true, suppressed: 1 });
    expect(sessionsOf(few.body)).toEqual([36, null]);
    // 6 sessions on /promo, all one visitor: withheld.
    const promo = await funnel(steps('/', '/promo'));
    expect(sessionsOf(promo.body)).toEqual([36, null]);
  });

  it('counts within a segment: device, tag, date range; a segment below the minimum cohort shows nothing', async () => {
    const desktop = await funnel(`${steps('/', '/item/:id', '/cart', '/checkout')}&device=desktop`);
    // Desktop: A 16 + C 3 + D 2 + E 1 + F 6 sessions (F is one visitor: 23 visitors); but every
    // device class minus desktop would be B's 8 mobile visitors: below the cohort, nothing shown.
    expect(desktop.body.segment).toEqual({ device: 'desktop', tag: null });
    expect(desktop.body.cohortShown).toBe(false);
    expect(sessionsOf(desktop.body)).toEqual([null, null, null, null]);
    // Tagged: 24 sessions, but everyone minus the tag is C, D, E and F: 7 visitors.
    const tagged = await funnel(`${steps('/', '/cart', '/checkout')}&tagKey=ab&tagValue=x`);
    expect(tagged.body.segment).toEqual({ device: null, tag: { key: 'ab', value: 'x' } });
    expect(tagged.body.cohortShown).toBe(false);
    const mobile = await funnel(`${steps('/', '/cart')}&device=mobile`);
    expect(mobile.body).toMatchObject({ cohortShown: false, suppressed: 2 });
    expect(sessionsOf(mobile.body)).toEqual([null, null]);
    // Date range: the sessions were received at T0 (the test clock); a range before sees none.
    const before = await funnel(`${steps('/', '/cart')}&from=${T0 - 10 * 86_400_000}&to=${T0 - 60_000}`);
    expect(before.body.cohortShown).toBe(false);
    const around = await funnel(`${steps('/', '/cart')}&from=${T0 - 60_000}&to=${T0 + 60_000}`);
    expect(sessionsOf(around.body)).toEqual([36, 27]);
  });

  it('lists top paths after and before a page by pattern from the kept sequences, rows below k distinct visitors withheld', async () => {
    const paths = async (query: string) =>
      (
        await t.app.inject({
          url: `/api/v1/sites/${t.site.siteKey}/paths?${query}`,
          headers: { authorization: `Bearer ${analyst}` },
        })
      ).json() as { cohortShown: boolean; sessions: number; suppressed: number; paths: unknown[] };
    // After "/": A, B, C to an item page (27); F's 6 sessions to /promo are one visitor, D's 2 and
    // E's exit are fewer than k: withheld. Clicks are not pages.
    expect(await paths('page=%2F&direction=after')).toMatchObject({
      k: 5,
      minCohort: 20,
      cohortShown: true,
      sessions: 36,
      suppressed: 3,
      paths: [{ page: '/item/:id', sessions: 27 }],
    });
    // Before /cart: A, B, C from an item page (27); E entered there (1, withheld).
    expect(await paths('page=%2Fcart&direction=before')).toMatchObject({
      cohortShown: true,
      sessions: 28,
      suppressed: 1,
      paths: [{ page: '/item/:id', sessions: 27 }],
    });
    // After /cart: A to /checkout (16), B and C left (11), E back home (1, withheld).
    expect(await paths('page=%2Fcart&direction=after')).toMatchObject({
      sessions: 28,
      suppressed: 1,
      paths: [
        { page: '/checkout', sessions: 16 },
        { page: '(exit)', sessions: 11 },
      ],
    });
    // /checkout: 16 visitors, fewer than the cohort: nothing shown.
    expect(await paths('page=%2Fcheckout&direction=before')).toMatchObject({
      cohortShown: false,
      sessions: 0,
      paths: [],
    });
  });

  it('links each step to its sessions: the session list keeps those that did steps 1..N in order', async () => {
    const owner = await t.token('owner');
    const listed = async (query: string) => {
      const res = await t.app.inject({
        url: `/api/v1/sites/${t.site.siteKey}/sessions?limit=200&${query}`,
        headers: { authorization: `Bearer ${owner}` },
      });
      return { status: res.statusCode, body: res.json() as { sessions: Array<{ id: string }> } };
    };
    const counts = async (query: string) => (await listed(query)).body.sessions.length;
    const four = steps('/', '/item/:id', '/cart', '/checkout');
    // The funnel's own figures: 36, 27, 27, 16 (every session of the site is in its range).
    expect(await counts(`${four}&reached=1`)).toBe(36);
    expect(await counts(`${four}&reached=2`)).toBe(27);
    expect(await counts(`${four}&reached=4`)).toBe(16);
    // A click step: A and C clicked pay on the cart after home (E before it).
    expect(await counts(`${steps('/', '/cart')}&click.1=button&reached=2`)).toBe(19);
    // With the list's other filters: mobile sessions (B) reached the cart, none the checkout.
    expect(await counts(`${four}&reached=3&device=mobile`)).toBe(8);
    expect(await counts(`${four}&reached=4&device=mobile`)).toBe(0);
    expect((await listed(`${four}&reached=5`)).status).toBe(400);
    expect((await listed(`${four}`)).status).toBe(400);
    expect((await listed('reached=1')).status).toBe(400);
    expect((await listed(`${steps('/', '/cart')}&click.2=button&reached=1`)).status).toBe(400);
  });

  it('refuses a click on a step that does not exist, and a tag key without its value', async () => {
    expect((await funnel(`${steps('/', '/cart')}&click.2=button`)).status).toBe(400);
    expect((await funnel(`${steps('/', '/cart')}&tagKey=ab`)).status).toBe(400);
    expect((await funnel(`${steps('/', '/cart')}&device=fridge`)).status).toBe(400);
  });
});

describe("funnels: a segment's rest (a coarser segment minus it) is no few visitors", () => {
  let t: TestApp;
  let analyst: string;
  let seq = 0;

  async function visit(
    paths: string[],
    opts: { width?: number; tag?: [string, string] } = {},
  ): Promise<void> {
    const events: RecordedEvent[] = [];
    let ts = T0;
    for (const path of paths) {
      events.push(metaEvent(ts, `${SITE_ORIGIN}${path}`, opts.width ?? 1280));
      ts += 10_000;
    }
    if (opts.tag)
      events.push({
        type: EventType.Custom,
        timestamp: ts,
        data: { tag: VeilCustomTag.Tag, payload: { key: opts.tag[0], value: opts.tag[1] } },
      });
    events.push(moveEvent(ts + 500));
    seq += 1;
    const visitorId = `visitor_rest_${String(seq).padStart(4, '0')}`;
    const res = await t.ingest(
      makeBatch({ siteKey: t.site.siteKey, sessionId: sessionId(), visitorId, events }),
    );
    expect(res.statusCode, res.body).toBe(202);
  }
  const funnel = async (query: string): Promise<Funnel> => {
    const res = await t.app.inject({
      url: `/api/v1/sites/${t.site.siteKey}/funnel?step=/&step=/cart&step=/checkout&${query}`,
      headers: { authorization: `Bearer ${analyst}` },
    });
    expect(res.statusCode).toBe(200);
    return res.json() as Funnel;
  };

  beforeAll(async () => {
    t = await startTestApp();
    analyst = await t.token('analyst');
    // 21 tagged desktop visitors check out; 20 untagged stop at the cart; 2 untagged check out;
    // one mobile visitor stops at the cart.
    for (let i = 0; i < 21; i++) await visit(['/', '/cart', '/checkout'], { tag: ['ab', 'x'] });
    for (let i = 0; i < 20; i++) await visit(['/', '/cart']);
    for (let i = 0; i < 2; i++) await visit(['/', '/cart', '/checkout']);
    await visit(['/', '/cart'], { width: 390 });
  });
  afterAll(() => t.close());

  it('withholds a step where everyone minus the tag is a few visitors', async () => {
    expect((await funnel('')).steps.map((s) => s.sessions)).toEqual([44, 44, 23]);
    const tagged = await funnel('tagKey=ab&tagValue=x');
    expect(tagged.cohortShown).toBe(true);
    // Checkout: 21 tagged of 23; the two without the tag would be the difference.
    expect(tagged.steps.map((s) => s.sessions)).toEqual([21, 21, null]);
    expect(tagged.suppressed).toBe(1);
  });

  it('shows nothing when every device class minus one is a few visitors, and checks each coarser segment', async () => {
    const desktop = await funnel('device=desktop');
    expect(desktop.cohortShown).toBe(false);
    expect(desktop.steps.map((s) => s.sessions)).toEqual([null, null, null]);
    // Tag and device: against the tag alone the rest is nothing, against desktop alone two visitors.
    const both = await funnel('device=desktop&tagKey=ab&tagValue=x');
    expect(both.steps.map((s) => s.sessions)).toEqual([21, 21, null]);
  });
});

// A funnel step's link (the session list's step/reached filter with the funnel's range and tag)
// lists exactly the sessions the step counts: sessions received before the funnel's range and
// sessions without its tag are not listed.
describe("a funnel step's sessions are the ones it counts (range and tag)", () => {
  let t: TestApp;
  let analyst: string;
  let seq = 0;
  const DAY = 86_400_000;
  const inRange: Array<{ id: string; paths: string[]; tagged: boolean }> = [];

  async function visit(paths: string[], tagged: boolean, at: number): Promise<string> {
    t.clock.set(at);
    const events: RecordedEvent[] = [];
    let ts = at;
    for (const path of paths) {
      events.push(metaEvent(ts, `${SITE_ORIGIN}${path}`));
      ts += 10_000;
    }
    if (tagged)
      events.push({
        type: EventType.Custom,
        timestamp: ts,
        data: { tag: VeilCustomTag.Tag, payload: { key: 'ab', value: 'x' } },
      });
    events.push(moveEvent(ts + 500));
    seq += 1;
    const id = sessionId();
    const visitorId = `visitor_link_${String(seq).padStart(4, '0')}`;
    const res = await t.ingest(makeBatch({ siteKey: t.site.siteKey, sessionId: id, visitorId, events }));
    expect(res.statusCode, res.body).toBe(202);
    return id;
  }

  beforeAll(async () => {
    t = await startTestApp();
    analyst = await t.token('analyst');
    // 40 days ago (outside the default 30-day range): 7 tagged visitors who checked out.
    for (let i = 0; i < 7; i++) await visit(['/', '/cart', '/checkout'], true, T0 - 40 * DAY);
    // In the range: tagged 22 check out and 6 stop at the cart; untagged 21 check out and 5 only
    // look at the home page.
    const now: Array<[string[], boolean, number]> = [
      [['/', '/cart', '/checkout'], true, 22],
      [['/', '/cart'], true, 6],
      [['/', '/cart', '/checkout'], false, 21],
      [['/'], false, 5],
    ];
    for (const [paths, tagged, n] of now)
      for (let i = 0; i < n; i++) {
        const id = await visit(paths, tagged, T0 - 2 * DAY + inRange.length * 60_000);
        inRange.push({ id, paths, tagged });
      }
    t.clock.set(T0);
  });
  afterAll(() => t.close());

  const get = async <T>(path: string, token = analyst): Promise<T> => {
    const res = await t.app.inject({
      url: `/api/v1/sites/${t.site.siteKey}${path}`,
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as T;
  };
  const STEPS = 'step=%2F&step=%2Fcart&step=%2Fcheckout';
  const listed = async (query: string) =>
    (await get<{ sessions: Array<{ id: string }> }>(`/sessions?limit=200&${query}`)).sessions
      .map((s) => s.id)
      .sort();

  it('lists, behind each shown step, exactly the sessions it counts', async () => {
    const funnel = await get<Funnel & { from: number; to: number }>(`/funnel?${STEPS}&tagKey=ab&tagValue=x`);
    expect(funnel.cohortShown).toBe(true);
    expect(funnel.to).toBe(T0);
    expect(funnel.steps.map((s) => s.sessions)).toEqual([28, 28, 22]);
    const range = `receivedFrom=${funnel.from}&receivedTo=${funnel.to}`;
    for (const [i, step] of funnel.steps.entries()) {
      const ids = await listed(`${STEPS}&reached=${i + 1}&${range}&tagKey=ab&tagValue=x`);
      expect(ids.length).toBe(step.sessions);
      const reached = ['/', '/cart', '/checkout'].slice(0, i + 1);
      const expected = inRange
        .filter((s) => s.tagged && reached.every((p) => s.paths.includes(p)))
        .map((s) => s.id)
        .sort();
      expect(ids).toEqual(expected);
    }
    // Without the range and tag, the step's link would list the old and the untagged sessions too.
    expect((await listed(`${STEPS}&reached=3`)).length).toBe(7 + 22 + 21);
    // The whole funnel (no tag) agrees with its links as well.
    const all = await get<Funnel & { from: number; to: number }>(`/funnel?${STEPS}`);
    expect(all.steps.map((s) => s.sessions)).toEqual([54, 49, 43]);
    for (const [i, step] of all.steps.entries())
      expect(
        (await listed(`${STEPS}&reached=${i + 1}&receivedFrom=${all.from}&receivedTo=${all.to}`)).length,
      ).toBe(step.sessions);
  });

  it('refuses half a tag and a range that ends before it starts', async () => {
    const status = async (query: string) =>
      (
        await t.app.inject({
          url: `/api/v1/sites/${t.site.siteKey}/sessions?${query}`,
          headers: { authorization: `Bearer ${analyst}` },
        })
      ).statusCode;
    expect(await status('tagKey=ab')).toBe(400);
    expect(await status('tagValue=x')).toBe(400);
    expect(await status('receivedFrom=10&receivedTo=9')).toBe(400);
    expect(await status('tagKey=ab&tagValue=x&receivedFrom=9&receivedTo=10')).toBe(200);
  });
});
