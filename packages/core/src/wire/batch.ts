import { z } from 'zod';

/** Limits of the ingest wire format, with their units in the name. */
export const MAX_BATCH_COMPRESSED_BYTES = 1024 * 1024;
export const MAX_BATCH_DECOMPRESSED_BYTES = 16 * 1024 * 1024;
export const MAX_EVENTS_PER_BATCH = 50_000;
/** The recorder flushes at this interval or when the buffer reaches `BATCH_TARGET_BYTES`. */
export const BATCH_FLUSH_INTERVAL_MS = 5_000;
export const BATCH_TARGET_BYTES = 256 * 1024;
/** A tab's session survives navigations while it is idle for less than this. */
export const SESSION_IDLE_TIMEOUT_MS = 30 * 60 * 1000;
/** The server finalises a session that has received nothing for this long. */
export const SESSION_FINALISE_AFTER_MS = 30 * 60 * 1000;

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

/** The 202 answer to a stored (or already stored) batch. */
export interface IngestAck {
  sessionId: string;
  /** The acknowledged sequence number: the recorder may drop this batch from its retry queue. */
  ack: number;
  /** True when this (session, seq) had been stored before; nothing was stored twice. */
  duplicate: boolean;
}
