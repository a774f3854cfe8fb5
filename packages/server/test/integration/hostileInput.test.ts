/**
 * Hostile input against the real app (issue 17, "No break-in"): at least 100,000 generated
 * payloads through `app.inject` on a real SQLite store. Every one gets a complete answer: a 4xx
 * with the error envelope (or a 202 when the payload happens to be a valid batch), never a 5xx,
 * never a crash. Decompression bombs are refused within 1 s and 32 MiB of extra memory, and a body
 * over the limit is answered with 413 over a real socket instead of a reset connection.
 */
import { connect } from 'node:net';
import { performance } from 'node:perf_hooks';
import { gzipSync } from 'node:zlib';
import {
  ERROR_CODES,
  type IngestBatch,
  ingestBatchSchema,
  MAX_BATCH_COMPRESSED_BYTES,
  MAX_BATCH_DECOMPRESSED_BYTES,
} from '@veil/core';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSite } from '../../src/sites/createSite.js';
import type { SiteRecord } from '../../src/storage/sites/SiteRepository.js';
import { makeBatch, metaEvent, moveEvent, snapshotEvent, T0 } from '../support/batches.js';
import { grantTestConsent, TEST_CONSENT_RECEIPT_ID } from '../support/consent.js';
import { SITE_ORIGIN, startTestApp, type TestApp } from '../support/testApp.js';

const OTHER_ORIGIN = 'https://other.example';
const OTHER_RECEIPT_ID = 'other_site_receipt_0001';
const OTHER_SESSION_ID = 'sess_of_the_other_site_01';
/** Generated payloads the whole file must send at the least. */
const MIN_PAYLOADS = 100_000;
const MiB = 1024 * 1024;

interface Payload {
  headers: Record<string, string>;
  body: Buffer;
  /** A payload that may be a valid batch is allowed a 202; every other one must be refused. */
  mayBeAccepted: boolean;
}

type ErrorEnvelope = { error: { code: keyof typeof ERROR_CODES; message: string } };

function isEnvelope(value: unknown): value is ErrorEnvelope {
  if (typeof value !== 'object' || value === null) return false;
  const error = (value as { error?: unknown }).error;
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  return typeof code === 'string' && Object.hasOwn(ERROR_CODES, code) && typeof message === 'string';
}

