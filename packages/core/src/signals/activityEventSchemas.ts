import { z } from 'zod';
import { MAX_PAGE_PATH_CHARS } from '../heatmap/heatmapConstants.js';
import { EventType, VeilCustomTag } from '../wire/rrwebEvents.js';
import { ERROR_KINDS, type ErrorEventPayload, type NetworkEventPayload } from './activityEvents.js';
import {
  ACTIVITY_TEXT_PRE_CAP_FACTOR,
  MAX_ERROR_MESSAGE_CHARS,
  MAX_ERROR_STACK_CHARS,
  MAX_REQUEST_PATH_CHARS,
} from './signalConstants.js';

/**
 * The shapes of Veil's `veil.error` and `veil.net` payloads, in one place (zod; the browser SDK
 * never imports this file, it builds the payloads itself). Two forms of each:
 *
 * - the stored form (`errorEventPayloadSchema`, `networkEventPayloadSchema`): what a stored
 *   event holds, every text within its cap; what signals and the player read (`parseErrorEvent`,
 *   `parseNetworkEvent`);
 * - the incoming form (`incoming…`): what ingest accepts from a browser (which can lie). The
 *   payload is rebuilt from the allowed fields only (anything else, such as headers or a body, is
 *   left behind), query and fragment are cut from every path, texts are cut to
 *   `ACTIVITY_TEXT_PRE_CAP_FACTOR` times their cap (bounded redaction work); a field of the wrong
 *   type refuses the payload. After redaction `capActivityEvent` cuts the texts to their caps (a
 *   value cut in half by the first cut lies beyond the second, never kept half-masked).
 */

const pagePath = z.string().startsWith('/').max(MAX_PAGE_PATH_CHARS);
const method = z.string().regex(/^[A-Z]{1,16}$/);
const status = z.number().int().min(0).max(999);
const nonNegative = z.number().finite().min(0);

export const errorEventPayloadSchema = z.object({
  kind: z.enum(ERROR_KINDS),
  message: z.string().max(MAX_ERROR_MESSAGE_CHARS),
  stack: z.string().max(MAX_ERROR_STACK_CHARS).optional(),
  path: pagePath,
});

