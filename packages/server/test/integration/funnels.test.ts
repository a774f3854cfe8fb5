import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeBatch, metaEvent, moveEvent, sessionId, T0 } from '../support/batches.js';
import { SITE_ORIGIN, startTestApp, type TestApp } from '../support/testApp.js';

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

  interface Funnel {
    k: number;
    cohortShown: boolean;
    suppressed: number;
    steps: Array<{
      pattern: string;
      sessions: number | null;
      conversion: number | null;
      dropOff: number | null;
    }>;
  }

  it('gives exact counts per step and withholds a step fewer than k sessions reached', async () => {
    const { status, body } = await get<Funnel>(
      '/funnel?step=%2F&step=%2Fitem%2F%3Aid&step=%2Fcart&step=%2Fcheckout',
    );
    expect(status).toBe(200);
    expect(body).toMatchObject({ k: 5, cohortShown: true, suppressed: 1 });
    expect(body.steps).toEqual([
      { pattern: '/', sessions: 9, conversion: 1, dropOff: null },
      { pattern: '/item/:id', sessions: 7, conversion: 7 / 9, dropOff: 2 },
      { pattern: '/cart', sessions: 6, conversion: 6 / 9, dropOff: 1 },
      { pattern: '/checkout', sessions: null, conversion: null, dropOff: null },
    ]);
  });

  it('shows nothing when the first step is below the minimum cohort', async () => {
    const { body } = await get<Funnel>('/funnel?step=%2Fabout&step=%2Fcart');
    expect(body.cohortShown).toBe(false);
    expect(body.steps.map((s) => s.sessions)).toEqual([null, null]);
  });

  it('lists top paths after and before a page by pattern, rows below k withheld', async () => {
    const after = await get<{ sessions: number; suppressed: number; paths: unknown[] }>(
      '/paths?page=%2F&direction=after',
    );
    expect(after.body).toMatchObject({
      sessions: 9,
      suppressed: 2,
      paths: [{ page: '/item/:id', sessions: 7 }],
    });
    const before = await get<{ sessions: number; suppressed: number; paths: unknown[] }>(
      '/paths?page=%2Fcart&direction=before',
    );
    expect(before.body).toMatchObject({
      sessions: 7,
      suppressed: 1,
      paths: [{ page: '/item/:id', sessions: 6 }],
    });
  });

  it('refuses a funnel of one step or a pattern that is not a path', async () => {
    expect((await get('/funnel?step=%2F')).status).toBe(400);
    expect((await get('/funnel?step=%2F&step=cart')).status).toBe(400);
    expect((await get('/paths?page=%2F&direction=sideways')).status).toBe(400);
  });
});
