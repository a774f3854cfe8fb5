import { MS_PER_DAY } from '@veil/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTreeBytes } from '../../../../test/support/files.js';
import { VISITOR_BITMAP_BITS } from '../../src/heatmap/visitorBitmap.js';
import { makeBatch, metaEvent, sessionId, snapshotEvent } from '../support/batches.js';
import { attentionEvent, layoutEvent, scrollEvent, tagEvent } from '../support/heatmapEvents.js';
import { BROWSER_UA, defaultVisitor, heatmapSite, visit } from '../support/heatmapSites.js';
import { SITE_ORIGIN, startTestApp, type TestApp } from '../support/testApp.js';

// The heatmap API end to end on a real SQLite file: batches in through ingest, figures out of
// /api/v1/sites/{siteKey}/heatmaps/…, as the analyst role sees them.

const BUTTON = 'main#main>button:nth-of-type(1)';
const LINK = 'main#main>a:nth-of-type(2)';

describe('heatmaps API', () => {
  let t: TestApp;
  let analyst: string;
  const get = async (url: string, token = analyst) => {
    const res = await t.app.inject({ url, headers: { authorization: `Bearer ${token}` } });
    return { status: res.statusCode, body: res.json() };
  };
  const clicks = (siteKey: string, query: string) => get(`/api/v1/sites/${siteKey}/heatmaps/clicks?${query}`);

  beforeAll(async () => {
    // These tests are about k, segments and counting, with a handful of visitors: the minimum
    // cohort (its own tests below) is set to its lowest.
    t = await startTestApp({ env: { VEIL_HEATMAP_MIN_COHORT: '2' } });
    analyst = await t.token('analyst');
  });
  afterAll(() => t.close());

  it('counts clicks by element (with positions inside it) and by page cell, readable right after the ack', async () => {
    const site = await heatmapSite(t);
    for (let s = 0; s < 6; s++) {
      const { res } = await visit(t, site, {
        clicks: [
          { el: BUTTON, rx: 0.25, ry: 0.5, x: 110, y: 205 },
          { el: LINK, rx: 0.9, ry: 0.1, x: 600 + s, y: 40 },
          ...(s < 2 ? [{ el: BUTTON, rx: 0.25, ry: 0.5, x: 110, y: 205 }] : []),
        ],
      });
      expect(res.statusCode).toBe(202);
    }
    const { status, body } = await clicks(site.siteKey, 'page=/&device=desktop');
    expect(status).toBe(200);
    expect(body).toMatchObject({ page: '/', device: 'desktop', k: 5, cellPx: 16, elementGridCells: 8 });
    expect(body.totals).toEqual({ views: 6, sessions: 6, clicks: 14, rage: 0, dead: 0 });
    expect(body.elements).toEqual([
      { path: BUTTON, clicks: 8, share: 8 / 14, sessions: 6, rage: 0, dead: 0, grid: [[4 * 8 + 2, 8, 0, 0]] },
      { path: LINK, clicks: 6, share: 6 / 14, sessions: 6, rage: 0, dead: 0, grid: [[7, 6, 0, 0]] },
    ]);
    expect(body.cells).toEqual([
      [37, 2, 6, 0, 0],
      [6, 12, 8, 0, 0],
    ]);
    expect(body.suppressed).toEqual({ elements: 0, cells: 0, gridCells: 0 });
  });

  it('shows an element or cell only when at least k sessions contributed (k per site)', async () => {
    const site = await heatmapSite(t);
    for (let s = 0; s < 5; s++) {
      await visit(t, site, {
        clicks: [{ el: BUTTON, x: 10, y: 10 }, ...(s < 4 ? [{ el: LINK, x: 500, y: 500 }] : [])],
      });
    }
    const { body } = await clicks(site.siteKey, 'page=/');
    expect(body.elements.map((e: { path: string }) => e.path)).toEqual([BUTTON]);
    expect(body.cells).toEqual([[0, 0, 5, 0, 0]]);
    expect(body.suppressed).toEqual({ elements: 1, cells: 1, gridCells: 0 });

    const strict = await heatmapSite(t, { heatmapMinSessions: 6 });
    for (let s = 0; s < 5; s++) await visit(t, strict, { clicks: [{ el: BUTTON }] });
    const hidden = await clicks(strict.siteKey, 'page=/');
    expect(hidden.body).toMatchObject({ k: 6, elements: [], cells: [], totals: { clicks: 0, sessions: 0 } });
    expect((await get(`/api/v1/sites/${strict.siteKey}/heatmaps/pages`)).body).toEqual({
      pages: [],
      suppressed: 1,
      k: 6,
      minCohort: 2,
      withheldDays: [],
    });
    await visit(t, strict, { clicks: [{ el: BUTTON }] });
    expect((await clicks(strict.siteKey, 'page=/')).body.elements).toHaveLength(1);
  });

  it('keeps rage and dead counts k-anonymous on their own', async () => {
    const site = await heatmapSite(t);
    for (let s = 0; s < 6; s++) {
      await visit(t, site, {
        clicks: [
          { el: BUTTON, rage: true, dead: s < 5, x: 20, y: 20 },
          { el: LINK, rage: s < 2, x: 400, y: 20 },
        ],
      });
    }
    const { body } = await clicks(site.siteKey, 'page=/');
    const byPath = Object.fromEntries(body.elements.map((e: { path: string }) => [e.path, e]));
    expect(byPath[BUTTON]).toMatchObject({ clicks: 6, rage: 6, dead: 5 });
    expect(byPath[LINK]).toMatchObject({ clicks: 6, rage: 0, dead: 0 }); // 2 rage sessions < k
    expect(body.totals).toMatchObject({ rage: 8, dead: 5 });
  });

  it("gives each session its own visitor, distinct as the cohort counts them (the tests' premise)", async () => {
    // Visitors are counted by a keyed-hash bit of 4096: random visitor ids of six sessions share a
    // bit about once in 400 sites, and the test above then saw 4 dead-click visitors, not 5.
    const site = await heatmapSite(t);
    const ids = Array.from({ length: 600 }, () => sessionId());
    const visitors = ids.map((id) => defaultVisitor(t, site, id));
    const bits = new Set(
      visitors.map((v) => t.app.veil.hasher.heatmapVisitorBit(site.id, v, VISITOR_BITMAP_BITS)),
    );
    expect(bits.size).toBe(ids.length);
    expect(defaultVisitor(t, site, ids[0]!)).toBe(visitors[0]); // every batch of a session: one visitor
  });

  it('counts a session only once it is long enough, with everything it held', async () => {
    const site = await heatmapSite(t);
    for (let s = 0; s < 4; s++) await visit(t, site, { clicks: [{ el: BUTTON }] });
    const short = await visit(t, site, { clicks: [{ el: BUTTON }, { el: BUTTON }], durationMs: 1_500 });
    expect(short.res.statusCode).toBe(202);
    expect((await clicks(site.siteKey, 'page=/')).body.elements).toEqual([]); // 4 counted sessions < k
    // The same session, later: now 3 s long, its held clicks count with the new one.
    t.clock.advance(3_000);
    await visit(t, site, { sessionId: short.sessionId, seq: 1, clicks: [{ el: BUTTON }] });
    const { body } = await clicks(site.siteKey, 'page=/');
    expect(body.elements[0]).toMatchObject({ path: BUTTON, clicks: 7, sessions: 5 });
    expect(body.totals.views).toBe(6);
  });

  it('counts a retried batch once', async () => {
    const site = await heatmapSite(t);
    const ids: string[] = [];
    for (let s = 0; s < 5; s++) ids.push((await visit(t, site, { clicks: [{ el: BUTTON }] })).sessionId);
    const again = await visit(t, site, { sessionId: ids[0], seq: 0, clicks: [{ el: BUTTON }] });
    expect(again.res.json()).toMatchObject({ duplicate: true });
    expect((await clicks(site.siteKey, 'page=/')).body.totals).toMatchObject({ clicks: 5, sessions: 5 });
  });

  it('leaves bots out: user agents, webdriver, machine-like clicking', async () => {
    const site = await heatmapSite(t);
    for (let s = 0; s < 5; s++) await visit(t, site, { clicks: [{ el: BUTTON }] });
    await visit(t, site, { clicks: [{ el: BUTTON }], userAgent: 'Mozilla/5.0 (compatible; Googlebot/2.1)' });
    await visit(t, site, { clicks: [{ el: BUTTON }], userAgent: 'HeadlessChrome/120' });
    const id = sessionId();
    const t0 = t.clock.now();
    await t.ingest(
      makeBatch({
        siteKey: site.siteKey,
        sessionId: id,
        events: [
          {
            type: 5,
            timestamp: t0,
            data: {
              tag: 'veil.hm.view',
              payload: {
                path: '/',
                mode: 'replay',
                vw: 1280,
                vh: 800,
                dw: 1280,
                dh: 2000,
                ref: 'direct',
                nv: true,
                wd: true,
              },
            },
          },
          {
            type: 5,
            timestamp: t0 + 4_000,
            data: { tag: 'veil.hm.scroll', payload: { path: '/', vw: 1280, vh: 800, dh: 2000, pct: 100 } },
          },
        ],
      }),
      { 'user-agent': BROWSER_UA },
    );
    const robot = Array.from({ length: 14 }, (_, i) => ({ el: BUTTON, x: 10 + i * 60, y: 10 }));
    await visit(t, site, { clicks: robot, durationMs: 12_000 });
    expect((await clicks(site.siteKey, 'page=/')).body.totals).toMatchObject({
      clicks: 5,
      sessions: 5,
      views: 5,
    });
  });

  it('groups pages into patterns: ids, and the site own patterns first', async () => {
    const site = await heatmapSite(t, { heatmapPagePatterns: ['/blog/:slug'] });
    for (let s = 0; s < 5; s++) {
      await visit(t, site, { path: `/orders/${1000 + s}`, clicks: [{ el: BUTTON }] });
      await visit(t, site, { path: `/orders/${crypto.randomUUID()}/items`, clicks: [{ el: BUTTON }] });
      await visit(t, site, {
        path: ['/blog/hello-world', '/blog/privacy-first'][s % 2],
        clicks: [{ el: LINK }],
      });
    }
    const pages = await get(`/api/v1/sites/${site.siteKey}/heatmaps/pages`);
    expect(pages.body.pages.map((p: { pattern: string }) => p.pattern).sort()).toEqual([
      '/blog/:slug',
      '/orders/:id',
      '/orders/:id/items',
    ]);
    // A concrete path finds its pattern.
    expect((await clicks(site.siteKey, 'page=/orders/77')).body).toMatchObject({
      page: '/orders/:id',
      totals: { clicks: 5 },
    });
    expect((await clicks(site.siteKey, `page=${encodeURIComponent('/blog/:slug')}`)).body.totals.clicks).toBe(
      5,
    );
  });

  it('filters by every segment: device, new or returning, referrer, tag, date range', async () => {
    const site = await heatmapSite(t);
    const day0 = t.clock.now();
    for (let s = 0; s < 5; s++) {
      await visit(t, site, { vw: 390, nv: true, ref: 'search', clicks: [{ el: BUTTON }] });
      await visit(t, site, { vw: 1440, nv: false, ref: 'social', clicks: [{ el: LINK }, { el: LINK }] });
      await visit(t, site, {
        vw: 800,
        nv: false,
        ref: 'search',
        clicks: [{ el: BUTTON }],
        extra: (t0) => [tagEvent(t0 + 5, 'plan', 'pro')],
      });
    }
    t.clock.advance(3 * MS_PER_DAY);
    for (let s = 0; s < 5; s++)
      await visit(t, site, { vw: 1440, nv: true, ref: 'email', clicks: [{ el: BUTTON }] });

    const total = async (q: string) => {
      const { status, body } = await clicks(site.siteKey, `page=/&${q}`);
      return status === 200 ? body.totals.clicks : body.error.code;
    };
    expect(await total('device=mobile')).toBe(5);
    expect(await total('device=tablet')).toBe(5);
    expect(await total('device=desktop')).toBe(15);
    expect(await total('device=desktop&visitor=returning')).toBe(10);
    expect(await total('device=desktop&visitor=new')).toBe(5);
    expect(await total('device=desktop&referrer=social')).toBe(10);
    expect(await total('device=desktop&referrer=email&visitor=new')).toBe(5);
    // A segment nobody is in is refused like one with too few visitors (no figure tells them apart).
    expect(await total('device=desktop&referrer=search')).toBe('cohort_too_small');
    expect(await total('device=tablet&tagKey=plan&tagValue=pro')).toBe(5);
    expect(await total('device=desktop&tagKey=plan&tagValue=pro')).toBe('cohort_too_small');
    expect(await total(`device=desktop&from=${day0}&to=${day0 + 60_000}`)).toBe(10);
    expect(await total(`device=desktop&from=${day0 + MS_PER_DAY}`)).toBe(5);
    // The page list follows the same filters.
    const pages = await get(`/api/v1/sites/${site.siteKey}/heatmaps/pages?referrer=search`);
    expect(pages.body.pages).toEqual([
      { pattern: '/', views: 10, sessions: 10, clicks: 10, rage: 0, dead: 0 },
    ]);
  });

  it('reports scroll depth as the share of page views reaching each depth, and attention', async () => {
    const site = await heatmapSite(t);
    for (let s = 0; s < 10; s++) {
      await visit(t, site, {
        extra: (t0) => [
          scrollEvent(t0 + 200, { pct: s < 5 ? 30 : 80, vh: 700 + s * 20 }),
          ...(s === 9 ? [scrollEvent(t0 + 300, { pct: 100, prev: 80 })] : []),
          attentionEvent(t0 + 400, { cells: [[2, 3, 1_000]], els: [[BUTTON, 1_000]] }),
        ],
      });
    }
    const scroll = await get(`/api/v1/sites/${site.siteKey}/heatmaps/scroll?page=/`);
    expect(scroll.status).toBe(200);
    expect(scroll.body).toMatchObject({ views: 10, sessions: 10, averageFoldPx: 790 });
    expect(scroll.body.reach).toHaveLength(101);
    expect(scroll.body.reach[0]).toBe(1);
    expect(scroll.body.reach[30]).toBe(1);
    expect(scroll.body.reach[31]).toBe(0.5);
    // One visitor alone reached 100 %: fewer than k visitors, so that page view counts at the
    // deepest depth k visitors reached (80 %) and nothing is shown deeper.
    expect(scroll.body.reach[80]).toBe(0.5);
    expect(scroll.body.reach[81]).toBe(0);
    expect(scroll.body.reach[100]).toBe(0);
    const attention = await get(`/api/v1/sites/${site.siteKey}/heatmaps/attention?page=/`);
    expect(attention.body).toMatchObject({
      totalMs: 10_000,
      cells: [[2, 3, 10_000]],
      elements: [{ path: BUTTON, ms: 10_000, share: 1, sessions: 10 }],
    });
  });

  it('heatmap-only capture: aggregates and a text-free layout, no recording at all', async () => {
    const site = await heatmapSite(t, { heatmapOnlyPages: ['/checkout/**'] });
    const owner = await t.token('owner');
    const layout = {
      type: 0,
      id: 1,
      childNodes: [
        {
          type: 2,
          id: 2,
          tagName: 'html',
          attributes: {},
          childNodes: [
            {
              type: 2,
              id: 3,
              tagName: 'body',
              attributes: { 'data-user': 'jane@planted.example' },
              childNodes: [{ type: 3, id: 4, textContent: 'Jane Planted' }],
            },
          ],
        },
      ],
    };
    const ids: string[] = [];
    for (let s = 0; s < 5; s++) {
      const { sessionId: id, res } = await visit(t, site, {
        path: '/checkout/pay',
        mode: 'heatmap',
        vw: 390,
        clicks: [{ el: BUTTON }],
        extra: (t0) => [layoutEvent(t0 + 50, '/checkout/pay', layout)],
      });
      expect(res.json()).toMatchObject({ ack: 0, duplicate: false });
      ids.push(id);
    }
    // A recorder that ignores the policy and sends a replay of that page: not stored either.
    const rogue = sessionId();
    const t0 = t.clock.now();
    await t.ingest(
      makeBatch({
        siteKey: site.siteKey,
        sessionId: rogue,
        events: [
          metaEvent(t0, `${SITE_ORIGIN}/checkout/pay`, 390),
          snapshotEvent(t0 + 1, 'Rogue replay text'),
        ],
      }),
      { 'user-agent': BROWSER_UA },
    );
    const sessions = await get(`/api/v1/sites/${site.siteKey}/sessions`, owner);
    expect(sessions.body.sessions).toEqual([]);
    for (const id of [...ids, rogue]) expect((await get(`/api/v1/sessions/${id}`, owner)).status).toBe(404);
    const mobile = await clicks(site.siteKey, 'page=/checkout/pay&device=mobile');
    expect(mobile.body).toMatchObject({ page: '/checkout/pay', totals: { clicks: 5, sessions: 5 } });
    const snap = await get(
      `/api/v1/sites/${site.siteKey}/heatmaps/snapshot?page=/checkout/pay&device=mobile`,
    );
    expect(snap.status).toBe(200);
    expect(snap.body).toMatchObject({ page: '/checkout/pay', device: 'mobile', width: 390 });
    const json = JSON.stringify(snap.body.node);
    expect(json).not.toContain('Jane');
    expect(json).not.toContain('planted');
    expect(json).toContain('"textContent":"**** *******"');
  });

  it('keeps a text-masked copy of a replay full snapshot as the page layout, encrypted at rest', async () => {
    const site = await heatmapSite(t);
    const id = sessionId();
    const t0 = t.clock.now();
    await t.ingest(
      makeBatch({
        siteKey: site.siteKey,
        sessionId: id,
        events: [
          metaEvent(t0, `${SITE_ORIGIN}/orders/4411?token=x`, 1280),
          snapshotEvent(t0 + 1, 'Order of Zelda Plantedname'),
          {
            type: 5,
            timestamp: t0 + 2,
            data: {
              tag: 'veil.hm.view',
              payload: {
                path: '/orders/4411',
                mode: 'replay',
                vw: 1280,
                vh: 800,
                dw: 1280,
                dh: 900,
                ref: 'direct',
                nv: true,
              },
            },
          },
        ],
      }),
      { 'user-agent': BROWSER_UA },
    );
    const snap = await get(`/api/v1/sites/${site.siteKey}/heatmaps/snapshot?page=/orders/:id&device=desktop`);
    expect(snap.status).toBe(200);
    expect(snap.body).toMatchObject({ source: 'replay', width: 1280 });
    expect(JSON.stringify(snap.body.node)).toContain('"textContent":"***** ** ***** ***********"');
    const files = await readTreeBytes(t.dir);
    const hits = files.filter((f) => f.bytes.includes(Buffer.from('Zelda Plantedname')));
    // The replay chunk is encrypted and the layout is text-free: the name is in no file.
    expect(hits.map((f) => f.path)).toEqual([]);
    expect((await get(`/api/v1/sites/${site.siteKey}/heatmaps/snapshot?page=/nowhere`)).status).toBe(404);
  });

  it('is for heatmaps:read: the analyst role reads it, others are refused', async () => {
    const site = await heatmapSite(t);
    for (let s = 0; s < 5; s++) await visit(t, site, { clicks: [{ el: BUTTON }] });
    const url = `/api/v1/sites/${site.siteKey}/heatmaps/clicks?page=/`;
    expect((await get(url)).status).toBe(200);
    expect((await get(url, await t.token('replay_viewer'))).status).toBe(200);
    expect((await get(url, await t.token('auditor'))).status).toBe(403);
    expect((await t.app.inject({ url })).statusCode).toBe(401);
    expect((await get(`/api/v1/sites/site_nothere_01/heatmaps/clicks?page=/`)).status).toBe(404);
    expect((await clicks(site.siteKey, 'page=/nowhere')).status).toBe(404);
  });

  it('is described in the OpenAPI document', async () => {
    const doc = (await t.app.inject({ url: '/api/v1/openapi.json' })).json();
    for (const kind of ['pages', 'clicks', 'scroll', 'attention', 'snapshot']) {
      expect(doc.paths[`/api/v1/sites/{siteKey}/heatmaps/${kind}`]?.get, kind).toBeDefined();
    }
    expect(doc.components.schemas.ClickHeatmap).toBeDefined();
  });

  it('validates its query', async () => {
    const site = await heatmapSite(t);
    const bad = async (q: string) => {
      const r = await clicks(site.siteKey, q);
      expect(r.status, q).toBe(400);
      expect(r.body.error.code).toBe('validation_failed');
    };
    await bad('device=desktop');
    await bad('page=/&device=watch');
    await bad('page=/&referrer=friends');
    await bad('page=/&tagKey=plan');
    await bad('page=/&tagKey=plan&tagValue=pro&visitor=new');
    await bad('page=/&from=10&to=5');
    await bad(`page=/&from=0&to=${500 * MS_PER_DAY}`);
  });
});

