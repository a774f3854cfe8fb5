import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/testApp.js';

/** Hostile or sloppy requests: always the envelope, never a crash. */
describe('malformed requests', () => {
  let t: TestApp;
  let auth: Record<string, string>;
  beforeAll(async () => {
    t = await startTestApp();
    auth = await t.loginHeaders();
  });
  afterAll(() => t.close());

  it.each([
    ['GET', '/api/v1/sites/%E0%A4%A', undefined, undefined, 400, 'bad_request'],
    ['GET', '/%E0%A4%A', undefined, undefined, 400, 'bad_request'],
    ['OPTIONS', '/api/v1/sites', undefined, undefined, 404, 'not_found'],
    ['DELETE', '/api/v1/sites', undefined, undefined, 404, 'not_found'],
    [
      'POST',
      '/api/v1/sites',
      'text/plain',
      '{"name":"x","origins":["https://x.example"]}',
      415,
      'unsupported_media_type',
    ],
    ['POST', '/api/v1/sites', 'application/x-www-form-urlencoded', 'name=x', 415, 'unsupported_media_type'],
    ['POST', '/api/v1/sites', 'application/json', '{"__proto__":{"admin":true}}', 400, 'invalid_json'],
    ['POST', '/api/v1/sites', 'application/json', 'x'.repeat(70_000), 413, 'payload_too_large'],
    ['POST', '/api/v1/sites', 'application/json', '[1,2,3]', 400, 'validation_failed'],
    [
      'GET',
      '/api/v1/sessions/abcdefgh/events?grant=a&grant=b',
      undefined,
      undefined,
      400,
      'validation_failed',
    ],
    [
      'GET',
      `/api/v1/sessions/abcdefgh/events?grant=${'p'.repeat(501)}`,
      undefined,
      undefined,
      400,
      'validation_failed',
    ],
    ['GET', '/api/v1/sessions/bad$id/events', undefined, undefined, 400, 'validation_failed'],
  ] as const)('%s %s (%s) → %i %s', async (method, url, contentType, payload, status, code) => {
    const res = await t.app.inject({
      method,
      url,
      headers: { ...auth, ...(contentType ? { 'content-type': contentType } : {}) },
      payload,
    });
    expect(res.statusCode).toBe(status);
    expect(res.json()).toEqual({ error: { code, message: expect.any(String) } });
  });

  it('still answers afterwards', async () => {
    expect((await t.app.inject({ url: '/healthz' })).json()).toEqual({ status: 'ok' });
  });
});
