import { gunzipSync, gzipSync } from 'node:zlib';
import type { IngestBatch } from '@veil/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IngestWorkerPool } from '../../src/ingest/workers/IngestWorkerPool.js';
import { peekSessionId, workerForSession } from '../../src/ingest/workers/sessionRoute.js';
import { makeBatch, metaEvent, moveEvent, sessionId, snapshotEvent, T0 } from '../support/batches.js';
import { SITE_ORIGIN, startTestApp, type TestApp } from '../support/testApp.js';

/** The batch's JSON as the recorder writes it: header fields first, events last. */
function recorderJson(batch: IngestBatch): string {
  const { events, ...header } = batch;
  return `${JSON.stringify(header).slice(0, -1)},"events":${JSON.stringify(events)}}`;
}

const gz = { 'content-type': 'text/plain', 'content-encoding': 'gzip' };

/** Ingest on two worker threads (`VEIL_INGEST_WORKERS=2`; the workers run the built server). */
describe('ingest on worker threads', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { VEIL_INGEST_WORKERS: '2' } });
  });
  afterAll(() => t.close());

  async function storedText(id: string, seq: number): Promise<string> {
    const chunk = (await t.app.veil.store.recordings.chunks(id)).find((c) => c.seq === seq);
    const wrapped = await t.app.veil.store.recordings.wrappedKey(id);
    const key = t.app.veil.cipher.unwrapDataKey(id, wrapped as Buffer);
    return gunzipSync(t.app.veil.cipher.openChunk(key, id, seq, chunk?.payload as Buffer)).toString('utf8');
  }

  it('stores every batch of sessions spread over the workers once, in order, acknowledged after the commit', async () => {
    expect(t.app.veil.ingest).toBeInstanceOf(IngestWorkerPool);
    expect((t.app.veil.ingest as IngestWorkerPool).size).toBe(2);
    const before = t.app.veil.ingest.metrics.snapshot();
    // Sessions until both workers have some (the route is by session id).
    const ids: string[] = [];
    while (new Set(ids.map((id) => workerForSession(id, 2))).size < 2 || ids.length < 4)
      ids.push(sessionId());
    const batch = (id: string, seq: number) =>
      makeBatch({
        siteKey: t.site.siteKey,
        sessionId: id,
        seq,
        events: [metaEvent(T0 + seq * 1000, `${SITE_ORIGIN}/p${seq}`), moveEvent(T0 + seq * 1000 + 5)],
      });
    const sent = ids.flatMap((id) => [0, 1, 2].map((seq) => batch(id, seq)));
    const answers = await Promise.all(sent.map((b) => t.ingest(gzipSync(recorderJson(b)), gz)));
    answers.forEach((a, i) => {
      expect(a.statusCode, a.body).toBe(202);
      expect(a.json()).toEqual({ sessionId: sent[i]?.sessionId, ack: sent[i]?.seq, duplicate: false });
    });
    // A retried batch is acknowledged as a duplicate and not stored twice.
    const retry = await t.ingest(gzipSync(recorderJson(batch(ids[0] as string, 1))), gz);
    expect(retry.json()).toEqual({ sessionId: ids[0], ack: 1, duplicate: true });
    for (const id of ids) {
      expect((await t.app.veil.store.recordings.chunks(id)).map((c) => c.seq)).toEqual([0, 1, 2]);
      expect((await t.app.veil.store.recordings.pages(id)).map((p) => p.url)).toEqual(
        [0, 1, 2].map((seq) => `${SITE_ORIGIN}/p${seq}`),
      );
    }
    // The workers' step counters reach the process's metrics.
    const after = t.app.veil.ingest.metrics.snapshot();
    expect(after.stored - before.stored).toBe(sent.length);
    expect(after.duplicates - before.duplicates).toBe(1);
    expect(after.steps.redact.runs - before.steps.redact.runs).toBe(sent.length + 1);
    // Refusals come back with their code, as without workers.
    const wrongSite = makeBatch({ siteKey: 'no_such_site_key_000', sessionId: sessionId() });
    const refused = await t.ingest(gzipSync(recorderJson(wrongSite)), gz);
    expect(refused.statusCode).toBe(404);
    expect(refused.json().error.code).toBe('unknown_site');
  });

  it("masks as strictly when a session's batch lands on the other worker (its state is rebuilt from storage)", async () => {
    const id = sessionId();
    let decoy = 'decoy_0';
    for (let i = 1; workerForSession(decoy, 2) === workerForSession(id, 2); i++) decoy = `decoy_${i}`;
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
    // The head names the decoy first (routing reads it); JSON keeps the last: the batch is `id`'s.
    const misrouted = `{"sessionId":${JSON.stringify(decoy)},${recorderJson(typed).slice(1)}`;
    expect(peekSessionId(gzipSync(misrouted))).toBe(decoy);
    const answer = await t.ingest(gzipSync(misrouted), gz);
    expect(answer.json()).toEqual({ sessionId: id, ack: 1, duplicate: false });
    expect(await storedText(id, 1)).not.toContain('hunter2-planted');
    expect(await storedText(id, 0)).toContain('password');
    // A batch without any session id in its first bytes is still taken (sent to a worker by turn).
    const plain = makeBatch({
      siteKey: t.site.siteKey,
      sessionId: sessionId(),
      events: [snapshotEvent(T0, 'Hi')],
    });
    expect(peekSessionId(Buffer.from(`{"events":${JSON.stringify(plain.events)},"x":1}`))).toBeUndefined();
    expect((await t.ingest(plain)).statusCode).toBe(202);
  });
});
