import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeBatch, metaEvent, moveEvent, sessionId, snapshotEvent, T0 } from '../support/batches.js';
import { SITE_ORIGIN, startTestApp, type TestApp } from '../support/testApp.js';

/** A gzip batch big enough that its decompression and redaction take a while. */
function body(siteKey: string, id: string): Buffer {
  const events = [metaEvent(T0, `${SITE_ORIGIN}/`, 1280), snapshotEvent(T0 + 1, 'Hello '.repeat(20_000))];
  for (let i = 0; i < 2_000; i++) events.push(moveEvent(T0 + 10 + i, i % 800, i % 600));
  return gzipSync(JSON.stringify(makeBatch({ siteKey, sessionId: id, events })));
}

describe('ingest load shedding (VEIL_INGEST_MAX_IN_FLIGHT)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ config: { ingestMaxInFlight: 2 } });
  });
  afterAll(() => t.close());

  it('answers 503 with Retry-After beyond the limit instead of queueing, and takes the batch when it comes again', async () => {
    const ids = Array.from({ length: 12 }, () => sessionId());
    const bodies = ids.map((id) => body(t.site.siteKey, id));
    const send = (b: Buffer) => t.ingest(b, { 'content-type': 'text/plain', 'content-encoding': 'gzip' });
    const answers = await Promise.all(bodies.map(send));
    const statuses = answers.map((a) => a.statusCode);
    expect(statuses.filter((s) => s === 202).length).toBeGreaterThanOrEqual(2);
    const shed = answers.filter((a) => a.statusCode === 503);
    expect(shed.length).toBeGreaterThan(0);
    expect(statuses.every((s) => s === 202 || s === 503)).toBe(true);
    for (const a of shed) {
      expect(a.headers['retry-after']).toBe('1');
      // The page can read the 503 and its Retry-After: a CORS failure would hide both, and the
      // recorder would back off exponentially (up to a minute) instead of retrying in a second.
      expect(a.headers['access-control-allow-origin']).toBe(SITE_ORIGIN);
      expect(a.headers['access-control-expose-headers']).toBe('Retry-After');
      expect(a.json()).toEqual({ error: { code: 'unavailable', message: expect.any(String) } });
    }
    expect(t.app.veil.ingest.metrics.snapshot().shed).toBe(shed.length);

    // The limit counts requests in flight only: sent again one by one, every batch is taken, once.
    for (const [i, a] of answers.entries()) {
      if (a.statusCode !== 503) continue;
      const again = await send(bodies[i] as Buffer);
      expect(again.statusCode).toBe(202);
      expect(again.json()).toEqual({ sessionId: ids[i], ack: 0, duplicate: false });
    }
    for (const id of ids) expect(await t.app.veil.store.recordings.chunks(id)).toHaveLength(1);
  });

  it('lets no other origin read a shed answer', async () => {
    const ids = Array.from({ length: 8 }, () => sessionId());
    const answers = await Promise.all(
      ids.map((id) =>
        t.ingest(body(t.site.siteKey, id), {
          'content-type': 'text/plain',
          'content-encoding': 'gzip',
          origin: 'https://elsewhere.example',
        }),
      ),
    );
    const shed = answers.filter((a) => a.statusCode === 503);
    expect(shed.length).toBeGreaterThan(0);
    for (const a of [...shed, ...answers]) expect(a.headers['access-control-allow-origin']).toBeUndefined();
  });
});
