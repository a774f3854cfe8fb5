/**
 * The subset of rrweb's wire vocabulary Veil reads. Numbers are rrweb's own (`@rrweb/types`),
 * restated here so that core stays dependency-free and isomorphic.
 */
export const EventType = {
  DomContentLoaded: 0,
  Load: 1,
  FullSnapshot: 2,
  IncrementalSnapshot: 3,
  Meta: 4,
  Custom: 5,
  Plugin: 6,
} as const;
export type EventType = (typeof EventType)[keyof typeof EventType];

export const IncrementalSource = {
  Mutation: 0,
  MouseMove: 1,
  MouseInteraction: 2,
  Scroll: 3,
  ViewportResize: 4,
  Input: 5,
  TouchMove: 6,
  MediaInteraction: 7,
  StyleSheetRule: 8,
  CanvasMutation: 9,
  Font: 10,
  Log: 11,
  Drag: 12,
  StyleDeclaration: 13,
  Selection: 14,
  AdoptedStyleSheet: 15,
  CustomElement: 16,
} as const;
export type IncrementalSource = (typeof IncrementalSource)[keyof typeof IncrementalSource];

export const MouseInteraction = {
  MouseUp: 0,
  MouseDown: 1,
  Click: 2,
  ContextMenu: 3,
  DblClick: 4,
  Focus: 5,
  Blur: 6,
  TouchStart: 7,
  TouchMove_Departed: 8,
  TouchEnd: 9,
  TouchCancel: 10,
} as const;

/** rrweb serialised node types. */
export const NodeType = {
  Document: 0,
  DocumentType: 1,
  Element: 2,
  Text: 3,
  CDATA: 4,
  Comment: 5,
} as const;

/** Veil's own custom event tags (rrweb `Custom` events with `data.tag`). */
export const VeilCustomTag = {
  /** A page view inside the session: `{ url, title }` (URL already sanitised). */
  PageView: 'veil.pageview',
  /** `veil('tag', key, value)`: `{ key, value }`. */
  Tag: 'veil.tag',
  /** `veil('identify', userId)`: `{ userId }`; the server replaces the id by its keyed hash. */
  Identify: 'veil.identify',
  /** A console error or uncaught exception: `ErrorEventPayload` (redacted, capped). */
  Error: 'veil.error',
  /** One network request's metadata: `NetworkEventPayload` (never headers or bodies). */
  Network: 'veil.net',
} as const;
