import { z } from 'zod';
import { MAX_EVENTS_PER_BATCH } from './limits.js';

export {
  BATCH_FLUSH_INTERVAL_MS,
  BATCH_TARGET_BYTES,
  MAX_BATCH_COMPRESSED_BYTES,
  MAX_BATCH_DECOMPRESSED_BYTES,
  MAX_EVENTS_PER_BATCH,
  SESSION_FINALISE_AFTER_MS,
  SESSION_IDLE_TIMEOUT_MS,
} from './limits.js';

/** One rrweb event as it travels: Veil does not trust its inner shape beyond these fields. */
export const recordedEventSchema = z
  .object({
    type: z.number().int().min(0).max(6),
    timestamp: z.number().finite().nonnegative(),
    data: z.unknown(),
    delay: z.number().optional(),
  })
  .loose();
export type RecordedEvent = z.infer<typeof recordedEventSchema>;

const idPattern = /^[A-Za-z0-9_-]{8,64}$/;

/** `POST /ingest/v1/batch` body (after gzip, when gzip was used). */
export const ingestBatchSchema = z.object({
  /** Wire format version. */
  v: z.literal(1),
  siteKey: z.string().regex(idPattern, 'siteKey must be 8-64 url-safe characters'),
  /** Random id per tab session; survives navigations within `SESSION_IDLE_TIMEOUT_MS`. */
  sessionId: z.string().regex(idPattern, 'sessionId must be 8-64 url-safe characters'),
  /** Pseudonymous visitor id from first-party storage (set only after consent). */
  visitorId: z.string().regex(idPattern).optional(),
  /** Monotonically increasing per session, starting at 0. */
  seq: z.number().int().nonnegative().max(1_000_000),
  /** Client clock when the batch was sent (ms since epoch). */
  sentAt: z.number().finite().nonnegative(),
  /** Consent receipt the visitor's decision produced (required when the lawful basis is consent). */
  consentReceiptId: z.string().max(128).optional(),
  /** True when sent from `pagehide`: the page is going away. */
  final: z.boolean().optional(),
  events: z.array(recordedEventSchema).max(MAX_EVENTS_PER_BATCH),
});
export type IngestBatch = z.infer<typeof ingestBatchSchema>;

/**
 * `ingestBatchSchema` without its per-event schema: the envelope checked by zod, the events
 * (each an `unknown`) left to `isRecordedEvent`, which checks them without copying each one
 * (zod's loose object builds a copy of every event: a tenth of ingest's CPU on small batches).
 */
export const ingestBatchEnvelopeSchema = ingestBatchSchema.extend({
  events: z.array(z.unknown()).max(MAX_EVENTS_PER_BATCH),
});

/**
 * True only where `recordedEventSchema` accepts `value` (never where it would refuse; a property
 * test pins this), without building anything. Where this says false, the caller asks the schema
 * itself, which decides and words the refusal.
 */
export function isRecordedEvent(value: unknown): value is RecordedEvent {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const e = value as { type?: unknown; timestamp?: unknown; delay?: unknown };
  const { type, timestamp, delay } = e;
  return (
    typeof type === 'number' &&
    Number.isInteger(type) &&
    type >= 0 &&
    type <= 6 &&
    typeof timestamp === 'number' &&
    Number.isFinite(timestamp) &&
    timestamp >= 0 &&
    // The schema's `data: z.unknown()` asks for the key, whatever its value.
    'data' in e &&
    (delay === undefined || (typeof delay === 'number' && Number.isFinite(delay)))
  );
}

/** The 202 answer to a stored (or already stored) batch. */
export interface IngestAck {
  sessionId: string;
  /** The acknowledged sequence number: the recorder may drop this batch from its retry queue. */
  ack: number;
  /** True when this (session, seq) had been stored before; nothing was stored twice. */
  duplicate: boolean;
}
