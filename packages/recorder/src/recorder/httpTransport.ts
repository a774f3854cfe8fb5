import { retryAfterMs } from './backoff.js';
import type { OutgoingBatch } from './batchJson.js';
import { type EncodedBody, encodeBody } from './encodeBody.js';
import type { SendOutcome, Transport } from './SendQueue.js';

/**
 * Browsers refuse keepalive and beacon bodies over 64 KiB (counted over all in flight); a
 * margin below it leaves room for a concurrent request.
 */
export const KEEPALIVE_MAX_BODY_BYTES = 60 * 1024;

/** What an HTTP status means for a batch: 2xx delivered, 408/429/5xx retried, other 4xx final. */
export function outcomeOfStatus(status: number, retryAfter: string | null): SendOutcome {
  if (status >= 200 && status < 300) return { kind: 'ack' };
  if (status === 408 || status === 429 || status >= 500) {
    const afterMs = retryAfterMs(retryAfter);
    return afterMs === undefined ? { kind: 'retry' } : { kind: 'retry', afterMs };
  }
  if (status >= 400) return { kind: 'reject', status };
  return { kind: 'retry' };
}

/** The `code` of a `{"error":{"code"}}` answer; undefined when the body is anything else. */
async function errorCodeOf(response: Response): Promise<string | undefined> {
  try {
    const code = ((await response.json()) as { error?: { code?: unknown } }).error?.code;
    return typeof code === 'string' ? code : undefined;
  } catch {
    return undefined;
  }
}

export interface HttpTransportOptions {
  /** `…/ingest/v1/batch` */
  url: string;
  encode?: (json: string) => Promise<EncodedBody>;
  fetch?: typeof fetch;
  sendBeacon?: (url: string, data: Blob) => boolean;
}

/**
 * `fetch` with `keepalive` (so a batch survives the page) and `Content-Type: text/plain` (a
 * CORS-safelisted type: no preflight); `sendBeacon` for pages going away.
 */
export function createHttpTransport(options: HttpTransportOptions): Transport {
  const encode = options.encode ?? encodeBody;
  const doFetch = options.fetch ?? ((input, init) => fetch(input, init));
  const beacon = options.sendBeacon ?? ((url, data) => navigator.sendBeacon(url, data));
  return {
    async send(batch: OutgoingBatch): Promise<SendOutcome> {
      const { body, bytes } = await encode(batch.json);
      const response = await doFetch(options.url, {
        method: 'POST',
        body,
        // Larger bodies cannot be keepalive; the page is alive now, and what an unload cuts off
        // is persisted and sent again by the next page.
        keepalive: bytes <= KEEPALIVE_MAX_BODY_BYTES,
        headers: { 'Content-Type': 'text/plain' },
        credentials: 'omit',
        mode: 'cors',
      });
      const outcome = outcomeOfStatus(response.status, response.headers.get('Retry-After'));
      // A refusal's code tells the recorder what to do beyond dropping the batch (`not_sampled`).
      if (outcome.kind === 'reject') outcome.code = await errorCodeOf(response);
      return outcome;
    },
    beacon(batch: OutgoingBatch): boolean {
      if (batch.bytes > KEEPALIVE_MAX_BODY_BYTES) return false;
      return beacon(options.url, new Blob([batch.json], { type: 'text/plain' }));
    },
  };
}
