import { SESSION_FINALISE_AFTER_MS } from '@veil/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeBatch, metaEvent, moveEvent, sessionId, T0 } from '../support/batches.js';
import { readReplay } from '../support/replay.js';
import { SITE_ORIGIN, startTestApp, type TestApp } from '../support/testApp.js';

describe('session finalisation', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  async function record(durationMs: number, seqs = 1): Promise<string> {
    const id = sessionId();
    for (let seq = 0; seq < seqs; seq++) {
      const res = await t.ingest(
        makeBatch({
          siteKey: t.site.siteKey,
          sessionId: id,
          seq,
          events:
            seq === 0
              ? [metaEvent(T0, `${SITE_ORIGIN}/`), moveEvent(T0 + durationMs)]
              : [moveEvent(T0 + durationMs)],
        }),
      );
      expect(res.statusCode).toBe(202);
    }
    return id;
  }

  it('discards a 1-second session with its chunks and key, and keeps a 10-second one', async () => {
    const { store } = t.app.veil;
    const job = t.app.veil.jobs.finaliseSessions;
    const short = await record(1_000, 2);
    const long = await record(10_000);
    expect(await store.recordings.wrappedKey(short)).toBeInstanceOf(Buffer);

    t.clock.advance(SESSION_FINALISE_AFTER_MS - 1);
    expect(await job.runOnce()).toEqual({ finalised: 0, discarded: 0 });
    expect((await store.recordings.get(long))?.finalised).toBe(false);

    t.clock.advance(1);
    expect(await job.runOnce()).toEqual({ finalised: 1, discarded: 1 });
    expect(await store.recordings.get(short)).toBeUndefined();
    expect(await store.recordings.chunks(short)).toEqual([]);
    expect(await store.recordings.wrappedKey(short)).toBeUndefined();
    expect(await store.recordings.pages(short)).toEqual([]);
    expect(await store.recordings.get(long)).toMatchObject({ finalised: true, durationMs: 10_000 });
    expect(await job.runOnce()).toEqual({ finalised: 0, discarded: 0 });

    const headers = await t.loginHeaders();
    const cookie = headers.cookie ?? '';
    const listed = await t.app.inject({
      url: `/api/v1/sites/${t.site.siteKey}/sessions`,
      headers: { cookie },
    });
    const ids = listed.json().sessions.map((s: { id: string }) => s.id);
    expect(ids).toContain(long);
    expect(ids).not.toContain(short);
    const gone = await readReplay(t.app, headers, short, 'check the short session is gone');
    expect(gone.statusCode).toBe(404);
  });

  it('keeps a session open while batches keep arriving, and reopens one that receives a late batch', async () => {
    const { store } = t.app.veil;
    const job = t.app.veil.jobs.finaliseSessions;
    const id = await record(5_000);
    t.clock.advance(SESSION_FINALISE_AFTER_MS / 2);
    await t.ingest(
      makeBatch({ siteKey: t.site.siteKey, sessionId: id, seq: 1, events: [moveEvent(T0 + 6_000)] }),
    );
    t.clock.advance(SESSION_FINALISE_AFTER_MS / 2);
    await job.runOnce();
    expect((await store.recordings.get(id))?.finalised).toBe(false);
    t.clock.advance(SESSION_FINALISE_AFTER_MS / 2);
    await job.runOnce();
    expect((await store.recordings.get(id))?.finalised).toBe(true);
    await t.ingest(
      makeBatch({ siteKey: t.site.siteKey, sessionId: id, seq: 2, events: [moveEvent(T0 + 7_000)] }),
    );
    expect(await store.recordings.get(id)).toMatchObject({
      finalised: false,
      durationMs: 7_000,
      chunkCount: 3,
    });
  });
});
