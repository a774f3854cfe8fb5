import { EventType, type RecordedEvent, sanitizeUrl, VeilCustomTag } from '@veil/core';
import type { LocatedBatch } from './siteAndOrigin.js';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The event with its page URL sanitised (fragment and non-allow-listed query parameters dropped):
 * rrweb Meta events (`data.href`) and Veil page-view events (`data.payload.url`). Other events are
 * returned as they are.
 */
export function sanitizeEventUrls(event: RecordedEvent, allowedParams: readonly string[]): RecordedEvent {
  const data = event.data;
  if (!isRecord(data)) return event;
  // The same event when its URL is already clean (`store` keeps the client's bytes only for those).
  if (event.type === EventType.Meta && typeof data.href === 'string') {
    const href = sanitizeUrl(data.href, allowedParams);
    return href === data.href ? event : { ...event, data: { ...data, href } };
  }
  if (event.type === EventType.Custom && data.tag === VeilCustomTag.PageView && isRecord(data.payload)) {
    const payload = data.payload;
    if (typeof payload.url === 'string') {
      const url = sanitizeUrl(payload.url, allowedParams);
      if (url === payload.url) return event;
      return {
        ...event,
        data: { ...data, payload: { ...payload, url } },
      };
    }
  }
  return event;
}

/** Step 3: URLs in the batch keep only what the site's policy allows. */
export function sanitizeUrls(input: LocatedBatch): LocatedBatch {
  const allowed = input.site.policy.allowedUrlParams;
  return {
    ...input,
    batch: { ...input.batch, events: input.batch.events.map((e) => sanitizeEventUrls(e, allowed)) },
  };
}