describe('hostile input to POST /ingest/v1/batch', { timeout: 600_000 }, () => {
  let t: TestApp;
  let other: SiteRecord;
  let sent = 0;
  const statuses = new Map<number, number>();

  beforeAll(async () => {
    t = await startTestApp({ env: { VEIL_LOG_LEVEL: 'warn' } });
    other = await createSite(t.app.veil.store, t.clock, {
      name: 'Other',
      origins: [OTHER_ORIGIN],
      samplingPercent: 100,
    });
    await grantTestConsent(t.app.veil.store, other, OTHER_RECEIPT_ID);
    // A session that exists on the other site: a forged batch must not reach it.
    const res = await t.app.inject({
      method: 'POST',
      url: '/ingest/v1/batch',
      headers: { 'content-type': 'application/json', origin: OTHER_ORIGIN },
      payload: JSON.stringify(
        makeBatch({
          siteKey: other.siteKey,
          sessionId: OTHER_SESSION_ID,
          consentReceiptId: OTHER_RECEIPT_ID,
          events: [metaEvent(T0, `${OTHER_ORIGIN}/`), snapshotEvent(T0 + 1, 'other'), moveEvent(T0 + 2)],
        }),
      ),
    });
    expect(res.statusCode).toBe(202);
  });
  afterAll(async () => {
    await t.close();
  });

  function validBatch(seq = 0): IngestBatch {
    return makeBatch({
      siteKey: t.site.siteKey,
      sessionId: 'sess_hostile_input_0001',
      seq,
      events: [metaEvent(T0, `${SITE_ORIGIN}/`), snapshotEvent(T0 + 1, 'Hello'), moveEvent(T0 + 500)],
    });
  }

  /** Sends one payload and checks the answer; returns nothing, throws on a failed expectation. */
  async function check(p: Payload): Promise<void> {
    sent += 1;
    const res = await t.app.inject({
      method: 'POST',
      url: '/ingest/v1/batch',
      headers: p.headers,
      payload: p.body,
    });
    statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
    if (res.statusCode === 202 && p.mayBeAccepted) return;
    if (res.statusCode < 400 || res.statusCode >= 500) {
      throw new Error(`status ${res.statusCode} for ${describePayload(p)}: ${res.body.slice(0, 300)}`);
    }
    const body: unknown = JSON.parse(res.body);
    if (!isEnvelope(body)) throw new Error(`no envelope (${res.statusCode}): ${res.body.slice(0, 300)}`);
    if (ERROR_CODES[body.error.code] !== res.statusCode) {
      throw new Error(`code ${body.error.code} under status ${res.statusCode}`);
    }
  }

  function describePayload(p: Payload): string {
    return `${JSON.stringify(p.headers)} ${p.body.length} bytes ${JSON.stringify(p.body.subarray(0, 80).toString('latin1'))}`;
  }

  const contentType = fc.constantFrom(
    'application/json',
    'text/plain',
    'application/octet-stream',
    'text/plain;charset=UTF-8',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=x',
    '',
    ';;;',
    'application/json; charset=utf-16',
  );
  const encoding = fc.constantFrom(undefined, 'gzip', 'identity', 'br', 'deflate', 'GZIP', 'gzip, gzip', '');
  const origin = fc.constantFrom(SITE_ORIGIN, OTHER_ORIGIN, 'https://evil.example', 'null', undefined);

  function headers(ct: string, enc: string | undefined, org: string | undefined): Record<string, string> {
    return {
      'content-type': ct,
      ...(enc === undefined ? {} : { 'content-encoding': enc }),
      ...(org === undefined ? {} : { origin: org }),
    };
  }

  it('answers random bytes with every content type and encoding', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ minLength: 0, maxLength: 512 }),
        contentType,
        encoding,
        origin,
        async (bytes, ct, enc, org) => {
          await check({ headers: headers(ct, enc, org), body: Buffer.from(bytes), mayBeAccepted: false });
        },
      ),
      { numRuns: 40_000 },
    );
  });

  it('answers truncated and corrupted gzip', async () => {
    const gz = gzipSync(JSON.stringify(validBatch()));
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: gz.length - 1 }),
        fc.option(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { nil: undefined }),
        encoding,
        async (cut, flip, enc) => {
          const body = Buffer.from(gz.subarray(0, cut));
          // A flipped byte in the deflate data or the trailer (CRC, length) of a truncated stream.
          if (flip && body.length > 0) body[flip[0] % body.length]! ^= flip[1];
          await check({ headers: headers('text/plain', enc, SITE_ORIGIN), body, mayBeAccepted: false });
        },
      ),
      { numRuns: 17_000 },
    );
  });

  it('answers wrong types in every field of a batch', async () => {
    const fields = [
      'v',
      'siteKey',
      'sessionId',
      'visitorId',
      'seq',
      'sentAt',
      'consentReceiptId',
      'final',
      'events',
    ];
    const eventFields = ['type', 'timestamp', 'data', 'delay'];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...fields),
        fc.constantFrom(...eventFields),
        fc.boolean(),
        fc.jsonValue({ maxDepth: 3 }),
        fc.boolean(),
        async (field, eventField, inEvent, value, gzip) => {
          const batch: Record<string, unknown> = { ...validBatch(1) };
          if (inEvent) {
            const events = (batch.events as Array<Record<string, unknown>>).map((e) => ({ ...e }));
            events[1]![eventField] = value;
            batch.events = events;
          } else {
            batch[field] = value;
          }
          const json = Buffer.from(JSON.stringify(batch));
          await check({
            headers: headers('application/json', undefined, SITE_ORIGIN),
            body: gzip ? gzipSync(json) : json,
            mayBeAccepted: ingestBatchSchema.safeParse(batch).success,
          });
        },
      ),
      { numRuns: 15_000 },
    );
  });

  it('answers __proto__ and constructor keys anywhere in a batch', async () => {
    const keys = fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty');
    await fc.assert(
      fc.asyncProperty(
        keys,
        fc.constantFrom('top', 'event', 'data', 'node', 'attributes'),
        fc.jsonValue({ maxDepth: 2 }),
        async (key, where, value) => {
          const base = JSON.stringify(validBatch(2));
          const inject = `${JSON.stringify(key)}:${JSON.stringify(value)},`;
          const anchor = {
            top: '{',
            event: '"events":[{',
            data: '"data":{',
            node: '"childNodes":[{',
            attributes: '"attributes":{',
          }[where];
          const at = base.indexOf(anchor) + anchor.length;
          const json = `${base.slice(0, at)}${inject}${base.slice(at)}`;
          await check({
            headers: headers('text/plain', undefined, SITE_ORIGIN),
            body: Buffer.from(json),
            // `__proto__` as an own key of data the server treats as opaque may be stored as such.
            mayBeAccepted: true,
          });
          expect(({} as Record<string, unknown>).polluted).toBeUndefined();
        },
      ),
      { numRuns: 10_000 },
    );
  });

  it('answers invalid UTF-8 inside strings', async () => {
    const invalid = fc.constantFrom(
      [0xff],
      [0xc0, 0xaf],
      [0xed, 0xa0, 0x80],
      [0xe2, 0x82],
      [0xf4, 0x90, 0x80, 0x80],
      [0x80],
      [0xfe, 0xfe],
    );
    await fc.assert(
      fc.asyncProperty(invalid, fc.nat(), fc.boolean(), async (seqBytes, pos, gzip) => {
        const json = Buffer.from(JSON.stringify(validBatch(3)));
        const at = pos % json.length;
        const body = Buffer.concat([json.subarray(0, at), Buffer.from(seqBytes), json.subarray(at)]);
        await check({
          headers: headers('application/json', undefined, SITE_ORIGIN),
          body: gzip ? gzipSync(body) : body,
          mayBeAccepted: false,
        });
      }),
      { numRuns: 10_000 },
    );
  });

  it('answers deep nesting, at the top and inside events', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.integer({ min: 1, max: 1_200 }), fc.integer({ min: 1_200, max: 400_000 })),
        fc.constantFrom('array', 'object', 'node'),
        fc.boolean(),
        fc.boolean(),
        async (depth, shape, closed, inEvent) => {
          const open = {
            array: '[',
            object: '{"a":',
            node: '{"type":2,"id":1,"tagName":"div","childNodes":[',
          }[shape];
          const close = { array: ']', object: '}', node: ']}' }[shape];
          const leaf = shape === 'array' ? '1' : shape === 'object' ? '1' : '';
          const nested = `${open.repeat(depth)}${leaf}${closed ? close.repeat(depth) : ''}`;
          const json = inEvent
            ? `{"v":1,"siteKey":"${t.site.siteKey}","sessionId":"sess_hostile_deep_0001","seq":0,"sentAt":${T0},"consentReceiptId":"${TEST_CONSENT_RECEIPT_ID}","events":[{"type":2,"timestamp":${T0},"data":{"node":${nested},"initialOffset":{"top":0,"left":0}}}]}`
            : nested;
          await check({
            headers: headers('text/plain', 'gzip', SITE_ORIGIN),
            body: gzipSync(json, { level: 1 }),
            // A closed, well-formed snapshot nested deeply is a batch; Veil may refuse or store it.
            mayBeAccepted: inEvent && closed,
          });
        },
      ),
      { numRuns: 400 },
    );
  });

  it('answers huge strings and huge arrays', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.integer({ min: 1, max: 64 * 1024 }), fc.integer({ min: 1, max: 20 * MiB })),
        fc.constantFrom('string', 'events', 'array', 'keys'),
        async (size, kind) => {
          let json: string;
          const batch = validBatch(4);
          if (kind === 'string') {
            json = JSON.stringify({
              ...batch,
              events: [metaEvent(T0, `${SITE_ORIGIN}/`), snapshotEvent(T0 + 1, 'x'.repeat(size))],
            });
          } else if (kind === 'events') {
            const n = Math.min(Math.floor(size / 40), 400_000);
            json = `${JSON.stringify({ ...batch, events: [] }).slice(0, -2)}[${Array.from({ length: n }, (_, i) => `{"type":3,"timestamp":${T0 + i},"data":{"source":1}}`).join(',')}]}`;
          } else if (kind === 'array') {
            const n = Math.min(Math.floor(size / 2), 8 * MiB);
            json = JSON.stringify({
              ...batch,
              events: [{ type: 3, timestamp: T0, data: { source: 1, positions: new Array(n).fill(0) } }],
            });
          } else {
            const n = Math.min(Math.floor(size / 12), 1_000_000);
            const data: Record<string, number> = {};
            for (let i = 0; i < n; i++) data[`k${i}`] = i;
            json = JSON.stringify({ ...batch, events: [{ type: 5, timestamp: T0, data }] });
          }
          await check({
            headers: headers('text/plain', 'gzip', SITE_ORIGIN),
            body: gzipSync(json, { level: 1 }),
            mayBeAccepted: json.length <= MAX_BATCH_DECOMPRESSED_BYTES,
          });
        },
      ),
      { numRuns: 40 },
    );
  });

  it('refuses forged sessions and consent receipts of another site', async () => {
    const forgery = fc.constantFrom(
      // Our site's key with the other site's receipt.
      { siteKey: 'ours', receipt: OTHER_RECEIPT_ID, session: 'fresh', origin: SITE_ORIGIN },
      // Our site's key and receipt, the other site's session id.
      { siteKey: 'ours', receipt: TEST_CONSENT_RECEIPT_ID, session: OTHER_SESSION_ID, origin: SITE_ORIGIN },
      // The other site's key from our origin.
      { siteKey: 'other', receipt: OTHER_RECEIPT_ID, session: OTHER_SESSION_ID, origin: SITE_ORIGIN },
      // The other site's key with our receipt from its origin.
      { siteKey: 'other', receipt: TEST_CONSENT_RECEIPT_ID, session: 'fresh', origin: OTHER_ORIGIN },
      // A site key nobody has, and a receipt nobody issued.
      { siteKey: 'unknown', receipt: TEST_CONSENT_RECEIPT_ID, session: 'fresh', origin: SITE_ORIGIN },
      { siteKey: 'ours', receipt: 'forged_receipt_0000', session: 'fresh', origin: SITE_ORIGIN },
    );
    await fc.assert(
      fc.asyncProperty(
        forgery,
        fc.nat({ max: 1_000 }),
        fc.stringMatching(/^[A-Za-z0-9_-]{8,20}$/),
        async (f, seq, fresh) => {
          const batch = makeBatch({
            siteKey:
              f.siteKey === 'ours'
                ? t.site.siteKey
                : f.siteKey === 'other'
                  ? other.siteKey
                  : 'unknown_site_key_01',
            sessionId: f.session === 'fresh' ? `forged_${fresh}` : f.session,
            consentReceiptId: f.receipt,
            seq,
          });
          await check({
            headers: headers('application/json', undefined, f.origin),
            body: Buffer.from(JSON.stringify(batch)),
            mayBeAccepted: false,
          });
        },
      ),
      { numRuns: 8_000 },
    );
    // The other site's session still holds only its own batch.
    const session = await t.app.veil.store.recordings.get(OTHER_SESSION_ID);
    expect(session?.siteId).toBe(other.id);
    expect(await t.app.veil.store.recordings.chunks(OTHER_SESSION_ID)).toHaveLength(1);
  });

  it('refuses decompression bombs within 1 s and 32 MiB of extra memory each', async () => {
    // 64 MiB of zeros as one gzip member (~64 KiB); members concatenated are one valid gzip stream.
    const zeros = gzipSync(Buffer.alloc(64 * MiB), { level: 9 });
    const bombs: Array<[string, Buffer]> = [
      ['1 GiB of zeros in concatenated members', Buffer.concat(Array.from({ length: 14 }, () => zeros))],
      ['64 MiB of zeros', zeros],
      [
        'a JSON batch whose one string decompresses past the limit',
        gzipSync(
          `{"v":1,"siteKey":"${t.site.siteKey}","sessionId":"sess_bomb_0001","seq":0,"sentAt":1,"events":[{"type":2,"timestamp":1,"data":"${'A'.repeat(MAX_BATCH_DECOMPRESSED_BYTES + 1)}"}]}`,
          { level: 9 },
        ),
      ],
      ['64 MiB of nesting brackets', gzipSync(Buffer.alloc(64 * MiB, '['), { level: 9 })],
    ];
    for (const [name, body] of bombs) {
      expect(body.length, name).toBeLessThanOrEqual(MAX_BATCH_COMPRESSED_BYTES);
      const before = process.memoryUsage().rss;
      let peak = before;
      const sampler = setInterval(() => {
        peak = Math.max(peak, process.memoryUsage().rss);
      }, 2);
      const started = performance.now();
      const res = await t.app.inject({
        method: 'POST',
        url: '/ingest/v1/batch',
        headers: headers('text/plain', 'gzip', SITE_ORIGIN),
        payload: body,
      });
      const ms = performance.now() - started;
      clearInterval(sampler);
      peak = Math.max(peak, process.memoryUsage().rss);
      expect(res.statusCode, name).toBe(413);
      expect(res.json(), name).toEqual({ error: { code: 'payload_too_large', message: expect.any(String) } });
      expect(ms, name).toBeLessThan(1_000);
      expect(peak - before, name).toBeLessThan(32 * MiB);
    }
  });

  it('answers a body over the limit with 413 and the envelope over a real socket', async () => {
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = t.app.server.address() as { port: number };
    const oversized = Buffer.alloc(MAX_BATCH_COMPRESSED_BYTES * 3, 'a');
    for (const chunked of [false, true]) {
      const raw = await new Promise<string>((resolve, reject) => {
        const socket = connect(port, '127.0.0.1');
        const received: Buffer[] = [];
        socket.on('data', (d) => received.push(d));
        socket.on('error', (e) => {
          // A reset after the answer arrived is fine; a reset before it is the failure.
          if (received.length > 0) resolve(Buffer.concat(received).toString('latin1'));
          else reject(e);
        });
        socket.on('close', () => resolve(Buffer.concat(received).toString('latin1')));
        socket.write(
          [
            'POST /ingest/v1/batch HTTP/1.1',
            'Host: 127.0.0.1',
            'Content-Type: text/plain',
            `Origin: ${SITE_ORIGIN}`,
            chunked ? 'Transfer-Encoding: chunked' : `Content-Length: ${oversized.length}`,
            '',
            '',
          ].join('\r\n'),
        );
        // Write the whole body as a client would, in 64 KiB pieces, ignoring write errors.
        const piece = 64 * 1024;
        let offset = 0;
        const writeMore = (): void => {
          while (offset < oversized.length && !socket.destroyed) {
            const part = oversized.subarray(offset, offset + piece);
            offset += piece;
            const data = chunked
              ? Buffer.concat([Buffer.from(`${part.length.toString(16)}\r\n`), part, Buffer.from('\r\n')])
              : part;
            if (!socket.write(data)) {
              socket.once('drain', writeMore);
              return;
            }
          }
          if (chunked && !socket.destroyed) socket.write('0\r\n\r\n');
        };
        writeMore();
        setTimeout(() => socket.destroy(), 5_000).unref();
      });
      const [head = '', body = ''] = raw.split('\r\n\r\n');
      expect(head, `chunked=${chunked}`).toMatch(/^HTTP\/1\.1 413 /);
      expect(JSON.parse(body), `chunked=${chunked}`).toEqual({
        error: { code: 'payload_too_large', message: expect.any(String) },
      });
    }
  });

  it('sent at least 100,000 payloads and still answers', async () => {
    expect(sent).toBeGreaterThanOrEqual(MIN_PAYLOADS);
    expect((await t.app.inject({ url: '/healthz' })).json()).toEqual({ status: 'ok' });
    process.stderr.write(`hostile input: ${sent} payloads, statuses ${JSON.stringify([...statuses])}\n`);
  });
});