describe('heatmaps by region', () => {
  let t: TestApp;
  let analyst: string;
  beforeAll(async () => {
    t = await startTestApp({ env: { VEIL_REGION_HEADER: 'x-country', VEIL_HEATMAP_MIN_COHORT: '2' } });
    analyst = await t.token('analyst');
  });
  afterAll(() => t.close());

  it("segments by the visitor's country when a region source is configured", async () => {
    const site = await heatmapSite(t);
    for (const [country, n] of [
      ['DE', 5],
      ['FR', 6],
    ] as const) {
      for (let s = 0; s < n; s++) {
        const { res } = await visit(t, site, { clicks: [{ el: BUTTON }], headers: { 'x-country': country } });
        expect(res.statusCode).toBe(202);
      }
    }
    const total = async (q: string) => {
      const res = await t.app.inject({
        url: `/api/v1/sites/${site.siteKey}/heatmaps/clicks?page=/&${q}`,
        headers: { authorization: `Bearer ${analyst}` },
      });
      return res.statusCode === 200 ? res.json().totals.clicks : res.json().error.code;
    };
    expect(await total('region=DE')).toBe(5);
    expect(await total('region=FR&visitor=new')).toBe(6);
    expect(await total('region=IT')).toBe('cohort_too_small');
    expect(await total('')).toBe(11);
  });
});

