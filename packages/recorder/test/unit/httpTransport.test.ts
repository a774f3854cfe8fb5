import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { OutgoingBatch } from '../../src/recorder/batchJson.js';
import { encodeBody } from '../../src/recorder/encodeBody.js';
import {
  createHttpTransport,
  KEEPALIVE_MAX_BODY_BYTES,
  outcomeOfStatus,
} from '../../src/recorder/httpTransport.js';

const batch = (bytes: number): OutgoingBatch => {
  const json = JSON.stringify({ pad: 'x'.repeat(Math.max(0, bytes - 10)) });
  return { sessionId: 'session_abcdefgh', seq: 0, final: false, json, bytes: json.length };
};

function recordingFetch(status = 202, headers: Record<string, string> = {}) {
  const calls: Array<{ url: string; init: RequestInit }> = [];
  const fetch = (async (url: string, init: RequestInit) => {
    calls.push({ url, init });
    return new Response(null, { status, headers });
  }) as unknown as typeof globalThis.fetch;
  return { calls, fetch };
}

const plain = async (json: string) => ({ body: json, bytes: json.length, gzip: false });

describe('HTTP transport', () => {
  it('POSTs text/plain (no CORS preflight) with keepalive while the body fits its limit', async () => {
    const f = recordingFetch();
    const t = createHttpTransport({
      url: 'https://veil.test/ingest/v1/batch',
      fetch: f.fetch,
      encode: plain,
    });
    expect(await t.send(batch(1_000))).toEqual({ kind: 'ack' });
    expect(f.calls[0]!.url).toBe('https://veil.test/ingest/v1/batch');
    expect(f.calls[0]!.init).toMatchObject({
      method: 'POST',
      keepalive: true,
      credentials: 'omit',
      headers: { 'Content-Type': 'text/plain' },
    });
    await t.send(batch(KEEPALIVE_MAX_BODY_BYTES + 1));
    expect(f.calls[1]!.init.keepalive).toBe(false);
  });

  it('maps statuses: 2xx ack, 408/429/5xx retry, other 4xx final', async () => {
    expect(outcomeOfStatus(202, null)).toEqual({ kind: 'ack' });
    expect(outcomeOfStatus(408, null)).toEqual({ kind: 'retry' });
    expect(outcomeOfStatus(429, '2')).toEqual({ kind: 'retry', afterMs: 2_000 });
    expect(outcomeOfStatus(503, null)).toEqual({ kind: 'retry' });
    for (const status of [400, 403, 404, 409, 413, 415])
      expect(outcomeOfStatus(status, null)).toEqual({ kind: 'reject', status });
    const f = recordingFetch(429, { 'Retry-After': '5' });
    const t = createHttpTransport({ url: 'u', fetch: f.fetch, encode: plain });
    expect(await t.send(batch(10))).toEqual({ kind: 'retry', afterMs: 5_000 });
  });

  it("reads a refusal's error code (not_sampled: the recorder stops the session)", async () => {
    const answer = (status: number, body: string) =>
      (async () => new Response(body, { status })) as unknown as typeof globalThis.fetch;
    const refused = createHttpTransport({
      url: 'u',
      fetch: answer(403, '{"error":{"code":"not_sampled","message":"outside the sample"}}'),
      encode: plain,
    });
    expect(await refused.send(batch(10))).toEqual({ kind: 'reject', status: 403, code: 'not_sampled' });
    // Anything but the error envelope leaves the code unknown (still a final refusal).
    for (const body of ['', 'not json', '{"error":{"code":7}}', '[]']) {
      const t = createHttpTransport({ url: 'u', fetch: answer(400, body), encode: plain });
      expect(await t.send(batch(10))).toEqual({ kind: 'reject', status: 400, code: undefined });
    }
  });

  it('beacons plain JSON as a text/plain Blob, and refuses bodies over the limit', async () => {
    const sent: Array<{ url: string; data: Blob }> = [];
    const t = createHttpTransport({
      url: 'u',
      sendBeacon: (url, data) => {
        sent.push({ url, data });
        return true;
      },
    });
    const small = batch(100);
    expect(t.beacon(small)).toBe(true);
    expect(sent[0]!.data.type).toBe('text/plain');
    expect(await sent[0]!.data.text()).toBe(small.json);
    expect(t.beacon(batch(KEEPALIVE_MAX_BODY_BYTES + 1))).toBe(false);
    expect(sent).toHaveLength(1);
  });
});

describe('encodeBody', () => {
  it('gzips with CompressionStream', async () => {
    const json = JSON.stringify({ events: Array.from({ length: 200 }, (_, i) => ({ type: 3, i })) });
    const encoded = await encodeBody(json);
    expect(encoded.gzip).toBe(true);
    expect(encoded.bytes).toBeLessThan(json.length);
    // Bytes, not a Blob: DevTools (and so Playwright's postDataBuffer) cannot read a Blob body.
    expect(encoded.body).toBeInstanceOf(Uint8Array);
    const bytes = Buffer.from(encoded.body as Uint8Array);
    expect(bytes.length).toBe(encoded.bytes);
    expect(gunzipSync(bytes).toString('utf8')).toBe(json);
  });

  it('gzips the UTF-8 of text outside ASCII', async () => {
    const json = JSON.stringify({ t: 'Zoë – 東京 – 😀'.repeat(50) });
    const encoded = await encodeBody(json);
    expect(encoded.gzip).toBe(true);
    expect(gunzipSync(Buffer.from(encoded.body as Uint8Array)).toString('utf8')).toBe(json);
  });

  it('falls back to plain JSON when compression fails', async () => {
    const original = globalThis.CompressionStream;
    globalThis.CompressionStream = class {
      constructor() {
        throw new Error('refused');
      }
    } as unknown as typeof CompressionStream;
    try {
      expect(await encodeBody('{"a":1}')).toEqual({ body: '{"a":1}', bytes: 7, gzip: false });
    } finally {
      globalThis.CompressionStream = original;
    }
  });

  it('falls back to plain JSON when the browser has no CompressionStream', async () => {
    const original = globalThis.CompressionStream;
    // @ts-expect-error simulating an older browser
    delete globalThis.CompressionStream;
    try {
      expect(await encodeBody('{"a":1}')).toEqual({ body: '{"a":1}', bytes: 7, gzip: false });
    } finally {
      globalThis.CompressionStream = original;
    }
  });
});
