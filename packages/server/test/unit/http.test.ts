import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { VeilError } from '../../src/errors/VeilError.js';
import { toErrorResponse } from '../../src/http/errorHandler.js';
import { serializeError, serializeRequest } from '../../src/logging/createLogger.js';
import { buildOpenApi, openApiPath } from '../../src/openapi/buildOpenApi.js';
import { concatJsonArrays } from '../../src/recordings/readRecording.js';
import { decodeCursor, encodeCursor } from '../../src/recordings/sessionCursor.js';
import { normalizeOrigin, parseSiteOrigin, requestOrigin } from '../../src/sites/origins.js';
import { likeSubstring } from '../../src/storage/recordings/recordingReads.js';

describe('toErrorResponse', () => {
  it('maps every kind of error to the envelope', () => {
    expect(toErrorResponse(new VeilError('purpose_required', 'why?'))).toEqual({
      status: 400,
      body: { error: { code: 'purpose_required', message: 'why?' } },
    });
    const zod = z.object({ a: z.number() }).safeParse({ a: 'x' });
    expect(toErrorResponse(zod.error)).toMatchObject({
      status: 400,
      body: { error: { code: 'validation_failed', message: expect.stringContaining('a:') } },
    });
    expect(
      toErrorResponse(Object.assign(new Error('x'), { code: 'FST_ERR_CTP_BODY_TOO_LARGE', statusCode: 413 })),
    ).toMatchObject({
      status: 413,
      body: { error: { code: 'payload_too_large' } },
    });
    const syntax = Object.assign(new SyntaxError('Unexpected token in "secret body"'), { statusCode: 400 });
    expect(toErrorResponse(syntax)).toEqual({
      status: 400,
      body: { error: { code: 'invalid_json', message: 'the body is not valid JSON' } },
    });
    expect(toErrorResponse(Object.assign(new Error('gone'), { statusCode: 404 }))).toMatchObject({
      status: 404,
      body: { error: { code: 'not_found' } },
    });
    expect(toErrorResponse(new Error('db password in here'))).toEqual({
      status: 500,
      body: { error: { code: 'internal', message: 'internal error' } },
    });
    expect(toErrorResponse('a string')).toMatchObject({ status: 500 });
  });
});

describe('log serialisers', () => {
  it('keep method, route and path only', () => {
    expect(
      serializeRequest({
        id: 'r1',
        method: 'GET',
        url: '/api/v1/sessions/s1/events?purpose=secret',
        routeOptions: { url: '/api/v1/sessions/:id/events' },
      }),
    ).toEqual({
      id: 'r1',
      method: 'GET',
      route: '/api/v1/sessions/:id/events',
      path: '/api/v1/sessions/s1/events',
    });
  });

  it('drop error properties that may carry values', () => {
    const error = Object.assign(new Error('duplicate key'), {
      code: '23505',
      detail: 'Key (email)=(ada@example.com) exists',
    });
    const out = serializeError(error);
    expect(out).toMatchObject({ type: 'Error', code: '23505', message: 'duplicate key' });
    expect(JSON.stringify(out)).not.toContain('ada@example.com');
  });
});

describe('origins', () => {
  it('normalises origins and refuses anything else', () => {
    expect(normalizeOrigin('HTTPS://Shop.Example:443')).toBe('https://shop.example');
    expect(normalizeOrigin('http://localhost:8080/path?q')).toBe('http://localhost:8080');
    expect(normalizeOrigin('null')).toBeUndefined();
    expect(normalizeOrigin('file:///etc/passwd')).toBeUndefined();
    expect(normalizeOrigin(undefined)).toBeUndefined();
    expect(parseSiteOrigin('https://shop.example/')).toBe('https://shop.example');
    expect(parseSiteOrigin('https://shop.example/app')).toBeUndefined();
    expect(parseSiteOrigin('https://user@shop.example')).toBeUndefined();
    expect(requestOrigin({ origin: 'null', referer: 'https://a.example/x?y' })).toBe('https://a.example');
  });
});

describe('small helpers', () => {
  it('round-trips session cursors and refuses forged ones', () => {
    expect(decodeCursor(encodeCursor({ startedAt: 123, id: 'abc' }))).toEqual({ startedAt: 123, id: 'abc' });
    for (const bad of [
      '',
      'garbage',
      Buffer.from('{"a":1}').toString('base64url'),
      Buffer.from('[1.5,"x"]').toString('base64url'),
    ]) {
      expect(() => decodeCursor(bad)).toThrow(VeilError);
    }
  });

  it('concatenates JSON arrays without re-parsing', () => {
    expect(concatJsonArrays(['[1,2]', '[]', ' [ {"a":[3]} ] '])).toBe('[1,2,{"a":[3]}]');
    expect(JSON.parse(concatJsonArrays([]))).toEqual([]);
  });

  it('escapes LIKE wildcards', () => {
    expect(likeSubstring('100%_A\\b')).toBe('%100\\%\\_a\\\\b%');
  });

  it('builds OpenAPI paths and operations', () => {
    expect(openApiPath('/api/v1/sessions/:id/events')).toBe('/api/v1/sessions/{id}/events');
    expect(openApiPath('/demo/*')).toBe('/demo/{path}');
    const doc = buildOpenApi(
      [
        {
          method: 'GET',
          url: '/x/:id',
          permission: 'sites:read',
          site: 'global',
          doc: {
            summary: 'X',
            responses: { 200: { description: 'ok', schema: z.object({ n: z.number() }) } },
          },
        },
        { method: 'HEAD', url: '/x/:id', permission: 'sites:read', site: 'global', doc: undefined },
        { method: 'GET', url: '/y/*', permission: 'public', site: undefined, doc: undefined },
      ],
      { version: '1.2.3' },
    ) as {
      info: { version: string };
      paths: Record<string, Record<string, { security: unknown[]; parameters: { name: string }[] }>>;
    };
    expect(doc.info.version).toBe('1.2.3');
    expect(Object.keys(doc.paths['/x/{id}'] ?? {})).toEqual(['get']);
    expect(doc.paths['/x/{id}']?.get?.parameters.map((p) => p.name)).toEqual(['id']);
    expect(doc.paths['/y/{path}']?.get?.security).toEqual([]);
  });
});
