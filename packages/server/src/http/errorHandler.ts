import type { ErrorBody, ErrorCode } from '@veil/core';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { errorBody, VeilError } from '../errors/VeilError.js';
import { validationError } from '../errors/validationError.js';

/** Error codes for Fastify's own 4xx errors, by status. */
const CODE_BY_STATUS: Record<number, ErrorCode> = {
  400: 'bad_request',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'too_many_requests',
};

/** Fastify errors whose own message is fine to show; others get a fixed message. */
const FASTIFY_MESSAGES: Record<string, [ErrorCode, string]> = {
  FST_ERR_CTP_BODY_TOO_LARGE: ['payload_too_large', 'the body is too large'],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: ['unsupported_media_type', 'this content type is not accepted here'],
  FST_ERR_CTP_EMPTY_JSON_BODY: ['invalid_json', 'the body is empty'],
  FST_ERR_CTP_INVALID_JSON_BODY: ['invalid_json', 'the body is not valid JSON'],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: ['bad_request', 'the Content-Length does not match the body'],
  FST_ERR_CTP_INVALID_TYPE: ['bad_request', 'the Content-Type header is malformed'],
  FST_ERR_BAD_URL: ['bad_request', 'the URL is malformed'],
};

export interface ErrorResponse {
  status: number;
  body: ErrorBody;
}

/**
 * Any thrown value as the one error envelope. Client errors never echo input (a JSON parser's
 * message quotes the body); server errors say only "internal error".
 */
export function toErrorResponse(error: unknown): ErrorResponse {
  if (error instanceof VeilError) return { status: error.statusCode, body: error.toBody() };
  if (error instanceof z.ZodError) {
    const e = validationError(error);
    return { status: e.statusCode, body: e.toBody() };
  }
  const fastifyError = error as Partial<FastifyError> | undefined;
  const known = fastifyError?.code ? FASTIFY_MESSAGES[fastifyError.code] : undefined;
  const status = fastifyError?.statusCode;
  if (known) return { status: status ?? 400, body: errorBody(known[0], known[1]) };
  if (error instanceof SyntaxError && status === 400) {
    return { status: 400, body: errorBody('invalid_json', 'the body is not valid JSON') };
  }
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const code = CODE_BY_STATUS[status] ?? 'bad_request';
    return { status, body: errorBody(code, fastifyError?.message ?? code) };
  }
  return { status: 500, body: errorBody('internal', 'internal error') };
}

/** The central error handler and the JSON 404 of every unknown route. */
export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: unknown, request: FastifyRequest, reply: FastifyReply) => {
    const { status, body } = toErrorResponse(error);
    if (status >= 500) request.log.error({ err: error }, 'request failed');
    else request.log.info({ code: body.error.code }, 'request refused');
    return reply.status(status).type('application/json; charset=utf-8').send(body);
  });

  app.setNotFoundHandler((_request, reply) => {
    return reply
      .status(404)
      .type('application/json; charset=utf-8')
      .send(errorBody('not_found', 'no such resource'));
  });
}
