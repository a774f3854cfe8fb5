import { gzipSync } from 'node:zlib';
import { DEFAULT_PRIVACY_POLICY, MAX_BATCH_DECOMPRESSED_BYTES } from '@veil/core';
import { describe, expect, it } from 'vitest';
import { sanitizeEventUrls } from '../../src/ingest/steps/sanitizeUrls.js';
import { type RawBatchRequest, validate } from '../../src/ingest/steps/validate.js';
import { makeBatch, metaEvent, moveEvent, pageViewEvent, T0 } from '../support/batches.js';

const request = (body: Buffer | string, fields: Partial<RawBatchRequest> = {}): RawBatchRequest => ({
  contentType: 'application/json',
  contentEncoding: undefined,
  origin: 'https://a.example',
  referer: undefined,
  body: Buffer.from(body),
  ...fields,
});

describe('validate step', () => {
  const batch = makeBatch({ siteKey: 'site_key_1', sessionId: 'session_1' });

  it('accepts plain and gzip JSON of the wire format', async () => {
    expect(await validate(request(JSON.stringify(batch)))).toMatchObject({ batch });
    expect(
      await validate(request(gzipSync(JSON.stringify(batch)), { contentType: 'text/plain' })),
    ).toMatchObject({ batch });
    expect(
      await validate(request(gzipSync(JSON.stringify(batch)), { contentEncoding: 'GZIP' })),
    ).toMatchObject({ batch });
  });

  it('drops with a typed reason', async () => {
    expect(await validate(request('{}', { contentType: undefined }))).toMatchObject({
      drop: 'unsupported_media_type',
    });
    expect(await validate(request('{}', { contentEncoding: 'deflate' }))).toMatchObject({
      drop: 'unsupported_media_type',
    });
    expect(await validate(request(''))).toMatchObject({ drop: 'invalid_json' });
    expect(await validate(request(Buffer.from([0xff, 0xfe, 0x7b])))).toMatchObject({ drop: 'invalid_json' });
    expect(await validate(request('{"v":1,"siteKey":"Jane Secret"'))).toEqual({
      drop: 'invalid_json',
      message: 'the body is not valid JSON',
    });
    const bomb = gzipSync(Buffer.alloc(MAX_BATCH_DECOMPRESSED_BYTES + 1, 0x20));
    expect(await validate(request(bomb))).toMatchObject({ drop: 'payload_too_large' });
    const invalid = await validate(request(JSON.stringify({ ...batch, seq: -1, sessionId: 'x' })));
    expect(invalid).toMatchObject({ drop: 'validation_failed' });
    expect((invalid as { message: string }).message).toMatch(/sessionId.*seq|seq.*sessionId/);
  });
});

describe('sanitizeEventUrls', () => {
  it('drops fragments and query parameters outside the allow list', () => {
    const allowed = ['utm_source'];
    expect(
      sanitizeEventUrls(metaEvent(T0, 'https://a.example/p?utm_source=x&email=a%40b.c#f'), allowed).data,
    ).toMatchObject({
      href: 'https://a.example/p?utm_source=x',
    });
    expect(
      sanitizeEventUrls(
        pageViewEvent(T0, 'https://u:pw@a.example/q?token=1', 'T'),
        DEFAULT_PRIVACY_POLICY.allowedUrlParams,
      ).data,
    ).toEqual({
      tag: 'veil.pageview',
      payload: { url: 'https://a.example/q', title: 'T' },
    });
    expect(sanitizeEventUrls(metaEvent(T0, 'not a url'), []).data).toMatchObject({ href: '' });
    const move = moveEvent(T0);
    expect(sanitizeEventUrls(move, [])).toBe(move);
  });
});
