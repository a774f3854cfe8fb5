import type { DeviceClass } from '../wire/deviceClass.js';

/**
 * Veil's heatmap events: rrweb `Custom` events (`data.tag`, `data.payload`) the recorder emits
 * beside (or, in heatmap-only capture, instead of) the replay stream. Every payload is text-free:
 * element paths are tag + nth-of-type + stable ids, never text or attribute values; page paths
 * are sanitised URL paths. Schemas: `heatmapSchemas.ts` (server side, with zod).
 */
export const HeatmapTag = {
  /** One page view's context: `HeatmapViewPayload`. Sent first on every page view. */
  View: 'veil.hm.view',
  /** One click: `HeatmapClickPayload`. */
  Click: 'veil.hm.click',
  /** How far one page view scrolled: `HeatmapScrollPayload`, once per page view. */
  Scroll: 'veil.hm.scroll',
  /** Pointer dwell by cell and element: `HeatmapAttentionPayload`, sent periodically. */
  Attention: 'veil.hm.attention',
  /** Heatmap-only capture: the page's text-free layout snapshot, `HeatmapLayoutPayload`. */
  Layout: 'veil.hm.layout',
} as const;
export type HeatmapTag = (typeof HeatmapTag)[keyof typeof HeatmapTag];

/** Where a session came from, classified in the browser: only the class leaves the page. */
export const REFERRER_CLASSES = ['direct', 'internal', 'search', 'social', 'email', 'paid', 'other'] as const;
export type ReferrerClass = (typeof REFERRER_CLASSES)[number];

/** How a page is captured: a replayable session, or heatmap data only (no replay). */
export type CaptureMode = 'replay' | 'heatmap';

/** Sizes every heatmap event carries, in CSS pixels. */
export interface PageGeometry {
  /** Viewport width and height (`innerWidth`, `innerHeight`). */
  vw: number;
  vh: number;
  /** Document width and height (`scrollWidth`, `scrollHeight` of the root element). */
  dw: number;
  dh: number;
}

export interface HeatmapViewPayload extends PageGeometry {
  /** The page's URL path (no query, no fragment). */
  path: string;
  mode: CaptureMode;
  /** Referrer class of the session's entry page (the same for every view of a session). */
  ref: ReferrerClass;
  /** True when this session is the visitor's first. */
  nv: boolean;
  /** `navigator.webdriver`: the browser is automated (a bot signal). */
  wd?: boolean;
}

export interface HeatmapClickPayload extends PageGeometry {
  path: string;
  /** Element path: a CSS selector of tags, `:nth-of-type()` and stable ids. */
  el: string;
  /** Click position inside the element, 0..1 from its left and top edge. */
  rx: number;
  ry: number;
  /** Click position in page coordinates (CSS px from the document's top left). */
  x: number;
  y: number;
  /** Part of a rage burst (`findRageClicks`). */
  rage: boolean;
  /** Nothing responded (`deadClickVerdict`). */
  dead: boolean;
  /** A touch or pen tap rather than a mouse click. */
  touch?: boolean;
}

export interface HeatmapScrollPayload {
  path: string;
  vw: number;
  /** The fold: viewport height, CSS px. */
  vh: number;
  /** Document height when the page view ended, CSS px. */
  dh: number;
  /** Deepest point reached, percent of the document height (0..100). */
  pct: number;
  /**
   * Set when this page view was reported before (it hid, came back and scrolled deeper): the
   * percentage reported then. The server moves the view from there instead of counting it again.
   */
  prev?: number;
}

/** `[cellX, cellY, milliseconds]`: pointer dwell in one page cell (`PAGE_CELL_PX`). */
export type AttentionCell = [number, number, number];
/** `[elementPath, milliseconds]`: pointer dwell over one element. */
export type AttentionElement = [string, number];

export interface HeatmapAttentionPayload {
  path: string;
  vw: number;
  cells: AttentionCell[];
  els: AttentionElement[];
}

/** A serialised rrweb node (`rrweb-snapshot`), as far as Veil reads it. */
export interface SerializedNodeLike {
  type: number;
  id?: number;
  tagName?: string;
  attributes?: Record<string, unknown>;
  childNodes?: SerializedNodeLike[];
  textContent?: string;
  [key: string]: unknown;
}

export interface HeatmapLayoutPayload extends PageGeometry {
  path: string;
  /** The page's rrweb full snapshot node, text-free (`textFreeSnapshot`). */
  node: SerializedNodeLike;
}

/** Which heatmap a query or overlay shows. */
export const HEATMAP_MODES = ['click', 'scroll', 'attention', 'rage', 'dead'] as const;
export type HeatmapMode = (typeof HEATMAP_MODES)[number];

export type { DeviceClass };
