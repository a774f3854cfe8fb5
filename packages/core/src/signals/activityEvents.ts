import { MAX_PAGE_PATH_CHARS } from '../heatmap/heatmapConstants.js';
import { EventType, VeilCustomTag } from '../wire/rrwebEvents.js';
import { MAX_ERROR_MESSAGE_CHARS, MAX_ERROR_STACK_CHARS, MAX_REQUEST_PATH_CHARS } from './signalConstants.js';

/**
 * Veil's error and network events: rrweb `Custom` events the recorder emits when the site's
 * policy lets it (`captureErrors`, `captureNetworkMetadata`). Error texts pass the same
 * redaction as page text, in the browser and again on the server; a network event is metadata
 * only (never headers, never bodies, never the query string).
 */

/** How an error reached the recorder. */
export const ERROR_KINDS = ['error', 'rejection', 'console'] as const;
export type ErrorKind = (typeof ERROR_KINDS)[number];

export interface ErrorEventPayload {
  kind: ErrorKind;
  /** Redacted, at most `MAX_ERROR_MESSAGE_CHARS`. */
  message: string;
  /** Redacted, at most `MAX_ERROR_STACK_CHARS`; absent when the error had none. */
  stack?: string;
  /** The page's URL path. */
  path: string;
}

export interface NetworkEventPayload {
  /** Upper-case HTTP method. */
  method: string;
  /**
   * The request URL without query or fragment: its path when same-origin, `//host/path` when not.
   * (Named `…Path` so that the server's redaction scans it as URL text.)
   */
  reqPath: string;
  /** HTTP status; 0 when the request failed without an answer (network error, abort, CORS). */
  status: number;
  /** Duration, ms. */
  ms: number;
  /** Response size in bytes when known. */
  size?: number;
  /** The page's URL path. */
  path: string;
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const pagePath = (v: unknown): v is string =>
  typeof v === 'string' && v.startsWith('/') && v.length <= MAX_PAGE_PATH_CHARS;

/** The payload of a Veil custom event with this tag, or undefined. */
function customPayload(
  event: { type: number; data?: unknown },
  tag: string,
): Record<string, unknown> | undefined {
  if (event.type !== EventType.Custom || !isRecord(event.data) || event.data.tag !== tag) return undefined;
  return isRecord(event.data.payload) ? event.data.payload : {};
}

/** `veil.error`: the payload when it is well formed, `'invalid'` when not, `null` for other events. */
export function parseErrorEvent(event: {
  type: number;
  data?: unknown;
}): ErrorEventPayload | 'invalid' | null {
  const p = customPayload(event, VeilCustomTag.Error);
  if (p === undefined) return null;
  if (
    !(ERROR_KINDS as readonly unknown[]).includes(p.kind) ||
    typeof p.message !== 'string' ||
    p.message.length > MAX_ERROR_MESSAGE_CHARS ||
    (p.stack !== undefined && (typeof p.stack !== 'string' || p.stack.length > MAX_ERROR_STACK_CHARS)) ||
    !pagePath(p.path)
  )
    return 'invalid';
  return {
    kind: p.kind as ErrorKind,
    message: p.message,
    ...(typeof p.stack === 'string' ? { stack: p.stack } : {}),
    path: p.path,
  };
}

/** `veil.net`: the payload when it is well formed, `'invalid'` when not, `null` for other events. */
export function parseNetworkEvent(event: {
  type: number;
  data?: unknown;
}): NetworkEventPayload | 'invalid' | null {
  const p = customPayload(event, VeilCustomTag.Network);
  if (p === undefined) return null;
  if (
    typeof p.method !== 'string' ||
    !/^[A-Z]{1,16}$/.test(p.method) ||
    typeof p.reqPath !== 'string' ||
    p.reqPath.length > MAX_REQUEST_PATH_CHARS ||
    /[?#]/.test(p.reqPath) ||
    !finite(p.status) ||
    !Number.isInteger(p.status) ||
    p.status < 0 ||
    p.status > 999 ||
    !finite(p.ms) ||
    p.ms < 0 ||
    (p.size !== undefined && (!finite(p.size) || p.size < 0)) ||
    !pagePath(p.path)
  )
    return 'invalid';
  return {
    method: p.method,
    reqPath: p.reqPath,
    status: p.status,
    ms: Math.round(p.ms),
    ...(finite(p.size) ? { size: Math.round(p.size) } : {}),
    path: p.path,
  };
}

/** Whether a request failed: no answer, or an error status. */
export function isFailedRequest(status: number, minStatus: number): boolean {
  return status === 0 || status >= minStatus;
}
