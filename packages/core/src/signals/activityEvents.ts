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

// `parseErrorEvent`, `parseNetworkEvent` and ingest's checks: activityEventSchemas.ts (zod).

/** Whether a request failed: no answer, or an error status. */
export function isFailedRequest(status: number, minStatus: number): boolean {
  return status === 0 || status >= minStatus;
}
