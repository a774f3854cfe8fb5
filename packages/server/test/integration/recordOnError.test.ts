import { MAX_ERROR_MESSAGE_CHARS } from '@veil/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeBatch, metaEvent, moveEvent, sessionId, T0 } from '../support/batches.js';
import { readReplay } from '../support/replay.js';
import { signalEvents as ev } from '../support/signalEvents.js';
import { SITE_ORIGIN, startTestApp, type TestApp } from '../support/testApp.js';

// Record-on-error, enforced on the server too: a session of a site in this mode exists only
// around an error, whatever a browser sends.
describe('record-on-error at ingest', () => {
  let t: TestApp;
  let auth: Record<string, string>;

  const ingest = (id: string, seq: number, events: Parameters<typeof makeBatch>[0]['events']) =>
    t.ingest(makeBatch({ siteKey: t.site.siteKey, sessionId: id, seq, events }));

  async function putPolicy(change: Record<string, unknown>, reason: string) {
    const current = (
      await t.app.inject({ url: `/api/v1/sites/${t.site.siteKey}/policy`, headers: auth })
    ).json() as { policy: Record<string, unknown> };
    return t.app.inject({
      method: 'PUT',
      url: `/api/v1/sites/${t.site.siteKey}/policy`,
      headers: { ...auth, 'content-type': 'application/json' },
      payload: JSON.stringify({ policy: { ...current.policy, ...change }, reason }),
    });
  }

  beforeAll(async () => {
    t = await startTestApp();
    auth = { authorization: `Bearer ${await t.token('owner')}` };
  });
  afterAll(() => t.close());

  it('is a policy version like any other field, validated (bounds, needs captureErrors)', async () => {
    const tooLong = await putPolicy({ recordOnError: { enabled: true, windowSeconds: 600 } }, 'too long');
    expect(tooLong.statusCode).toBe(400);
    expect(tooLong.json().error.code).toBeTypeOf('string');
    const noErrors = await putPolicy(
      { captureErrors: false, recordOnError: { enabled: true } },
      'no error capture',
    );
    expect(noErrors.statusCode).toBe(400);
    expect(noErrors.body).toContain('captureErrors');
    const on = await putPolicy(
      { recordOnError: { enabled: true, windowSeconds: 20, afterSeconds: 5, triggers: ['error'] } },
      'record only around errors',
    );
    expect(on.statusCode, on.body).toBe(200);
    const read = (
      await t.app.inject({ url: `/api/v1/sites/${t.site.siteKey}/policy`, headers: auth })
    ).json() as { policy: { recordOnError: unknown } };
    expect(read.policy.recordOnError).toEqual({
      enabled: true,
      windowSeconds: 20,
      afterSeconds: 5,
      triggers: ['error'],
    });
    // The browser's copy carries it (the recorder needs it).
    const config = await t.app.inject({ url: `/r/v1/sites/${t.site.siteKey}/config` });
    expect(config.json().policy.recordOnError).toMatchObject({ enabled: true, windowSeconds: 20 });
  });

  it('refuses batches of a session without an error, and counts them', async () => {
    const id = sessionId();
    const res = await ingest(id, 0, [metaEvent(T0, `${SITE_ORIGIN}/`), moveEvent(T0 + 5_000)]);
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('not_recorded');
    // A console.error is not one of this site's triggers.
    const consoleOnly = await ingest(id, 0, [
      metaEvent(T0, `${SITE_ORIGIN}/`),
      {
        ...ev.error(T0 + 1_000, 'warned'),
        data: { tag: 'veil.error', payload: { kind: 'console', message: 'warned', path: '/' } },
      },
      moveEvent(T0 + 5_000),
    ]);
    expect(consoleOnly.statusCode).toBe(403);
    const list = await t.app.inject({ url: `/api/v1/sites/${t.site.siteKey}/sessions`, headers: auth });
    expect(list.json().sessions.map((s: { id: string }) => s.id)).not.toContain(id);
    const drops = (
      await t.app.inject({ url: `/api/v1/sites/${t.site.siteKey}/privacy-drops`, headers: auth })
    ).json() as { drops: Array<{ reason: string; count: number }> };
    expect(drops.drops.find((d) => d.reason === 'no_error')?.count).toBe(2);
  });

  it('takes a window that opens with its error, then the rest of the session', async () => {
    const id = sessionId();
    const at = T0 + 100_000;
    // The recorder sends the error first, then the window from its full snapshot.
    const first = await ingest(id, 0, [
      ev.error(at + 8_000, 'Cannot read properties of undefined'),
      metaEvent(at, `${SITE_ORIGIN}/cart`),
      moveEvent(at + 1_000),
    ]);
    expect(first.statusCode, first.body).toBe(202);
    const rest = await ingest(id, 1, [moveEvent(at + 9_000), moveEvent(at + 12_000)]);
    expect(rest.statusCode, rest.body).toBe(202);
    const replay = await readReplay(t.app, auth, id);
    expect(replay.statusCode, replay.body).toBe(200);
    expect(replay.body).toContain('Cannot read properties of undefined');
    const listed = (
      await t.app.inject({ url: `/api/v1/sites/${t.site.siteKey}/sessions`, headers: auth })
    ).json() as { sessions: Array<{ id: string; signals: { jsErrors: number } }> };
    expect(listed.sessions.find((s) => s.id === id)?.signals.jsErrors).toBe(1);
  });

  it('opens the window with an over-long error too: cut to its cap, counted, not ignored', async () => {
    const id = sessionId();
    const at = T0 + 150_000;
    const long = `TypeError: ${'x'.repeat(1_200)}`;
    const res = await ingest(id, 0, [ev.error(at + 8_000, long), metaEvent(at, `${SITE_ORIGIN}/cart`)]);
    expect(res.statusCode, res.body).toBe(202);
    const listed = (
      await t.app.inject({ url: `/api/v1/sites/${t.site.siteKey}/sessions`, headers: auth })
    ).json() as { sessions: Array<{ id: string; signals: { jsErrors: number } }> };
    expect(listed.sessions.find((s) => s.id === id)?.signals.jsErrors).toBe(1);
    const replay = await readReplay(t.app, auth, id);
    const { events } = replay.json() as { events: Array<{ data: { payload?: { message?: string } } }> };
    expect(events[0]?.data.payload?.message).toBe(long.slice(0, MAX_ERROR_MESSAGE_CHARS));
  });

  it('records every session again once the mode is off', async () => {
    expect((await putPolicy({ recordOnError: { enabled: false } }, 'record all again')).statusCode).toBe(200);
    const res = await ingest(sessionId(), 0, [
      metaEvent(T0 + 200_000, `${SITE_ORIGIN}/`),
      moveEvent(T0 + 205_000),
    ]);
    expect(res.statusCode, res.body).toBe(202);
  });
});
