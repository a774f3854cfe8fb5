import { promisify } from 'node:util';
import { inflateRaw } from 'node:zlib';
import { MAX_BATCH_DECOMPRESSED_BYTES } from '@veil/core';

const inflateRawAsync = promisify(inflateRaw) as unknown as (
  buffer: Buffer,
  options: { info: true; maxOutputLength: number },
) => Promise<{ buffer: Buffer; engine: { bytesWritten: number } }>;

/** The batch as the client sent it: its gzip body and the JSON text that body decompresses to. */
export interface WireBatch {
  gzip: Buffer;
  json: string;
  /**
   * The events as `JSON.parse` gave them, before the schema copied them: only the order of each
   * event's own keys is read from them (rrweb writes `type, data, timestamp`; the schema's copy
   * puts `timestamp` before `data`).
   */
  rawEvents: readonly unknown[];
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The JSON of `events` with each event's keys in the order the client wrote them, or `undefined`
 * when an event's keys are not the client's (a step added or removed one, or dropped an event).
 */
function inClientOrder(events: readonly object[], raw: readonly unknown[]): string | undefined {
  if (events.length !== raw.length) return undefined;
  const parts: string[] = new Array(events.length);
  for (let i = 0; i < events.length; i++) {
    const client = raw[i];
    const event = events[i] as Record<string, unknown>;
    if (!isObject(client)) return undefined;
    const keys = Object.keys(client);
    if (Object.keys(event).length !== keys.length) return undefined;
    let out = '{';
    for (const key of keys) {
      if (!Object.hasOwn(event, key)) return undefined;
      const value = JSON.stringify(event[key]);
      if (value === undefined) return undefined;
      out += `${out.length > 1 ? ',' : ''}${JSON.stringify(key)}:${value}`;
    }
    parts[i] = `${out}}`;
  }
  return `[${parts.join(',')}]`;
}

/** Fields of the batch besides its events that may be stored with it (inside the sealed chunk). */
const HEAD_FIELDS: ReadonlySet<string> = new Set([
  'v',
  'siteKey',
  'sessionId',
  'visitorId',
  'seq',
  'sentAt',
  'consentReceiptId',
  'final',
]);
/** Strings of the head are ids (as the wire schema's ids): no room for free text. */
const ID = /^[A-Za-z0-9_-]{1,128}$/;

const GZIP_HEADER_BYTES = 10;
const GZIP_TRAILER_BYTES = 8;

/**
 * The chunk to store for a batch whose events reached `store` as `events`: the client's own
 * gzip bytes when they hold exactly what the server would store, so the server does not compress
 * again (the costliest step of ingest, profiled); `undefined` when it must compress itself.
 *
 * Kept only when nothing can hide in them: the decompressed text is the batch's head followed by
 * `"events":` and the stored events' JSON byte for byte, each event's keys in the client's order
 * (so no step changed anything: not redaction, URL sanitising, identify), the head is canonical JSON (re-serialising it gives the
 * same text: no duplicate key, no whitespace) of known fields whose strings are ids, and every gzip
 * member has no optional header field (name, comment, extra) and ends exactly where the next
 * begins, with nothing after the last. The members' time stamp and OS bytes are zeroed in the copy
 * kept. A stored chunk then decompresses to the whole batch object (recordings/chunkEvents.ts reads
 * either form).
 */
export async function clientChunk(wire: WireBatch, events: readonly object[]): Promise<Buffer | undefined> {
  const eventsJson = inClientOrder(events, wire.rawEvents);
  if (eventsJson === undefined) return undefined;
  const { json } = wire;
  const suffixLength = '"events":'.length + eventsJson.length + 1;
  if (json.length <= suffixLength || json.charCodeAt(json.length - 1) !== 0x7d /* } */) return undefined;
  const at = json.length - suffixLength;
  if (!json.startsWith('"events":', at) || !json.startsWith(eventsJson, at + '"events":'.length))
    return undefined;
  const head = json.slice(0, at);
  if (!(head === '{' || head.endsWith(','))) return undefined;
  const headJson = `${head}"events":[]}`;
  let parsed: unknown;
  try {
    parsed = JSON.parse(headJson);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
  if (JSON.stringify(parsed) !== headJson) return undefined;
  for (const [key, value] of Object.entries(parsed)) {
    if (key === 'events') continue;
    if (!HEAD_FIELDS.has(key)) return undefined;
    if (typeof value === 'string' ? !ID.test(value) : typeof value !== 'number' && typeof value !== 'boolean')
      return undefined;
  }
  return canonicalGzip(wire.gzip);
}

/** A copy of `gzip` with each member's MTIME/XFL/OS zeroed, or `undefined` unless it is plain members only. */
async function canonicalGzip(gzip: Buffer): Promise<Buffer | undefined> {
  const out = Buffer.from(gzip);
  let pos = 0;
  while (pos < out.length) {
    if (
      out.length - pos < GZIP_HEADER_BYTES + GZIP_TRAILER_BYTES ||
      out[pos] !== 0x1f ||
      out[pos + 1] !== 0x8b ||
      out[pos + 2] !== 8 /* deflate */ ||
      out[pos + 3] !== 0 /* no FTEXT, FHCRC, FEXTRA, FNAME, FCOMMENT */
    )
      return undefined;
    let deflated: number;
    try {
      const { engine } = await inflateRawAsync(out.subarray(pos + GZIP_HEADER_BYTES), {
        info: true,
        maxOutputLength: MAX_BATCH_DECOMPRESSED_BYTES,
      });
      deflated = engine.bytesWritten;
    } catch {
      return undefined;
    }
    out.fill(0, pos + 4, pos + GZIP_HEADER_BYTES);
    pos += GZIP_HEADER_BYTES + deflated + GZIP_TRAILER_BYTES;
  }
  return pos === out.length ? out : undefined;
}
