/**
 * Bounds of record-on-error (`recordOnError` in the privacy policy), in a module without zod so
 * that the browser recorder can check a received policy against them without bundling the schema.
 */

/** Bounds of the window kept before an error, in seconds (it lives in browser memory). */
export const MIN_ERROR_WINDOW_SECONDS = 5;
export const MAX_ERROR_WINDOW_SECONDS = 120;
/** Most seconds recorded on after an error. */
export const MAX_ERROR_AFTER_SECONDS = 60;