export const networkEventPayloadSchema = z.object({
  method,
  reqPath: z
    .string()
    .max(MAX_REQUEST_PATH_CHARS)
    .refine((p) => !/[?#]/.test(p), 'no query or fragment'),
  status,
  ms: nonNegative.transform(Math.round),
  size: nonNegative.transform(Math.round).optional(),
  path: pagePath,
});

/** The text before its query or fragment. */
const withoutQuery = (s: string): string => {
  const cut = s.search(/[?#]/);
  return cut < 0 ? s : s.slice(0, cut);
};

/** A page path as it arrives: query and fragment cut, then cut to the pre-cap. */
const incomingPagePath = z
  .string()
  .startsWith('/')
  .transform((p) => withoutQuery(p).slice(0, MAX_PAGE_PATH_CHARS * ACTIVITY_TEXT_PRE_CAP_FACTOR));

/**
 * A request path as it arrives: `/path` (same origin) or `//host/path`, query and fragment cut (a
 * `//` form loses any user name and password too); anything else (a full URL, a relative path)
 * is refused.
 */
const incomingRequestPath = z.string().transform((p, ctx) => {
  let kept: string | undefined;
  if (p.startsWith('//')) {
    try {
      const u = new URL(`https:${p}`);
      kept = `//${u.host}${u.pathname}`;
    } catch {
      kept = undefined;
    }
  } else if (p.startsWith('/')) {
    kept = withoutQuery(p);
  }
  if (kept === undefined) {
    ctx.addIssue({ code: 'custom', message: 'a request path is /path or //host/path' });
    return z.NEVER;
  }
  return kept.slice(0, MAX_REQUEST_PATH_CHARS * ACTIVITY_TEXT_PRE_CAP_FACTOR);
});

const preCut = (cap: number) => z.string().transform((s) => s.slice(0, cap * ACTIVITY_TEXT_PRE_CAP_FACTOR));

export const incomingErrorEventPayloadSchema = z.object({
  kind: z.enum(ERROR_KINDS),
  message: preCut(MAX_ERROR_MESSAGE_CHARS),
  stack: preCut(MAX_ERROR_STACK_CHARS).optional(),
  path: incomingPagePath,
});

export const incomingNetworkEventPayloadSchema = z.object({
  method,
  reqPath: incomingRequestPath,
  status,
  ms: nonNegative.transform(Math.round),
  size: nonNegative.transform(Math.round).optional(),
  path: incomingPagePath,
});

// The schemas and the payload types the recorder builds against describe the same shapes.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const sameError: Same<z.output<typeof errorEventPayloadSchema>, ErrorEventPayload> = true;
const sameNetwork: Same<z.output<typeof networkEventPayloadSchema>, NetworkEventPayload> = true;
void sameError;
void sameNetwork;

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** A Veil error or network event: its tag and payload, else undefined. */
function activityParts(event: {
  type: number;
  data?: unknown;
}): { tag: string; payload: unknown } | undefined {
  if (event.type !== EventType.Custom || !isRecord(event.data)) return undefined;
  const tag = event.data.tag;
  if (tag !== VeilCustomTag.Error && tag !== VeilCustomTag.Network) return undefined;
  return { tag, payload: event.data.payload };
}

/** `veil.error`: the payload when it is well formed, `'invalid'` when not, `null` for other events. */
export function parseErrorEvent(event: {
  type: number;
  data?: unknown;
}): ErrorEventPayload | 'invalid' | null {
  const parts = activityParts(event);
  if (parts?.tag !== VeilCustomTag.Error) return null;
  const parsed = errorEventPayloadSchema.safeParse(parts.payload);
  return parsed.success ? parsed.data : 'invalid';
}

/** `veil.net`: the payload when it is well formed, `'invalid'` when not, `null` for other events. */
export function parseNetworkEvent(event: {
  type: number;
  data?: unknown;
}): NetworkEventPayload | 'invalid' | null {
  const parts = activityParts(event);
  if (parts?.tag !== VeilCustomTag.Network) return null;
  const parsed = networkEventPayloadSchema.safeParse(parts.payload);
  return parsed.success ? parsed.data : 'invalid';
}

/**
 * Ingest's check of an error or network event from a browser: the event rebuilt from its
 * incoming schema (`{tag, payload}` only, the payload's allowed fields only, paths without query
 * or fragment, texts pre-cut), `'drop'` when its payload is not an object of that shape, or the
 * event itself when it is neither kind.
 */
export function enforceActivityEvent<E extends { type: number; data?: unknown }>(event: E): E | 'drop' {
  const parts = activityParts(event);
  if (parts === undefined) return event;
  const schema =
    parts.tag === VeilCustomTag.Error ? incomingErrorEventPayloadSchema : incomingNetworkEventPayloadSchema;
  const parsed = schema.safeParse(parts.payload);
  if (!parsed.success) return 'drop';
  return { ...event, data: { tag: parts.tag, payload: parsed.data } };
}

/**
 * An error or network event's texts cut to their caps (after redaction, which may lengthen a
 * text); other events as they are.
 */
export function capActivityEvent<E extends { type: number; data?: unknown }>(event: E): E {
  const parts = activityParts(event);
  if (parts === undefined || !isRecord(parts.payload)) return event;
  const p = parts.payload;
  const cut = (key: string, cap: number) =>
    typeof p[key] === 'string' && p[key].length > cap ? { [key]: p[key].slice(0, cap) } : {};
  const cuts =
    parts.tag === VeilCustomTag.Error
      ? { ...cut('message', MAX_ERROR_MESSAGE_CHARS), ...cut('stack', MAX_ERROR_STACK_CHARS) }
      : cut('reqPath', MAX_REQUEST_PATH_CHARS);
  const all = { ...cuts, ...cut('path', MAX_PAGE_PATH_CHARS) };
  if (Object.keys(all).length === 0) return event;
  return { ...event, data: { tag: parts.tag, payload: { ...p, ...all } } };
}
