import type { RecordedEvent } from '@veil/core';
import type { JsonScan } from './jsonNesting.js';

/** The batch as the client sent it, when `store` may keep its bytes (`keepableWire`). */
export interface WireBatch {
  /**
   * The client's body when it is plain gzip members only, each member's MTIME/XFL/OS zeroed
   * (`gunzipBody`, which decompressed it once and checked every member's bounds and CRC-32).
   */
  members: Buffer;
  /**
   * The events as `JSON.parse` made them, in order: a copy of the list (the same event objects),
   * so that a step that drops, adds or replaces an event shows against it (`clientChunk`).
   */
  events: readonly RecordedEvent[];
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

/**
 * The client's bytes as `store` may keep them (`clientChunk`), or `undefined` when they can never
 * stand for the batch: `parsed` (`JSON.parse` of the decompressed `members`) must be an object of
 * known head fields whose strings are ids, with `events` (a list) last, and the text must be
 * `faithful` (`scanJson`: no white space outside strings, no escaped or repeated key), so that
 * the bytes hold exactly what the parse made of them and nothing it dropped (a first `events`
 * list, a repeated key's earlier value).
 */
export function keepableWire(members: Buffer, scan: JsonScan, parsed: unknown): WireBatch | undefined {
  if (!scan.faithful) return undefined;
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
  let last: string | undefined;
  let events: unknown;
  for (const key in parsed) {
    const value = (parsed as Record<string, unknown>)[key];
    last = key;
    if (key === 'events') {
      events = value;
      continue;
    }
    if (!HEAD_FIELDS.has(key)) return undefined;
    if (typeof value === 'string' ? !ID.test(value) : typeof value !== 'number' && typeof value !== 'boolean')
      return undefined;
  }
  if (last !== 'events' || !Array.isArray(events)) return undefined;
  return { members, events: (events as RecordedEvent[]).slice() };
}

/**
 * The chunk to store for a batch whose events reached `store` as `events`: the client's own gzip
 * members when they hold exactly what the server would store, so the server neither serialises
 * the events again nor compresses them (the costliest steps of ingest, profiled); `undefined`
 * when it must.
 *
 * Proven without serialising, failing closed: the bytes are faithful to their parse
 * (`keepableWire`), every event is the very object the parse made, in the same place (a step that
 * drops, adds or rebuilds an event — page targeting, identify, URL sanitising, caps, canaries —
 * makes new ones), and redaction, the one step that writes into events in place, reported that it
 * wrote nothing (`redactedChanged === false`; `undefined`, as when redaction did not run, counts
 * as changed). A stored chunk then decompresses to the whole batch object, events last
 * (recordings/chunkEvents.ts reads either form).
 */
export function clientChunk(
  wire: WireBatch,
  events: readonly RecordedEvent[],
  redactedChanged: boolean | undefined,
): Buffer | undefined {
  if (redactedChanged !== false) return undefined;
  const sent = wire.events;
  if (events.length !== sent.length) return undefined;
  for (let i = 0; i < events.length; i++) if (events[i] !== sent[i]) return undefined;
  return wire.members;
}
