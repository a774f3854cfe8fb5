import pino, { type DestinationStream, type Logger } from 'pino';
import type { VeilConfig } from '../config/config.js';

interface RequestLike {
  id?: unknown;
  method?: unknown;
  url?: unknown;
  routeOptions?: { url?: unknown };
}

/**
 * What a request contributes to a log line: id, method, matched route and path. Never the query
 * string (`?purpose=` of a replay access, tokens in URLs), headers, cookies, body or client address.
 */
export function serializeRequest(req: RequestLike): Record<string, unknown> {
  const url = typeof req.url === 'string' ? req.url : '';
  const query = url.indexOf('?');
  return {
    id: req.id,
    method: req.method,
    route: req.routeOptions?.url,
    path: query === -1 ? url : url.slice(0, query),
  };
}

export function serializeResponse(res: { statusCode?: unknown }): Record<string, unknown> {
  return { statusCode: res.statusCode };
}

/**
 * Errors keep their type, code, message and stack; other own properties (a driver's `detail` with
 * row values, a parser's input excerpt) are dropped.
 */
export function serializeError(err: unknown): Record<string, unknown> {
  if (!(err instanceof Error)) return { type: typeof err };
  const code = (err as { code?: unknown }).code;
  return {
    type: err.name,
    code: typeof code === 'string' ? code : undefined,
    message: err.message,
    stack: err.stack,
  };
}

/** Paths removed wherever they appear, in case a future log call passes raw request parts. */
const REDACT_PATHS = [
  'req.headers',
  'req.body',
  'req.query',
  'req.ip',
  'req.ips',
  'req.remoteAddress',
  'req.remotePort',
  'headers',
  'body',
  'cookie',
  'cookies',
  'authorization',
  'ip',
  'remoteAddress',
  'password',
  'token',
];

/** Veil's pino logger: JSON lines to `stream` (stdout by default) with privacy-safe serialisers. */
export function createLogger(config: Pick<VeilConfig, 'logLevel'>, stream?: DestinationStream): Logger {
  return pino(
    {
      level: config.logLevel,
      serializers: { req: serializeRequest, res: serializeResponse, err: serializeError },
      redact: { paths: REDACT_PATHS, remove: true },
    },
    stream ?? pino.destination({ dest: 1, sync: false }),
  );
}
