import { gzipSync } from 'node:zlib';
import { emptySignalCounts, MAX_BATCH_COMPRESSED_BYTES } from '@veil/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  makeBatch,
  metaEvent,
  moveEvent,
  pageViewEvent,
  sessionId,
  snapshotEvent,
  T0,
} from '../support/batches.js';
import { grantTestConsent } from '../support/consent.js';
import { readReplay } from '../support/replay.js';
import { SITE_ORIGIN, startTestApp, type TestApp } from '../support/testApp.js';

describe('POST /ingest/v1/batch', () => {
  let t: TestApp;
  let owner: string;
  let ownerHeaders: Record<string, string>;
  beforeAll(async () => {
    t = await startTestApp();
    ownerHeaders = await t.loginHeaders();
    owner = ownerHeaders.cookie ?? '';
  });
  afterAll(() => t.close());

  async function events(id: string): Promise<unknown[]> {
    const res = await readReplay(t.app, ownerHeaders, id, 'test: verify the round trip');
    expect(res.statusCode).toBe(200);
    return res.json().events;
  }

  it('stores a batch, lists the session and returns the identical events decrypted', async () => {
    const id = sessionId();
    const batch0 = makeBatch({
      siteKey: t.site.siteKey,
      sessionId: id,
      visitorId: 'visitor_0001',
      events: [
        metaEvent(T0, `${SITE_ORIGIN}/`, 390),
        snapshotEvent(T0 + 1, 'Hello replay'),
        moveEvent(T0 + 1200),
      ],
    });
    const batch1 = makeBatch({
      siteKey: t.site.siteKey,
      sessionId: id,
      seq: 1,
      events: [pageViewEvent(T0 + 5000, `${SITE_ORIGIN}/cart`, 'Cart'), moveEvent(T0 + 8000, 50, 60)],
    });
    const res0 = await t.ingest(batch0);
    expect(res0.statusCode).toBe(202);
    expect(res0.json()).toEqual({ sessionId: id, ack: 0, duplicate: false });
    expect(res0.headers['access-control-allow-origin']).toBe(SITE_ORIGIN);
    expect((await t.ingest(batch1)).json()).toEqual({ sessionId: id, ack: 1, duplicate: false });

    const list = await t.app.inject({
      url: `/api/v1/sites/${t.site.siteKey}/sessions`,
      headers: { cookie: owner },
    });
    expect(list.statusCode).toBe(200);
    const summary = list.json().sessions.find((s: { id: string }) => s.id === id);
    expect(summary).toEqual({
      id,
      siteKey: t.site.siteKey,
      startedAt: T0,
      receivedAt: T0,
      // A page view and a mouse move: nothing frustrating.
      signals: emptySignalCounts(),
      endedAt: T0 + 8000,
      durationMs: 8000,
      pageCount: 2,
      entryUrl: `${SITE_ORIGIN}/`,
      deviceClass: 'mobile',
      viewportWidth: 390,
      eventCount: 5,
      finalised: false,
      demo: false,
    });

    expect(await events(id)).toEqual([...batch0.events, ...batch1.events]);

    const detail = await t.app.inject({ url: `/api/v1/sessions/${id}`, headers: { cookie: owner } });
    expect(detail.json().session.pages).toEqual([
      { url: `${SITE_ORIGIN}/`, title: null, ts: T0 },
      { url: `${SITE_ORIGIN}/cart`, title: 'Cart', ts: T0 + 5000 },
    ]);
  });

  it('acknowledges a retried (session, seq) as a duplicate and stores it once', async () => {
    const id = sessionId();
    const batch = makeBatch({
      siteKey: t.site.siteKey,
      sessionId: id,
      events: [metaEvent(T0, `${SITE_ORIGIN}/`), moveEvent(T0 + 4000)],
    });
    const before = t.app.veil.ingest.metrics.snapshot();
    expect((await t.ingest(batch)).json()).toEqual({ sessionId: id, ack: 0, duplicate: false });
    const again = await t.ingest({ ...batch, events: [moveEvent(T0 + 9999)] });
    expect(again.statusCode).toBe(202);
    expect(again.json()).toEqual({ sessionId: id, ack: 0, duplicate: true });
    expect(await events(id)).toEqual(batch.events);
    const session = await t.app.veil.store.recordings.get(id);
    expect(session).toMatchObject({ eventCount: 2, chunkCount: 1, endedAt: T0 + 4000 });
    const after = t.app.veil.ingest.metrics.snapshot();
    expect(after.stored - before.stored).toBe(1);
    expect(after.duplicates - before.duplicates).toBe(1);
  });

  it('accepts gzip by header or by magic bytes, and text/plain and octet-stream bodies', async () => {
    const cases: [Record<string, string>, boolean][] = [
      [{ 'content-encoding': 'gzip' }, true],
      [{ 'content-type': 'application/octet-stream' }, true],
      [{ 'content-type': 'text/plain;charset=UTF-8' }, false],
    ];
    for (const [headers, gzip] of cases) {
      const batch = makeBatch({ siteKey: t.site.siteKey, sessionId: sessionId() });
      const json = JSON.stringify(batch);
      const res = await t.ingest(gzip ? gzipSync(json) : json, headers);
      expect(res.statusCode, JSON.stringify(headers)).toBe(202);
      expect(await events(batch.sessionId)).toEqual(batch.events);
    }
  });

  it('accepts a body that starts with a UTF-8 byte order mark, plain or gzip, with non-ASCII text', async () => {
    for (const gzip of [false, true]) {
      const batch = makeBatch({
        siteKey: t.site.siteKey,
        sessionId: sessionId(),
        events: [metaEvent(T0, `${SITE_ORIGIN}/`, 390), snapshotEvent(T0 + 1, 'Grüße, 東京 🙂')],
      });
      const body = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify(batch))]);
      const res = await t.ingest(gzip ? gzipSync(body) : body);
      expect(res.statusCode, `gzip: ${gzip}`).toBe(202);
      expect(await events(batch.sessionId)).toEqual(batch.events);
    }
  });

  it('sanitises page URLs: query and fragment dropped unless the policy allows the parameter', async () => {
    const id = sessionId();
    await t.ingest(
      makeBatch({
        siteKey: t.site.siteKey,
        sessionId: id,
        events: [
          metaEvent(T0, `${SITE_ORIGIN}/search?q=jane.doe%40mail.example&page=2#results`),
          pageViewEvent(T0 + 10, `${SITE_ORIGIN}/account?token=secret123#top`, 'Account'),
        ],
      }),
    );
    const stored = (await events(id)) as { data: { href?: string; payload?: { url: string } } }[];
    expect(stored[0]?.data.href).toBe(`${SITE_ORIGIN}/search`);
    expect(stored[1]?.data.payload?.url).toBe(`${SITE_ORIGIN}/account`);
    expect((await t.app.veil.store.recordings.get(id))?.entryUrl).toBe(`${SITE_ORIGIN}/search`);
  });

  it('accepts the Referer when there is no Origin header', async () => {
    const batch = makeBatch({ siteKey: t.site.siteKey, sessionId: sessionId() });
    const res = await t.app.inject({
      method: 'POST',
      url: '/ingest/v1/batch',
      headers: { 'content-type': 'text/plain', referer: `${SITE_ORIGIN}/some/page?x=1` },
      payload: JSON.stringify(batch),
    });
    expect(res.statusCode).toBe(202);
  });

  describe('refusals: the right envelope, the process stays up, earlier batches stay', () => {
    const acknowledged: { id: string; events: unknown[] }[] = [];
    beforeAll(async () => {
      for (let i = 0; i < 3; i++) {
        const batch = makeBatch({ siteKey: t.site.siteKey, sessionId: sessionId() });
        expect((await t.ingest(batch)).statusCode).toBe(202);
        acknowledged.push({ id: batch.sessionId, events: batch.events });
      }
    });

    const expectError = (res: { statusCode: number; json: () => unknown }, status: number, code: string) => {
      expect(res.statusCode).toBe(status);
      expect(res.json()).toEqual({ error: { code, message: expect.any(String) } });
    };

    it('malformed JSON → 400 invalid_json', async () => {
      expectError(await t.ingest('{"v":1, "siteKey": '), 400, 'invalid_json');
      expectError(await t.ingest(gzipSync('not json at all')), 400, 'invalid_json');
      expectError(await t.ingest(Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x01])), 400, 'invalid_json');
    });

    it('wrong content type → 415 unsupported_media_type', async () => {
      const batch = JSON.stringify(makeBatch({ siteKey: t.site.siteKey, sessionId: sessionId() }));
      expectError(
        await t.ingest(batch, { 'content-type': 'application/xml' }),
        415,
        'unsupported_media_type',
      );
      expectError(
        await t.ingest(batch, { 'content-type': 'multipart/form-data; boundary=x' }),
        415,
        'unsupported_media_type',
      );
      expectError(await t.ingest(batch, { 'content-encoding': 'br' }), 415, 'unsupported_media_type');
    });

    it('unknown site key → 404 unknown_site', async () => {
      expectError(
        await t.ingest(makeBatch({ siteKey: 'no_such_site_key', sessionId: sessionId() })),
        404,
        'unknown_site',
      );
    });

    it('wrong or missing origin → 403 origin_not_allowed, without CORS access', async () => {
      const batch = makeBatch({ siteKey: t.site.siteKey, sessionId: sessionId() });
      const res = await t.ingest(batch, { origin: 'https://evil.example' });
      expectError(res, 403, 'origin_not_allowed');
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
      const none = await t.app.inject({
        method: 'POST',
        url: '/ingest/v1/batch',
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify(batch),
      });
      expectError(none, 403, 'origin_not_allowed');
    });

    it('oversized body → 413 payload_too_large', async () => {
      const big = 'x'.repeat(MAX_BATCH_COMPRESSED_BYTES + 10);
      expectError(await t.ingest(big), 413, 'payload_too_large');
    });

    it('gzip bomb → 413 payload_too_large (decompression stops at the limit)', async () => {
      const bomb = gzipSync(Buffer.alloc(20 * 1024 * 1024, 0x20), { level: 9 });
      expect(bomb.length).toBeLessThan(MAX_BATCH_COMPRESSED_BYTES);
      expectError(await t.ingest(bomb, { 'content-encoding': 'gzip' }), 413, 'payload_too_large');
      expectError(await t.ingest(bomb, { 'content-type': 'text/plain' }), 413, 'payload_too_large');
    });

    it('missing or malformed field → 400 validation_failed naming the field', async () => {
      const { sessionId: _omit, ...noSession } = makeBatch({
        siteKey: t.site.siteKey,
        sessionId: sessionId(),
      });
      const res = await t.ingest(JSON.stringify(noSession));
      expectError(res, 400, 'validation_failed');
      expect(res.json().error.message).toContain('sessionId');
      const badEvent = makeBatch({ siteKey: t.site.siteKey, sessionId: sessionId() });
      const res2 = await t.ingest(JSON.stringify({ ...badEvent, events: [{ type: 4, data: {} }] }));
      expectError(res2, 400, 'validation_failed');
      expect(res2.json().error.message).toContain('events.0.timestamp');
      expectError(await t.ingest('[]'), 400, 'validation_failed');
      expectError(await t.ingest('null'), 400, 'validation_failed');
    });

    it('a session id of another site → 409 conflict', async () => {
      const other = await t.app.veil.store.sites.create({
        siteKey: 'other_site_key_1',
        name: 'Other',
        origins: ['https://other.example'],
        policy: t.site.policy,
        createdAt: T0,
      });
      await grantTestConsent(t.app.veil.store, other);
      const id = acknowledged[0]?.id ?? '';
      const res = await t.ingest(makeBatch({ siteKey: other.siteKey, sessionId: id, seq: 5 }), {
        origin: 'https://other.example',
      });
      expectError(res, 409, 'conflict');
    });

    it('an empty body → 400', async () => {
      expectError(await t.ingest(''), 400, 'invalid_json');
    });

    afterAll(async () => {
      const health = await t.app.inject({ url: '/healthz' });
      expect(health.json()).toEqual({ status: 'ok' });
      for (const { id, events: expected } of acknowledged) expect(await events(id)).toEqual(expected);
      const metrics = t.app.veil.ingest.metrics.snapshot();
      expect(metrics.steps.validate.drops.invalid_json).toBeGreaterThanOrEqual(3);
      expect(metrics.steps.validate.drops.payload_too_large).toBeGreaterThanOrEqual(3);
      expect(metrics.steps.siteAndOrigin.drops.unknown_site).toBeGreaterThanOrEqual(1);
      expect(metrics.steps.store.drops.conflict).toBe(1);
      expect(metrics.steps.store.totalMs).toBeGreaterThan(0);
    });
  });

  describe('CORS', () => {
    it('answers the preflight for a site origin and refuses others', async () => {
      const ok = await t.app.inject({
        method: 'OPTIONS',
        url: '/ingest/v1/batch',
        headers: { origin: SITE_ORIGIN, 'access-control-request-method': 'POST' },
      });
      expect(ok.statusCode).toBe(204);
      expect(ok.headers['access-control-allow-origin']).toBe(SITE_ORIGIN);
      expect(ok.headers['access-control-allow-methods']).toContain('POST');
      expect(String(ok.headers['access-control-allow-headers']).toLowerCase()).toContain('content-encoding');
      const bad = await t.app.inject({
        method: 'OPTIONS',
        url: '/ingest/v1/batch',
        headers: { origin: 'https://evil.example' },
      });
      expect(bad.statusCode).toBe(403);
      expect(bad.headers['access-control-allow-origin']).toBeUndefined();
    });
  });
});
