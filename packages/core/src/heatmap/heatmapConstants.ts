// Kept free of zod: the browser SDK imports these without the schemas.

/** Side of one page-coordinate cell of click and attention maps, in CSS pixels. */
export const PAGE_CELL_PX = 16;
/** Cells per axis of the grid of click positions inside an element (positions relative to it). */
export const ELEMENT_GRID_CELLS = 8;
/** Page coordinates beyond this (either axis) are clamped: no page is taller than this, in CSS px. */
export const MAX_PAGE_COORDINATE_PX = 200_000;

/** A click is part of a rage burst when at least this many clicks... */
export const RAGE_CLICK_MIN_CLICKS = 3;
/** ...fall within this time from the burst's first click... */
export const RAGE_CLICK_WINDOW_MS = 1_000;
/** ...and within this distance of the burst's first click (page coordinates, CSS px). */
export const RAGE_CLICK_RADIUS_PX = 30;

/** A click is dead when nothing responds (DOM mutation, navigation, scroll) within this time. */
export const DEAD_CLICK_WINDOW_MS = 2_000;
/** A `pointerdown` at most this long before its click opens the click's response window. */
export const POINTER_DOWN_LEAD_MAX_MS = 1_000;

/** A touch tap this soon after the page scrolled stopped a fling: noise, not a click. */
export const ACCIDENTAL_TAP_AFTER_SCROLL_MS = 250;

/** The pointer resting longer than this earns no more attention (the visitor may be away). */
export const ATTENTION_REST_CAP_MS = 5_000;
/** The recorder sends accumulated attention at this interval (and when the page hides). */
export const ATTENTION_FLUSH_INTERVAL_MS = 10_000;
/** Most cells and elements one attention event carries (the rest waits for the next). */
export const MAX_ATTENTION_CELLS_PER_EVENT = 2_000;
export const MAX_ATTENTION_ELEMENTS_PER_EVENT = 500;

/** Longest element path (CSS selector) a heatmap event carries, in characters. */
export const MAX_ELEMENT_PATH_CHARS = 1_024;
/** Longest page path a heatmap event carries, in characters. */
export const MAX_PAGE_PATH_CHARS = 2_048;

/** k of k-anonymity: an element or cell is shown only when this many sessions contributed. */
export const DEFAULT_HEATMAP_MIN_SESSIONS = 5;
/**
 * Minimum cohort of heatmaps, in distinct visitors: a heatmap query (page, date range, device class,
 * segment) is answered only when every day and device class it adds up holds at least this many
 * distinct visitors, else it is refused whole (`cohort_too_small`), so that neither a narrow
 * segment nor the difference of two overlapping queries isolates one person. Set by
 * `VEIL_HEATMAP_MIN_COHORT`.
 */
export const DEFAULT_HEATMAP_MIN_COHORT = 20;
/** The lowest minimum cohort the configuration accepts: never one visitor alone. */
export const MIN_HEATMAP_MIN_COHORT = 2;
export const MAX_HEATMAP_MIN_COHORT = 1_000;
/** The lowest k a policy may set: a heatmap never shows what one session did alone. */
export const MIN_HEATMAP_MIN_SESSIONS = 2;
export const MAX_HEATMAP_MIN_SESSIONS = 1_000;
