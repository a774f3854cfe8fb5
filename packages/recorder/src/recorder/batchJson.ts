import type { IngestBatch } from '@veil/core';

/** The fields of a batch other than its events. */
export type BatchHeader = Omit<IngestBatch, 'events'>;

/** One batch ready for the wire: its JSON is built once and reused for every attempt. */
export interface OutgoingBatch {
  sessionId: string;
  seq: number;
  final: boolean;
  /** The `IngestBatch` JSON (uncompressed). */
  json: string;
  /** UTF-8 size of `json` (an upper bound). */
  bytes: number;
}

/** A character outside ASCII (found by the regular expression engine, not a loop in script). */
const NON_ASCII = /[\u0080-\uffff]/;

/**
 * UTF-8 size of a string, never under the true size (a surrogate pair counts 6 instead of 4):
 * used to keep bodies under the browsers' keepalive limit. rrweb JSON is mostly ASCII, where the
 * size is the length; the loop runs only from the first other character on.
 */
export function utf8Length(s: string): number {
  const first = s.search(NON_ASCII);
  if (first < 0) return s.length;
  let n = s.length;
  for (let i = first; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 0x7f) n += c > 0x7ff ? 2 : 1;
  }
  return n;
}

/** `IngestBatch` JSON from a header and already-serialised events (each event is stringified once). */
export function buildBatchJson(header: BatchHeader, eventJsons: readonly string[]): string {
  const head = JSON.stringify(header);
  return `${head.slice(0, -1)},"events":[${eventJsons.join(',')}]}`;
}

/**
 * Splits events into consecutive groups whose batch JSON stays within `maxBytes`, given the
 * header's size. An event larger than the limit travels alone (the transport then cannot use a
 * keepalive request or a beacon for it and falls back).
 */
export function splitBySize(
  sizes: readonly number[],
  maxBytes: number,
  headerBytes: number,
): Array<[start: number, end: number]> {
  const groups: Array<[number, number]> = [];
  let start = 0;
  let bytes = headerBytes;
  for (let i = 0; i < sizes.length; i++) {
    const size = (sizes[i] ?? 0) + 1;
    if (i > start && bytes + size > maxBytes) {
      groups.push([start, i]);
      start = i;
      bytes = headerBytes;
    }
    bytes += size;
  }
  if (start < sizes.length) groups.push([start, sizes.length]);
  return groups;
}
