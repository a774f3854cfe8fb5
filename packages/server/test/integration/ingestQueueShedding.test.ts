import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChunkWrite } from '../../src/storage/recordings/RecordingRepository.js';
import { makeBatch, sessionId } from '../support/batches.js';
import { startTestApp, type TestApp } from '../support/testApp.js';

/**
 * Shedding by queueing delay (`VEIL_INGEST_MAX_QUEUE_MS`), without timing: the store is made slow by
 * holding its group commit at a gate, the test's clock says how long the held batch has waited.
 */
describe('ingest load shedding by queueing delay (VEIL_INGEST_MAX_QUEUE_MS)', () => {
  let t: TestApp;
  let release: () => void = () => {};
  let held: Promise<void> = Promise.resolve();
  let reached: () => void = () => {};
  let arrived: Promise<void> = Promise.resolve();
  /** Batches whose pipeline looked up their site (past the shedding check). */
  let lookedUp = 0;
  const lookups = async (n: number) => {
    while (lookedUp < n) await new Promise((r) => setImmediate(r));
  };

  beforeAll(async () => {
    t = await startTestApp({ config: { ingestMaxQueueMs: 100, ingestMaxInFlight: 64 } });
    const sites = t.app.veil.store.sites;
    const find = sites.findByKeyCached.bind(sites);
    sites.findByKeyCached = (key: string) => {
      lookedUp += 1;
      return find(key);
    };
    const recordings = t.app.veil.store.recordings;
    const write = recordings.ingestChunks.bind(recordings);
    // A slow store: every group commit waits at the gate, then writes for real.
    recordings.ingestChunks = async (items: readonly ChunkWrite[]) => {
      reached();
      await held;
      return write(items);
    };
  });
  afterAll(() => t.close());

  const closeGate = () => {
    held = new Promise((r) => {
      release = r;
    });
    arrived = new Promise((r) => {
      reached = r;
    });
  };

  it('answers 503 + Retry-After once the oldest batch in flight waited too long, loses nothing acknowledged, takes the batch again later', async () => {
    closeGate();
    const [a, b, c, d] = [sessionId(), sessionId(), sessionId(), sessionId()];
    const batch = (id: string) => makeBatch({ siteKey: t.site.siteKey, sessionId: id });
    const first = t.ingest(batch(a));
    await arrived;

    // Behind by less than the limit: the batch queues behind the held one.
    t.clock.advance(60);
    const queued = t.ingest(batch(b));
    await lookups(2);
    // Behind by more: refused at once, while the others are still held.
    t.clock.advance(60);
    const refused = await Promise.all([t.ingest(batch(c)), t.ingest(batch(d))]);
    for (const r of refused) {
      expect(r.statusCode).toBe(503);
      expect(r.headers['retry-after']).toBe('1');
      expect(r.json()).toEqual({ error: { code: 'unavailable', message: expect.any(String) } });
    }
    expect(t.app.veil.ingest.metrics.snapshot().shed).toBe(2);

    release();
    expect((await first).statusCode).toBe(202);
    expect((await queued).statusCode).toBe(202);
    // Nothing refused was stored; everything acknowledged was, once.
    expect(await t.app.veil.store.recordings.chunks(a)).toHaveLength(1);
    expect(await t.app.veil.store.recordings.chunks(b)).toHaveLength(1);
    expect(await t.app.veil.store.recordings.chunks(c)).toHaveLength(0);

    // Caught up: the refused batches are taken when they come again, however late the clock.
    t.clock.advance(60_000);
    for (const id of [c, d]) {
      const again = await t.ingest(batch(id));
      expect(again.statusCode).toBe(202);
      expect(again.json()).toEqual({ sessionId: id, ack: 0, duplicate: false });
      expect(await t.app.veil.store.recordings.chunks(id)).toHaveLength(1);
    }
    expect(t.app.veil.ingest.metrics.snapshot().shed).toBe(2);
  });

  it('does not admit a burst to wait in line: in flight × the time per batch over the limit is shed at once', async () => {
    // Caught up; batches that take 40 ms each (by the clock) teach the time per batch (a moving
    // average: enough of them that what the first test taught is forgotten).
    t.clock.advance(60_000);
    const batch = (id: string) => makeBatch({ siteKey: t.site.siteKey, sessionId: id });
    const shedBefore = t.app.veil.ingest.metrics.snapshot().shed;
    for (let i = 0; i < 30; i++) {
      closeGate();
      const teach = t.ingest(batch(sessionId()));
      await arrived;
      t.clock.advance(40);
      release();
      expect((await teach).statusCode).toBe(202);
    }

    // A burst at one instant (no batch has waited yet): 0, 1 and 2 ahead wait 0, 40 and 80 ms
    // (admitted, limit 100); with 3 ahead a batch would wait 120 ms: refused.
    closeGate();
    const seen = lookedUp;
    const ids = [sessionId(), sessionId(), sessionId()];
    const admitted = ids.map((id) => t.ingest(batch(id)));
    await lookups(seen + 3);
    const late = sessionId();
    const refused = await t.ingest(batch(late));
    expect(refused.statusCode).toBe(503);
    expect(refused.headers['retry-after']).toBe('1');
    expect(t.app.veil.ingest.metrics.snapshot().shed).toBe(shedBefore + 1);
    release();
    for (const a of await Promise.all(admitted)) expect(a.statusCode).toBe(202);
    for (const id of ids) expect(await t.app.veil.store.recordings.chunks(id)).toHaveLength(1);
    expect(await t.app.veil.store.recordings.chunks(late)).toHaveLength(0);
  });

  it('never sheds by delay behind one lone batch: a slow batch is not a queue', async () => {
    t.clock.advance(60_000);
    const batch = (id: string) => makeBatch({ siteKey: t.site.siteKey, sessionId: id });
    const shedBefore = t.app.veil.ingest.metrics.snapshot().shed;
    closeGate();
    const [slow, next] = [sessionId(), sessionId()];
    const lone = t.ingest(batch(slow));
    await arrived;
    // The lone batch has been handled for five times the limit (a big first snapshot on a busy
    // machine); the next one waits behind nothing that queues and is admitted.
    t.clock.advance(500);
    const admitted = t.ingest(batch(next));
    const seen = lookedUp;
    await lookups(seen + 1);
    release();
    expect((await lone).statusCode).toBe(202);
    expect((await admitted).statusCode).toBe(202);
    expect(t.app.veil.ingest.metrics.snapshot().shed).toBe(shedBefore);
    expect(await t.app.veil.store.recordings.chunks(next)).toHaveLength(1);
  });
});
