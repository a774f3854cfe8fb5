import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeBatch, metaEvent, moveEvent, pageViewEvent, sessionId, T0 } from '../support/batches.js';
import { readReplay } from '../support/replay.js';
import { SITE_ORIGIN, startTestApp, type TestApp } from '../support/testApp.js';

interface Seed {
  id: string;
  start: number;
  durationMs: number;
  width: number;
  path: string;
}

describe('session API', () => {
  let t: TestApp;
  let cookie: string;
  const seeds: Seed[] = [];

  beforeAll(async () => {
    t = await startTestApp();
    cookie = await t.login();
    const shapes: [number, number, string][] = [
      [390, 4_000, '/'],
      [800, 20_000, '/products/shoes'],
      [1440, 65_000, '/checkout'],
      [1440, 5_000, '/blog/100%_real'],
      [390, 120_000, '/products/hats'],
      [1920, 9_000, '/'],
    ];
    for (const [i, [width, durationMs, path]] of shapes.entries()) {
      const start = T0 + i * 60_000;
      const seed = { id: sessionId(), start, durationMs, width, path };
      seeds.push(seed);
      const res = await t.ingest(
        makeBatch({
          siteKey: t.site.siteKey,
          sessionId: seed.id,
          events: [metaEvent(start, `${SITE_ORIGIN}${path}`, width), moveEvent(start + durationMs)],
        }),
      );
      expect(res.statusCode).toBe(202);
    }
  });
  afterAll(() => t.close());

  async function list(query = ''): Promise<{ sessions: { id: string }[]; nextCursor: string | null }> {
    const res = await t.app.inject({
      url: `/api/v1/sites/${t.site.siteKey}/sessions${query}`,
      headers: { cookie },
    });
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  }
  const ids = (indexes: number[]) => indexes.map((i) => seeds[i]?.id);

  it('lists newest first', async () => {
    expect((await list()).sessions.map((s) => s.id)).toEqual(ids([5, 4, 3, 2, 1, 0]));
  });

  it('filters by time, device, duration and visited page', async () => {
    const s = (i: number) => seeds[i]?.start ?? 0;
    expect((await list(`?from=${s(2)}&to=${s(4)}`)).sessions.map((x) => x.id)).toEqual(ids([4, 3, 2]));
    expect((await list('?device=mobile')).sessions.map((x) => x.id)).toEqual(ids([4, 0]));
    expect((await list('?device=tablet')).sessions.map((x) => x.id)).toEqual(ids([1]));
    expect((await list('?minDurationMs=60000')).sessions.map((x) => x.id)).toEqual(ids([4, 2]));
    expect((await list('?page=PRODUCTS')).sessions.map((x) => x.id)).toEqual(ids([4, 1]));
    expect((await list(`?page=${encodeURIComponent('100%_')}`)).sessions.map((x) => x.id)).toEqual(ids([3]));
    expect((await list(`?page=${encodeURIComponent('%')}`)).sessions.map((x) => x.id)).toEqual(ids([3]));
    expect((await list('?device=desktop&minDurationMs=6000')).sessions.map((x) => x.id)).toEqual(ids([5, 2]));
  });

  it('paginates with a cursor', async () => {
    const first = await list('?limit=4');
    expect(first.sessions.map((x) => x.id)).toEqual(ids([5, 4, 3, 2]));
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = await list(`?limit=4&cursor=${first.nextCursor}`);
    expect(second.sessions.map((x) => x.id)).toEqual(ids([1, 0]));
    expect(second.nextCursor).toBeNull();
  });

  it('refuses bad filters with validation_failed naming the parameter', async () => {
    for (const [query, field] of [
      ['?limit=0', 'limit'],
      ['?limit=201', 'limit'],
      ['?device=phone', 'device'],
      ['?from=yesterday', 'from'],
      ['?cursor=garbage', 'cursor'],
    ] as const) {
      const res = await t.app.inject({
        url: `/api/v1/sites/${t.site.siteKey}/sessions${query}`,
        headers: { cookie },
      });
      expect(res.statusCode, query).toBe(400);
      expect(res.json().error).toMatchObject({
        code: 'validation_failed',
        message: expect.stringContaining(field),
      });
    }
    const unknown = await t.app.inject({
      url: '/api/v1/sites/unknown_site_key/sessions',
      headers: { cookie },
    });
    expect(unknown.statusCode).toBe(404);
  });

  it('returns one session with its page views, titles decrypted', async () => {
    const id = sessionId();
    await t.ingest(
      makeBatch({
        siteKey: t.site.siteKey,
        sessionId: id,
        events: [
          metaEvent(T0, `${SITE_ORIGIN}/`),
          pageViewEvent(T0 + 2, `${SITE_ORIGIN}/`, 'Home – Shop'),
          pageViewEvent(T0 + 3000, `${SITE_ORIGIN}/about`, 'About'),
        ],
      }),
    );
    // The next batch begins with a re-taken snapshot of the same page: not a new page view.
    await t.ingest(
      makeBatch({
        siteKey: t.site.siteKey,
        sessionId: id,
        seq: 1,
        events: [metaEvent(T0 + 6000, `${SITE_ORIGIN}/about`)],
      }),
    );
    const res = await t.app.inject({ url: `/api/v1/sessions/${id}`, headers: { cookie } });
    expect(res.statusCode).toBe(200);
    expect(res.json().session).toMatchObject({
      id,
      pageCount: 2,
      deviceClass: 'desktop',
      pages: [
        { url: `${SITE_ORIGIN}/`, title: 'Home – Shop', ts: T0 },
        { url: `${SITE_ORIGIN}/about`, title: 'About', ts: T0 + 3000 },
      ],
    });
    expect(
      (await t.app.inject({ url: '/api/v1/sessions/nonexistent_id', headers: { cookie } })).statusCode,
    ).toBe(404);
  });

  it('opens raw events only by a POSTed grant with a purpose of 10+ characters, and logs each grant', async () => {
    const id = seeds[0]?.id ?? '';
    const headers = await t.loginHeaders();
    const grantUrl = `/api/v1/sessions/${id}/replay-grants`;
    // Reading needs a live grant: a purpose in the query opens nothing.
    for (const query of ['', '?purpose=support%20ticket%20%234711']) {
      const res = await t.app.inject({ url: `/api/v1/sessions/${id}/events${query}`, headers });
      expect(res.statusCode).toBe(400);
      expect(res.json().error.code).toBe('purpose_required');
    }
    // Too short, only spaces, or no words: refused.
    for (const purpose of ['', '   ', 'bug', 'bug  fix', '1234567890', '# ! # ! # !']) {
      const res = await t.app.inject({ method: 'POST', url: grantUrl, headers, payload: { purpose } });
      expect(res.statusCode, purpose).toBe(400);
      expect(res.json().error.code, purpose).toBe('purpose_required');
    }
    // A cookie session without the CSRF token cannot open a grant.
    const forged = await t.app.inject({
      method: 'POST',
      url: grantUrl,
      headers: { cookie: headers.cookie ?? '' },
      payload: { purpose: 'a forged cross-site request' },
    });
    expect(forged.statusCode).toBe(403);
    expect(forged.json().error.code).toBe('csrf_failed');
    expect(await t.app.veil.store.accessLog.listForSession(id)).toEqual([]);

    const viewer = await t.token('replay_viewer');
    const res = await readReplay(
      t.app,
      { authorization: `Bearer ${viewer}` },
      id,
      ' support   ticket #4711 ',
    );
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.json()).toMatchObject({
      sessionId: id,
      purpose: 'support ticket #4711',
      events: expect.any(Array),
    });
    t.clock.advance(1000);
    expect((await readReplay(t.app, headers, id, 'checkout bug BUG-12', 'BUG-12')).statusCode).toBe(200);
    const log = await t.app.veil.store.accessLog.listForSession(id);
    expect(log).toEqual([
      expect.objectContaining({
        purpose: 'support ticket #4711',
        apiTokenId: expect.any(String),
        userId: null,
        siteId: t.site.id,
      }),
      expect.objectContaining({
        purpose: 'checkout bug BUG-12',
        userId: expect.any(String),
        apiTokenId: null,
      }),
    ]);
    const missing = await readReplay(t.app, headers, 'nonexistent_id');
    expect(missing.statusCode).toBe(404);
  });
});