describe('heatmaps: the minimum cohort (distinct visitors, default 20)', () => {
  let t: TestApp;
  let analyst: string;
  beforeAll(async () => {
    t = await startTestApp();
    analyst = await t.token('analyst');
  });
  afterAll(() => t.close());

  const get = async (siteKey: string, what: string, query: string) => {
    const res = await t.app.inject({
      url: `/api/v1/sites/${siteKey}/heatmaps/${what}?${query}`,
      headers: { authorization: `Bearer ${analyst}` },
    });
    return { status: res.statusCode, body: res.json() };
  };
  const day = (ms: number) => ms - (ms % MS_PER_DAY);
  /**
   * Adds one new visitor at a time (`add`) until the page's click heatmap is shown; returns the
   * distinct visitors it then holds (`have` before), or throws past 30.
   */
  const visitorsUntilShown = async (
    site: Awaited<ReturnType<typeof heatmapSite>>,
    have: number,
    add: () => Promise<unknown>,
  ): Promise<number> => {
    for (let n = have + 1; n <= 30; n++) {
      await add();
      if ((await get(site.siteKey, 'clicks', 'page=/&device=desktop')).status === 200) return n;
    }
    throw new Error('the heatmap stayed refused at 30 distinct visitors');
  };

  it('refuses every heatmap of a page until 20 distinct visitors, whole and with a 422', async () => {
    expect(t.config.heatmapMinCohort).toBe(20);
    const site = await heatmapSite(t);
    for (let v = 0; v < 19; v++) await visit(t, site, { clicks: [{ el: BUTTON, x: 5, y: 5 }] });
    for (const what of ['clicks', 'scroll', 'attention']) {
      const refused = await get(site.siteKey, what, 'page=/&device=desktop');
      expect(refused.status, what).toBe(422);
      expect(refused.body.error.code).toBe('cohort_too_small');
      expect(JSON.stringify(refused.body)).not.toContain(BUTTON);
    }
    expect((await get(site.siteKey, 'pages', '')).body.error.code).toBe('cohort_too_small');
    // The 20th visitor opens it, unless two visitors share a bit of the bitmap (p ≈ 5 % at 20):
    // the count errs only low, so it may take a visitor or two more, never fewer.
    const visitors = await visitorsUntilShown(site, 19, () =>
      visit(t, site, { clicks: [{ el: BUTTON, x: 5, y: 5 }] }),
    );
    expect(visitors).toBeGreaterThanOrEqual(20);
    expect(visitors).toBeLessThanOrEqual(23);
    const shown = await get(site.siteKey, 'clicks', 'page=/&device=desktop');
    expect(shown.status).toBe(200);
    expect(shown.body.totals).toMatchObject({ sessions: visitors, clicks: visitors });
    expect(
      (await get(site.siteKey, 'pages', '')).body.pages.map((p: { pattern: string }) => p.pattern),
    ).toEqual(['/']);
  });

  it('counts visitors, not sessions: one visitor with 30 sessions is refused', async () => {
    const site = await heatmapSite(t);
    for (let s = 0; s < 30; s++)
      await visit(t, site, { visitorId: 'visitor_the_only_one', clicks: [{ el: BUTTON }] });
    for (let v = 0; v < 18; v++) await visit(t, site, { clicks: [{ el: BUTTON }] });
    const refused = await get(site.siteKey, 'clicks', 'page=/&device=desktop');
    expect(refused.status).toBe(422);
    // 48 sessions, 19 visitors: one more visitor, not one more session, opens it.
    await visit(t, site, { visitorId: 'visitor_the_only_one', clicks: [{ el: BUTTON }] });
    expect((await get(site.siteKey, 'clicks', 'page=/&device=desktop')).status).toBe(422);
    const visitors = await visitorsUntilShown(site, 19, () => visit(t, site, { clicks: [{ el: BUTTON }] }));
    expect(visitors).toBeGreaterThanOrEqual(20);
    expect(visitors).toBeLessThanOrEqual(23);
  });

  it('leaves out a quiet day and names it, so overlapping date ranges differ by whole days of 20 visitors', async () => {
    const site = await heatmapSite(t);
    const first = day(t.clock.now());
    for (let v = 0; v < 24; v++) await visit(t, site, { clicks: [{ el: BUTTON, x: 5, y: 5 }] });
    t.clock.advance(MS_PER_DAY);
    // The next day one visitor alone, clicking somewhere nobody else did.
    await visit(t, site, { visitorId: 'visitor_alone_next_day', clicks: [{ el: LINK, x: 900, y: 900 }] });
    const second = day(t.clock.now());
    const secondIso = new Date(second).toISOString().slice(0, 10);
    const range = (from: number, to: number) =>
      `page=/&device=desktop&from=${from}&to=${to + MS_PER_DAY - 1}`;
    const dayOne = await get(site.siteKey, 'clicks', range(first, first));
    expect(dayOne.status).toBe(200);
    expect(dayOne.body.totals.sessions).toBe(24);
    expect(dayOne.body.withheldDays).toEqual([]);
    // Both days: answered, but from day one only; the quiet day is left out and named, so the
    // difference to day one is nothing, never that one visitor.
    const both = await get(site.siteKey, 'clicks', range(first, second));
    expect(both.status).toBe(200);
    expect(both.body.withheldDays).toEqual([secondIso]);
    expect(both.body.totals).toEqual(dayOne.body.totals);
    expect(both.body.cells).toEqual(dayOne.body.cells);
    expect(JSON.stringify(both.body)).not.toContain(LINK);
    const scroll = await get(site.siteKey, 'scroll', range(first, second));
    expect(scroll.body).toMatchObject({ withheldDays: [secondIso] });
    const pages = await get(
      site.siteKey,
      'pages',
      `from=${first}&to=${second + MS_PER_DAY - 1}&device=desktop`,
    );
    expect(pages.status).toBe(200);
    expect(pages.body).toMatchObject({ withheldDays: [secondIso], pages: [{ pattern: '/', sessions: 24 }] });
    // The quiet day alone holds nothing to answer from.
    const alone = await get(site.siteKey, 'clicks', range(second, second));
    expect(alone.status).toBe(422);
    expect(alone.body.error.code).toBe('cohort_too_small');
  });

  it('refuses device classes and segments that would single out a visitor', async () => {
    const site = await heatmapSite(t);
    for (let v = 0; v < 21; v++) await visit(t, site, { clicks: [{ el: BUTTON }] });
    await visit(t, site, { vw: 390, clicks: [{ el: BUTTON }] });
    await visit(t, site, { ref: 'email', clicks: [{ el: BUTTON }] });
    expect((await get(site.siteKey, 'clicks', 'page=/&device=desktop')).status).toBe(200);
    expect((await get(site.siteKey, 'clicks', 'page=/&device=mobile')).status).toBe(422);
    // Every device class at once: desktop minus it would be the one mobile visitor.
    expect((await get(site.siteKey, 'pages', '')).status).toBe(422);
    expect((await get(site.siteKey, 'pages', 'device=desktop')).status).toBe(200);
    expect((await get(site.siteKey, 'clicks', 'page=/&device=desktop&referrer=email')).status).toBe(422);
  });
});
