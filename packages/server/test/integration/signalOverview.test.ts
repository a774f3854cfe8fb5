import { MS_PER_DAY, type SignalOverview } from '@veil/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeBatch, metaEvent, moveEvent, sessionId, T0 } from '../support/batches.js';
import { signalEvents } from '../support/signalEvents.js';
import { SITE_ORIGIN, startTestApp, type TestApp } from '../support/testApp.js';

// The site overview: signal trends per day and the most frustrating pages, from the counts kept at
// ingest, k-anonymous (k = 5, the default heatmapMinSessions).
describe('signal overview', () => {
  let t: TestApp;
  let analyst: string;

  async function visit(paths: string[], signals: 'rage' | 'error' | 'none'): Promise<void> {
    const start = t.clock.now();
    const events = paths.map((p, i) => metaEvent(start + i * 10_000, `${SITE_ORIGIN}${p}`));
    const end = start + paths.length * 10_000;
    if (signals === 'rage') events.push(signalEvents.heatmapClick(end, { rage: true }, paths.at(-1)));
    if (signals === 'error') events.push(signalEvents.error(end, 'boom', paths.at(-1)));
    events.push(moveEvent(end + 1_000));
    const res = await t.ingest(makeBatch({ siteKey: t.site.siteKey, sessionId: sessionId(), events }));
    expect(res.statusCode, res.body).toBe(202);
  }

  beforeAll(async () => {
    t = await startTestApp();
    analyst = await t.token('analyst');
    // Day 1: 6 sessions: 5 rage on /cart, 1 calm.
    for (let i = 0; i < 5; i++) await visit(['/', '/cart'], 'rage');
    await visit(['/'], 'none');
    // Day 2: 7 sessions: 3 errors on /item/N (below k), 4 calm.
    t.clock.advance(MS_PER_DAY);
    for (let i = 0; i < 3; i++) await visit(['/', `/item/${i + 10}`], 'error');
    for (let i = 0; i < 4; i++) await visit(['/about'], 'none');
    // Day 3: 2 sessions only: the day is withheld.
    t.clock.advance(MS_PER_DAY);
    for (let i = 0; i < 2; i++) await visit(['/cart'], 'rage');
  });
  afterAll(() => t.close());

  async function get(query = ''): Promise<{ status: number; body: SignalOverview }> {
    const res = await t.app.inject({
      url: `/api/v1/sites/${t.site.siteKey}/signals/overview${query}`,
      headers: { authorization: `Bearer ${analyst}` },
    });
    return { status: res.statusCode, body: res.json() as SignalOverview };
  }

  it('counts sessions with each signal per day, withholding figures and days below k', async () => {
    const { status, body } = await get(`?from=${T0}&to=${T0 + 2 * MS_PER_DAY + 60_000}`);
    expect(status).toBe(200);
    expect(body.k).toBe(5);
    expect(body.days.map((d) => d.day)).toEqual(
      [0, 1, 2].map((i) => Math.floor(T0 / MS_PER_DAY + i) * MS_PER_DAY),
    );
    const [one, two, three] = body.days;
    expect(one?.sessions).toBe(6);
    expect(one?.withSignal.rageClicks).toBe(5);
    // Zero and "a few" look alike: both withheld.
    expect(one?.withSignal.jsErrors).toBeNull();
    expect(two?.sessions).toBe(7);
    expect(two?.withSignal.jsErrors).toBeNull(); // 3 < k
    expect(three).toMatchObject({ sessions: null, withSignal: { rageClicks: null } });
    expect(body.suppressed.days).toBe(1);
  });

  it('lists the pages with most frustrated sessions, pages below k withheld', async () => {
    const { body } = await get(`?from=${T0}&to=${T0 + 2 * MS_PER_DAY + 60_000}`);
    // By share: /cart 7 of 7 sessions frustrated (rage clicks), / 8 of 9 (5 rage + 3 errors).
    expect(body.pages.map((p) => [p.page, p.sessions, p.frustrated])).toEqual([
      ['/cart', 7, 7],
      ['/', 9, 8],
    ]);
    expect(body.pages[0]?.withSignal).toMatchObject({ rageClicks: 7, jsErrors: null });
    expect(body.pages[1]?.withSignal).toMatchObject({ rageClicks: 5, jsErrors: null });
    // /item/:id (3 frustrated) is withheld; /about had no frustration at all.
    expect(body.suppressed.pages).toBe(1);
  });

  it('refuses a bad range and unknown sites; analysts may read it, nobody anonymous', async () => {
    expect((await get('?from=10&to=5')).status).toBe(400);
    const anonymous = await t.app.inject({ url: `/api/v1/sites/${t.site.siteKey}/signals/overview` });
    expect(anonymous.statusCode).toBe(401);
    const unknown = await t.app.inject({
      url: '/api/v1/sites/no_such_site_key_at_all/signals/overview',
      headers: { authorization: `Bearer ${analyst}` },
    });
    expect([403, 404]).toContain(unknown.statusCode);
  });
});
