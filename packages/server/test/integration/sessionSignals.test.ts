import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeBatch, metaEvent, moveEvent, sessionId, T0 } from '../support/batches.js';
import { readReplay } from '../support/replay.js';
import { signalEvents as ev } from '../support/signalEvents.js';
import { SITE_ORIGIN, startTestApp, type TestApp } from '../support/testApp.js';

interface Listed {
  id: string;
  signals: Record<string, number>;
}

// Signals are counted at ingest and stored per session: the list filters and sorts by them.
describe('session signals', () => {
  let t: TestApp;
  let cookie: string;
  const ids: Record<string, string> = {};

  async function ingest(id: string, seq: number, events: Parameters<typeof makeBatch>[0]['events']) {
    const res = await t.ingest(makeBatch({ siteKey: t.site.siteKey, sessionId: id, seq, events }));
    expect(res.statusCode, res.body).toBe(202);
  }

  beforeAll(async () => {
    t = await startTestApp();
    cookie = await t.login();
    const at = (i: number) => T0 + i * 60_000;
    ids.calm = sessionId();
    await ingest(ids.calm, 0, [metaEvent(at(0), `${SITE_ORIGIN}/`), moveEvent(at(0) + 10_000)]);
    ids.rage = sessionId();
    await ingest(ids.rage, 0, [
      metaEvent(at(1), `${SITE_ORIGIN}/cart`),
      ev.heatmapClick(at(1) + 100, { rage: true }),
      ev.heatmapClick(at(1) + 200, { rage: true }),
      ev.heatmapClick(at(1) + 300, { rage: true, dead: true }),
      moveEvent(at(1) + 10_000),
    ]);
    // Two batches: the quick back and the error click span them.
    ids.errors = sessionId();
    await ingest(ids.errors, 0, [
      metaEvent(at(2), `${SITE_ORIGIN}/list`),
      metaEvent(at(2) + 4_000, `${SITE_ORIGIN}/item/7`),
      ev.click(at(2) + 5_000),
    ]);
    await ingest(ids.errors, 1, [
      ev.error(at(2) + 5_400, 'Cannot read properties of undefined'),
      ev.request(at(2) + 5_500, 500),
      ev.request(at(2) + 5_600, 0),
      ev.request(at(2) + 5_700, 200),
      metaEvent(at(2) + 6_000, `${SITE_ORIGIN}/list`),
      moveEvent(at(2) + 10_000),
    ]);
    ids.scroll = sessionId();
    await ingest(ids.scroll, 0, [
      metaEvent(at(3), `${SITE_ORIGIN}/faq`),
      ...[0, 500, 100, 700, 50, 800, 0, 900].map((y, i) => ev.scroll(at(3) + 200 * (i + 1), y)),
      ev.heatmapClick(at(3) + 3_000, { dead: true }),
      moveEvent(at(3) + 10_000),
    ]);
  });
  afterAll(() => t.close());

  async function list(query = ''): Promise<{ sessions: Listed[]; nextCursor: string | null }> {
    const res = await t.app.inject({
      url: `/api/v1/sites/${t.site.siteKey}/sessions${query}`,
      headers: { cookie },
    });
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  }

  it('shows each session its signals', async () => {
    const byId = new Map((await list()).sessions.map((s) => [s.id, s.signals]));
    expect(byId.get(ids.calm ?? '')).toEqual({
      rageClicks: 0,
      deadClicks: 0,
      quickBacks: 0,
      excessiveScrolls: 0,
      errorClicks: 0,
      jsErrors: 0,
      failedRequests: 0,
    });
    expect(byId.get(ids.rage ?? '')).toMatchObject({ rageClicks: 3, deadClicks: 1 });
    expect(byId.get(ids.errors ?? '')).toMatchObject({
      quickBacks: 1,
      errorClicks: 1,
      jsErrors: 1,
      failedRequests: 2,
    });
    expect(byId.get(ids.scroll ?? '')).toMatchObject({ excessiveScrolls: 1, deadClicks: 1 });
  });

  it('counts a retried batch once', async () => {
    await ingest(ids.rage ?? '', 0, [
      metaEvent(T0 + 60_000, `${SITE_ORIGIN}/cart`),
      ev.heatmapClick(T0 + 60_100, { rage: true }),
    ]);
    const rage = (await list()).sessions.find((s) => s.id === ids.rage);
    expect(rage?.signals.rageClicks).toBe(3);
  });

  it('filters by signals (all named must be present)', async () => {
    const got = async (q: string) => (await list(q)).sessions.map((s) => s.id);
    expect(await got('?signals=deadClicks')).toEqual([ids.scroll, ids.rage]);
    expect(await got('?signals=deadClicks,rageClicks')).toEqual([ids.rage]);
    expect(await got('?signals=failedRequests')).toEqual([ids.errors]);
    expect(await got('?signals=excessiveScrolls&page=faq')).toEqual([ids.scroll]);
    expect(await got('?signals=errorClicks,quickBacks,jsErrors')).toEqual([ids.errors]);
  });

  it('sorts by a signal, most first, with a cursor that keeps the order', async () => {
    const all = await list('?sort=deadClicks');
    // Dead clicks 1, 1 (newest first among equals), then the zeros newest first.
    expect(all.sessions.map((s) => s.id)).toEqual([ids.scroll, ids.rage, ids.errors, ids.calm]);
    const first = await list('?sort=deadClicks&limit=3');
    expect(first.sessions.map((s) => s.id)).toEqual([ids.scroll, ids.rage, ids.errors]);
    const second = await list(`?sort=deadClicks&limit=3&cursor=${first.nextCursor}`);
    expect(second.sessions.map((s) => s.id)).toEqual([ids.calm]);
    const byRage = await list('?sort=rageClicks&limit=1');
    expect(byRage.sessions.map((s) => s.id)).toEqual([ids.rage]);
    const next = await list(`?sort=rageClicks&limit=2&cursor=${byRage.nextCursor}`);
    expect(next.sessions.map((s) => s.id)).toEqual([ids.scroll, ids.errors]);
  });

  it('filters and sorts from the rows kept at ingest, never the recordings: the same answers without any chunk', async () => {
    const queries = [
      '',
      '?signals=deadClicks',
      '?signals=deadClicks,rageClicks',
      '?signals=failedRequests',
      '?signals=excessiveScrolls&page=faq',
      '?signals=errorClicks,quickBacks,jsErrors',
      '?sort=deadClicks',
      '?sort=rageClicks',
      '?sort=failedRequests&signals=jsErrors',
    ];
    const answers = async () =>
      Promise.all(queries.map(async (q) => (await list(q)).sessions.map((s) => [s.id, s.signals])));
    const before = await answers();
    expect(before[3]).toEqual([[ids.errors, expect.objectContaining({ failedRequests: 2 })]]);
    // Straight in the database, behind the store's back: every stored chunk of these sessions.
    const db = new BetterSqlite3(path.join(t.config.dataDir, 'veil.sqlite'));
    try {
      db.pragma('busy_timeout = 5000');
      const gone = db
        .prepare(
          `DELETE FROM chunks WHERE session_id IN (${Object.values(ids)
            .map(() => '?')
            .join(',')})`,
        )
        .run(...Object.values(ids));
      expect(gone.changes).toBeGreaterThanOrEqual(Object.keys(ids).length);
    } finally {
      db.close();
    }
    const replay = await readReplay(
      t.app,
      { authorization: `Bearer ${await t.token('owner')}` },
      ids.errors ?? '',
    );
    expect(replay.body).not.toContain('Cannot read properties of undefined');
    expect(await answers()).toEqual(before);
  });

  it('refuses an unknown signal or sort', async () => {
    for (const q of ['?signals=rageClicks,boredom', '?sort=boredom']) {
      const res = await t.app.inject({
        url: `/api/v1/sites/${t.site.siteKey}/sessions${q}`,
        headers: { cookie },
      });
      expect(res.statusCode).toBe(400);
      expect(res.json().error.code).toBe('validation_failed');
    }
  });

  it('keeps the error text it stores masked by the server', async () => {
    const id = sessionId();
    await ingest(id, 0, [
      metaEvent(T0 + 600_000, `${SITE_ORIGIN}/account`),
      ev.error(T0 + 600_100, 'no account for jane.doe@example.org'),
      moveEvent(T0 + 610_000),
    ]);
    const res = await readReplay(t.app, { authorization: `Bearer ${await t.token('owner')}` }, id);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.body).not.toContain('jane.doe@example.org');
    expect(res.body).toContain('no account for');
  });

  it('counts an error click when the error arrives before the click (record-on-error order)', async () => {
    const id = sessionId();
    const at = T0 + 800_000;
    // Record-on-error sends the error first, then the window before it that holds the click.
    await ingest(id, 0, [ev.error(at + 5_300, 'Cannot read properties of null'), moveEvent(at + 9_000)]);
    await ingest(id, 1, [metaEvent(at, `${SITE_ORIGIN}/cart`), ev.click(at + 5_000), moveEvent(at + 5_100)]);
    const listed = (await list()).sessions.find((s) => s.id === id);
    expect(listed?.signals).toMatchObject({ jsErrors: 1, errorClicks: 1 });
  });

  it('drops error and network events server-side when the policy has their capture off', async () => {
    const owner = await t.token('owner');
    const auth = { authorization: `Bearer ${owner}` };
    const current = (
      await t.app.inject({ url: `/api/v1/sites/${t.site.siteKey}/policy`, headers: auth })
    ).json() as { policy: Record<string, unknown> };
    const put = await t.app.inject({
      method: 'PUT',
      url: `/api/v1/sites/${t.site.siteKey}/policy`,
      headers: { ...auth, 'content-type': 'application/json' },
      payload: JSON.stringify({
        policy: { ...current.policy, captureErrors: false, captureNetworkMetadata: false },
        reason: 'no errors, no network metadata',
      }),
    });
    expect(put.statusCode, put.body).toBe(200);
    const id = sessionId();
    await ingest(id, 0, [
      metaEvent(T0 + 700_000, `${SITE_ORIGIN}/`),
      ev.click(T0 + 700_050),
      ev.error(T0 + 700_100, 'SecretErrorText'),
      ev.request(T0 + 700_200, 503, '/api/secret-endpoint'),
      moveEvent(T0 + 710_000),
    ]);
    const listed = (await list()).sessions.find((s) => s.id === id);
    expect(listed?.signals).toMatchObject({ jsErrors: 0, errorClicks: 0, failedRequests: 0 });
    const res = await readReplay(t.app, { authorization: `Bearer ${await t.token('owner')}` }, id);
    expect(res.body).not.toContain('SecretErrorText');
    expect(res.body).not.toContain('secret-endpoint');
    const drops = (
      await t.app.inject({ url: `/api/v1/sites/${t.site.siteKey}/privacy-drops`, headers: auth })
    ).json() as { drops: Array<{ reason: string; count: number }> };
    const by = Object.fromEntries(drops.drops.map((d) => [d.reason, d.count]));
    expect(by).toMatchObject({ error_events: 1, network_metadata: 1 });
  });

  it('drops only the part whose switch is off: errors off keeps network metadata, and the other way', async () => {
    const owner = await t.token('owner');
    const auth = { authorization: `Bearer ${owner}` };
    for (const [captureErrors, captureNetworkMetadata] of [
      [false, true],
      [true, false],
    ] as const) {
      const current = (
        await t.app.inject({ url: `/api/v1/sites/${t.site.siteKey}/policy`, headers: auth })
      ).json() as { policy: Record<string, unknown> };
      const put = await t.app.inject({
        method: 'PUT',
        url: `/api/v1/sites/${t.site.siteKey}/policy`,
        headers: { ...auth, 'content-type': 'application/json' },
        payload: JSON.stringify({
          policy: { ...current.policy, captureErrors, captureNetworkMetadata },
          reason: `errors ${captureErrors}, network metadata ${captureNetworkMetadata}`,
        }),
      });
      expect(put.statusCode, put.body).toBe(200);
      const id = sessionId();
      await ingest(id, 0, [
        metaEvent(T0 + 800_000, `${SITE_ORIGIN}/`),
        ev.error(T0 + 800_100, 'OneSwitchErrorText'),
        ev.request(T0 + 800_200, 503, '/api/one-switch-endpoint'),
        moveEvent(T0 + 810_000),
      ]);
      const listed = (await list()).sessions.find((s) => s.id === id);
      expect(listed?.signals).toMatchObject({
        jsErrors: captureErrors ? 1 : 0,
        failedRequests: captureNetworkMetadata ? 1 : 0,
      });
      const res = await readReplay(t.app, auth, id);
      expect(res.body.includes('OneSwitchErrorText')).toBe(captureErrors);
      expect(res.body.includes('one-switch-endpoint')).toBe(captureNetworkMetadata);
    }
  });
});
