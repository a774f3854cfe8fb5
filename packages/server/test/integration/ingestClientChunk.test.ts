import { gunzipSync, gzipSync } from 'node:zlib';
import type { IngestBatch } from '@veil/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeBatch, metaEvent, moveEvent, sessionId, snapshotEvent, T0 } from '../support/batches.js';
import { readReplay } from '../support/replay.js';
import { SITE_ORIGIN, startTestApp, type TestApp } from '../support/testApp.js';

const PLANTED_EMAIL = 'ada.lovelace.planted@example.org';

/** The batch's JSON as the recorder writes it (batchJson.ts): header fields first, events last. */
function recorderJson(batch: IngestBatch): string {
  const { events, ...header } = batch;
  return `${JSON.stringify(header).slice(0, -1)},"events":${JSON.stringify(events)}}`;
}

describe('ingest keeps the client gzip when the server stores the events unchanged', () => {
  let t: TestApp;
  let ownerHeaders: Record<string, string>;
  beforeAll(async () => {
    t = await startTestApp();
    ownerHeaders = await t.loginHeaders();
  });
  afterAll(() => t.close());

  /** The decompressed plaintext of a stored chunk. */
  async function storedText(id: string, seq: number): Promise<string> {
    const chunk = (await t.app.veil.store.recordings.chunks(id)).find((c) => c.seq === seq);
    const wrapped = await t.app.veil.store.recordings.wrappedKey(id);
    const key = t.app.veil.cipher.unwrapDataKey(id, wrapped as Buffer);
    return gunzipSync(t.app.veil.cipher.openChunk(key, id, seq, chunk?.payload as Buffer)).toString('utf8');
  }

  async function replay(id: string): Promise<unknown[]> {
    const res = await readReplay(t.app, ownerHeaders, id, 'test: stored chunk forms');
    expect(res.statusCode, res.body).toBe(200);
    return res.json().events;
  }

  const gz = { 'content-type': 'text/plain', 'content-encoding': 'gzip' };

  it('stores the bytes as sent when nothing was masked, mixed with server-compressed chunks in one replay', async () => {
    const id = sessionId();
    const first = makeBatch({
      siteKey: t.site.siteKey,
      sessionId: id,
      events: [metaEvent(T0, `${SITE_ORIGIN}/`, 1280), snapshotEvent(T0 + 1, 'Hello'), moveEvent(T0 + 2)],
    });
    const text = recorderJson(first);
    expect((await t.ingest(gzipSync(text), gz)).statusCode).toBe(202);
    expect(await storedText(id, 0)).toBe(text);

    // The server masks the planted address: this chunk is the server's own compression.
    const second = makeBatch({
      siteKey: t.site.siteKey,
      sessionId: id,
      seq: 1,
      events: [snapshotEvent(T0 + 10, `write to ${PLANTED_EMAIL}`)],
    });
    expect((await t.ingest(gzipSync(recorderJson(second)), gz)).statusCode).toBe(202);
    const masked = await storedText(id, 1);
    expect(masked.startsWith('[')).toBe(true);
    expect(masked).not.toContain(PLANTED_EMAIL);

    // A plain JSON body is compressed by the server too.
    const third = makeBatch({ siteKey: t.site.siteKey, sessionId: id, seq: 2, events: [moveEvent(T0 + 20)] });
    expect((await t.ingest(third)).statusCode).toBe(202);
    expect((await storedText(id, 2)).startsWith('[')).toBe(true);

    const events = await replay(id);
    expect(events.slice(0, 3)).toEqual(first.events);
    expect(events).toHaveLength(5);
    expect(JSON.stringify(events)).not.toContain(PLANTED_EMAIL);
    expect(events[4]).toEqual(third.events[0]);
  });

  it('rebuilds redaction state from kept chunks (a forgotten session stays masked)', async () => {
    const id = sessionId();
    const password = {
      type: 2,
      timestamp: T0,
      data: {
        node: {
          type: 0,
          id: 1,
          childNodes: [
            { type: 2, id: 2, tagName: 'input', attributes: { type: 'password', value: '' }, childNodes: [] },
          ],
        },
        initialOffset: { top: 0, left: 0 },
      },
    };
    const first = makeBatch({ siteKey: t.site.siteKey, sessionId: id, events: [password as never] });
    expect((await t.ingest(gzipSync(recorderJson(first)), gz)).statusCode).toBe(202);
    expect((await storedText(id, 0)).startsWith('{')).toBe(true);
    t.app.veil.ingest.forgetSession(id);
    const typed = makeBatch({
      siteKey: t.site.siteKey,
      sessionId: id,
      seq: 1,
      events: [
        {
          type: 3,
          timestamp: T0 + 5,
          data: { source: 5, id: 2, text: 'hunter2-planted', isChecked: false },
        } as never,
      ],
    });
    expect((await t.ingest(gzipSync(recorderJson(typed)), gz)).statusCode).toBe(202);
    expect(await storedText(id, 1)).not.toContain('hunter2-planted');
    expect(JSON.stringify(await replay(id))).not.toContain('hunter2-planted');
  });
});
