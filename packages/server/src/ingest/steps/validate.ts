import {
  type IngestBatch,
  ingestBatchEnvelopeSchema,
  ingestBatchSchema,
  isRecordedEvent,
  MAX_BATCH_COMPRESSED_BYTES,
  MAX_BATCH_DECOMPRESSED_BYTES,
} from '@veil/core';
import { validationError } from '../../errors/validationError.js';
import { keepableWire, type WireBatch } from '../clientChunk.js';
import { type Drop, drop } from '../Drop.js';
import { gunzipBody } from '../gunzipBody.js';
import { type JsonScan, jsonNestsDeeperThan, MAX_BATCH_NESTING_DEPTH, scanJson } from '../jsonNesting.js';

/**
 * Largest output chunk of one inflate step (`gunzipBody` inflates synchronously; with zlib's
 * default of 16 KiB a 16 MiB bomb took a thousand steps, each a round trip through the thread pool
 * and a busy event loop while inflate was asynchronous, so it took seconds to refuse).
 */
const GUNZIP_CHUNK_BYTES = 1024 * 1024;

/** What `sendBeacon`, no-preflight `fetch(keepalive)` and ordinary `fetch` send (docs/api.md). */
export const INGEST_CONTENT_TYPES = ['application/json', 'text/plain', 'application/octet-stream'] as const;

/** The request as the pipeline receives it: headers it needs and the raw body bytes. */
export interface RawBatchRequest {
  contentType: string | undefined;
  contentEncoding: string | undefined;
  origin: string | undefined;
  referer: string | undefined;
  /** The browser's `User-Agent`: bots never reach a heatmap (the header is not stored). */
  userAgent?: string | undefined;
  /**
   * The client address, for the IP block list and the region lookup only: the `region` step
   * removes it from the batch's context, it is never stored and never logged.
   */
  clientIp?: string | undefined;
  /**
   * The visitor's privacy signal from the request headers: `Sec-GPC: 1` (Global Privacy Control)
   * or `DNT: 1` (Do Not Track); undefined when neither is set. The `consent` step refuses it.
   */
  privacySignal?: 'Sec-GPC' | 'DNT' | undefined;
  /** The value of the trusted proxy's country header (`VEIL_REGION_HEADER`), when configured. */
  regionHeaderValue?: string | undefined;
  body: Buffer | undefined;
}

export interface ValidatedBatch {
  request: RawBatchRequest;
  batch: IngestBatch;
  /** The client's gzip members and its parsed events, when `store` may keep them as sent (`keepableWire`). */
  wire?: WireBatch;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function isGzip(body: Buffer): boolean {
  return body.length >= 2 && body[0] === 0x1f && body[1] === 0x8b;
}

/**
 * Step 1: content type, size, gzip (by header or magic bytes; decompression stops at
 * `MAX_BATCH_DECOMPRESSED_BYTES`, so bombs are refused), nesting depth (deeper input would
 * overflow the stack of recursive code downstream), JSON, and the wire schema.
 */
export async function validate(request: RawBatchRequest): Promise<ValidatedBatch | Drop> {
  const mediaType = request.contentType?.split(';')[0]?.trim().toLowerCase();
  if (!mediaType || !(INGEST_CONTENT_TYPES as readonly string[]).includes(mediaType)) {
    return drop('unsupported_media_type', `content type must be one of ${INGEST_CONTENT_TYPES.join(', ')}`);
  }
  const encoding = request.contentEncoding?.trim().toLowerCase() || 'identity';
  if (encoding !== 'identity' && encoding !== 'gzip') {
    return drop('unsupported_media_type', 'content encoding must be gzip or none');
  }
  const body = request.body;
  if (!body || body.length === 0) return drop('invalid_json', 'the body is empty');
  if (body.length > MAX_BATCH_COMPRESSED_BYTES) {
    return drop('payload_too_large', `the body exceeds ${MAX_BATCH_COMPRESSED_BYTES} bytes`);
  }

  let bytes: Buffer = body;
  let members: Buffer | undefined;
  if (encoding === 'gzip' || isGzip(body)) {
    try {
      ({ bytes, members } = await gunzipBody(body, {
        maxOutputLength: MAX_BATCH_DECOMPRESSED_BYTES,
        chunkSize: GUNZIP_CHUNK_BYTES,
      }));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
        return drop(
          'payload_too_large',
          `the body decompresses to more than ${MAX_BATCH_DECOMPRESSED_BYTES} bytes`,
        );
      }
      return drop('invalid_json', 'the body is not valid gzip');
    }
  }

  // Bytes that may be kept as sent are scanned once for nesting and faithfulness together.
  let scan: JsonScan | undefined;
  if (members) {
    scan = scanJson(bytes, MAX_BATCH_NESTING_DEPTH);
    if (scan.tooDeep) return tooDeep();
  } else if (jsonNestsDeeperThan(bytes, MAX_BATCH_NESTING_DEPTH)) return tooDeep();
  let json: unknown;
  try {
    json = JSON.parse(utf8.decode(bytes));
  } catch {
    // The parser's message quotes the input; it is neither logged nor returned.
    return drop('invalid_json', 'the body is not valid JSON');
  }
  // The envelope by its schema, each event by `isRecordedEvent` (no copy of each event); only a
  // batch that fails either goes through the whole schema, which decides and words the refusal.
  const envelope = ingestBatchEnvelopeSchema.safeParse(json);
  let fields: Omit<IngestBatch, 'events'>;
  if (envelope.success && envelope.data.events.every(isRecordedEvent)) fields = envelope.data;
  else {
    const parsed = ingestBatchSchema.safeParse(json);
    if (!parsed.success) {
      const error = validationError(parsed.error);
      return drop('validation_failed', error.message);
    }
    fields = parsed.data;
  }
  // Parsed once: the events are `JSON.parse`'s own objects, which the checks just accepted (the
  // schema's copies would differ from them only in the order of each event's keys), and in the
  // client's order the stored JSON can be compared with what it sent.
  const events = (json as { events: IngestBatch['events'] }).events;
  const batch: IngestBatch = { ...fields, events };
  const wire = members && scan ? keepableWire(members, scan, json) : undefined;
  return wire ? { request, batch, wire } : { request, batch };
}

function tooDeep(): Drop {
  return drop('validation_failed', `the batch nests deeper than ${MAX_BATCH_NESTING_DEPTH} levels`);
}
