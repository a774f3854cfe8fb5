// Kept free of zod so that the browser bundle can import the limits without the schemas.

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
