/** The batch as the client sent it: its gzip members and the JSON text they decompress to. */
export interface WireBatch {
  /**
   * The client's body when it is plain gzip members only, each member's MTIME/XFL/OS zeroed
   * (`gunzipBody`, which decompressed it once and checked every member's bounds and CRC-32).
   */
  members: Buffer;
  json: string;
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
const EVENTS_KEY = '"events":';

/**
 * The chunk to store for a batch whose events reached `store` serialised as `eventsJson`
 * (`JSON.stringify` of the events as the steps left them): the client's own gzip members when they
 * hold exactly what the server would store, so the server does not compress again (the costliest
 * step of ingest, profiled); `undefined` when it must compress itself.
 *
 * Kept only when nothing can hide in them: the decompressed text is the batch's head followed by
 * `"events":` and `eventsJson` byte for byte (validate hands on `JSON.parse`'s own event objects, so
 * their keys keep the client's order, and any change a step made — redaction, URL sanitising,
 * identify, a dropped event — shows as a difference), the head is canonical JSON (re-serialising
 * it gives the same text: no duplicate key, no whitespace) of known fields whose strings are ids,
 * and the body is plain gzip members (`WireBatch.members`). A stored chunk then decompresses to the
 * whole batch object (recordings/chunkEvents.ts reads either form).
 */
export function clientChunk(wire: WireBatch, eventsJson: string): Buffer | undefined {
  const { json } = wire;
  const suffixLength = EVENTS_KEY.length + eventsJson.length + 1;
  if (json.length <= suffixLength || json.charCodeAt(json.length - 1) !== 0x7d /* } */) return undefined;
  const at = json.length - suffixLength;
  if (!json.startsWith(EVENTS_KEY, at) || json.slice(at + EVENTS_KEY.length, json.length - 1) !== eventsJson)
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
  return wire.members;
}
