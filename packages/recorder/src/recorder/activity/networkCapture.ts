import { MAX_NETWORK_EVENTS_PER_VIEW, MAX_REQUEST_PATH_CHARS, VeilCustomTag } from '@veil/core';
import type { Clock, ErrorReporter, Teardown } from '../clock.js';
import type { ActivityEmit } from './errorCapture.js';

/**
 * The request's URL as Veil keeps it: the path (same origin) or `//host/path`, never the query
 * or fragment; undefined for a URL not to record (Veil's own requests, non-HTTP schemes).
 */
export function requestPath(url: string, ignore: (u: URL) => boolean): string | undefined {
  let u: URL;
  try {
    u = new URL(url, location.href);
  } catch {
    return undefined;
  }
  if ((u.protocol !== 'http:' && u.protocol !== 'https:') || ignore(u)) return undefined;
  const path = u.origin === location.origin ? u.pathname : `//${u.host}${u.pathname}`;
  return path.slice(0, MAX_REQUEST_PATH_CHARS);
}

const sizeOf = (header: string | null): number | undefined => {
  const n = header === null ? Number.NaN : Number(header);
  return Number.isFinite(n) && n >= 0 ? n : undefined;
};

/**
 * Network request metadata as `veil.net` events: method, URL path, status (0 when unanswered),
 * duration and size (`Content-Length`) of `fetch` and `XMLHttpRequest` calls. Never headers
 * otherwise, never bodies. At most `MAX_NETWORK_EVENTS_PER_VIEW` per page load.
 */
export function startNetworkCapture(
  emit: ActivityEmit,
  path: () => string,
  clock: Clock,
  ignore: (u: URL) => boolean,
  onError: ErrorReporter,
): Teardown {
  let sent = 0;
  const report = (method: string, url: string, started: number, status: number, size: number | undefined) => {
    try {
      const reqPath = requestPath(url, ignore);
      if (reqPath === undefined || sent >= MAX_NETWORK_EVENTS_PER_VIEW) return;
      sent++;
      emit(VeilCustomTag.Network, {
        method:
          method
            .toUpperCase()
            .replace(/[^A-Z]/g, '')
            .slice(0, 16) || 'GET',
        reqPath,
        status,
        ms: Math.max(0, clock.now() - started),
        ...(size === undefined ? {} : { size }),
        path: path(),
      });
    } catch (error) {
      onError(error, 'network');
    }
  };

  const originalFetch = window.fetch;
  const wrappedFetch: typeof fetch = function (this: unknown, input, init) {
    const started = clock.now();
    const request = input instanceof Request ? input : undefined;
    const method = init?.method ?? request?.method ?? 'GET';
    const url = request ? request.url : String(input);
    return originalFetch.call(this ?? window, input, init).then(
      (response) => {
        report(method, url, started, response.status, sizeOf(response.headers.get('content-length')));
        return response;
      },
      (error: unknown) => {
        report(method, url, started, 0, undefined);
        throw error;
      },
    );
  };
  if (typeof originalFetch === 'function') window.fetch = wrappedFetch;

  const proto = XMLHttpRequest.prototype;
  const originalOpen = proto.open;
  const originalSend = proto.send;
  const opened = new WeakMap<XMLHttpRequest, { method: string; url: string }>();
  proto.open = function (this: XMLHttpRequest, method: string, url: string | URL, ...rest: unknown[]) {
    opened.set(this, { method, url: String(url) });
    return (originalOpen as (...a: unknown[]) => void).call(this, method, url, ...rest);
  } as typeof proto.open;
  proto.send = function (this: XMLHttpRequest, body?: Document | XMLHttpRequestBodyInit | null) {
    const info = opened.get(this);
    if (info) {
      const started = clock.now();
      this.addEventListener('loadend', () =>
        report(info.method, info.url, started, this.status, sizeOf(this.getResponseHeader('content-length'))),
      );
    }
    return originalSend.call(this, body);
  };

  return () => {
    if (window.fetch === wrappedFetch) window.fetch = originalFetch;
    proto.open = originalOpen;
    proto.send = originalSend;
  };
}
