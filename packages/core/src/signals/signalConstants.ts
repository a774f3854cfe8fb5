// Kept free of zod: the browser SDK imports these without the schemas.

/** A page left for the page before it within this time of arriving is a quick back, ms. */
export const QUICK_BACK_MS = 5_000;
/** A JavaScript error this soon after a click makes the click an error click, ms. */
export const ERROR_CLICK_WINDOW_MS = 2_000;
/**
 * Clicks and errors are kept this long before the session's latest one for error clicks, ms: a
 * batch arriving late (record-on-error sends the error before the window of up to 120 s before it)
 * still pairs with them.
 */
export const ERROR_CLICK_HORIZON_MS = 10 * 60_000;
/** Most clicks, and most errors, kept for error clicks per session (the oldest go first). */
export const MAX_RECENT_CLICKS_AND_ERRORS = 64;
/** One page view whose scrolling turns around this often is excessive scrolling... */
export const EXCESSIVE_SCROLL_REVERSALS = 4;
/** ...counting only legs of at least this many CSS px (jitter and fling bounces are not turns). */
export const SCROLL_LEG_MIN_PX = 100;
/** Scrolled elements tracked per page view for excessive scrolling (the rest are ignored). */
export const MAX_SCROLL_TARGETS_PER_VIEW = 8;
/** A request answered with this status or higher, or not answered (status 0), failed. */
export const FAILED_REQUEST_MIN_STATUS = 400;

/** Longest error message and stack kept, in characters (after redaction, before storing). */
export const MAX_ERROR_MESSAGE_CHARS = 500;
export const MAX_ERROR_STACK_CHARS = 2_000;
/**
 * Error texts and paths are cut to this many times their cap before redaction (bounded work) and
 * to the cap after it, in the browser and again at ingest: a value cut in half by the first cut
 * lies beyond the second, never kept half-masked.
 */
export const ACTIVITY_TEXT_PRE_CAP_FACTOR = 4;
/** Longest request URL path kept, in characters. */
export const MAX_REQUEST_PATH_CHARS = 512;
/** Most error and network events one page view sends (a loop of errors stops being recorded). */
export const MAX_ERROR_EVENTS_PER_VIEW = 50;
export const MAX_NETWORK_EVENTS_PER_VIEW = 200;
