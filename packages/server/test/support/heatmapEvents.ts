import {
  EventType,
  type HeatmapAttentionPayload,
  type HeatmapClickPayload,
  type HeatmapScrollPayload,
  HeatmapTag,
  type HeatmapViewPayload,
  type RecordedEvent,
  type SerializedNodeLike,
  VeilCustomTag,
} from '@veil/core';

/** Builders of the recorder's heatmap events, for server tests. */
const custom = (timestamp: number, tag: string, payload: object): RecordedEvent => ({
  type: EventType.Custom,
  timestamp,
  data: { tag, payload },
});

export function viewEvent(t: number, over: Partial<HeatmapViewPayload> = {}): RecordedEvent {
  return custom(t, HeatmapTag.View, {
    path: '/',
    mode: 'replay',
    vw: 1280,
    vh: 800,
    dw: 1280,
    dh: 2400,
    ref: 'direct',
    nv: true,
    ...over,
  } satisfies HeatmapViewPayload);
}

export function clickEvent(t: number, over: Partial<HeatmapClickPayload> = {}): RecordedEvent {
  return custom(t, HeatmapTag.Click, {
    path: '/',
    el: 'main#main>button:nth-of-type(1)',
    rx: 0.5,
    ry: 0.5,
    x: 100,
    y: 100,
    vw: 1280,
    vh: 800,
    dw: 1280,
    dh: 2400,
    rage: false,
    dead: false,
    ...over,
  } satisfies HeatmapClickPayload);
}

export function scrollEvent(t: number, over: Partial<HeatmapScrollPayload> = {}): RecordedEvent {
  return custom(t, HeatmapTag.Scroll, { path: '/', vw: 1280, vh: 800, dh: 2400, pct: 50, ...over });
}

export function attentionEvent(t: number, over: Partial<HeatmapAttentionPayload> = {}): RecordedEvent {
  return custom(t, HeatmapTag.Attention, { path: '/', vw: 1280, cells: [], els: [], ...over });
}

export function layoutEvent(t: number, path: string, node: SerializedNodeLike, vw = 390): RecordedEvent {
  return custom(t, HeatmapTag.Layout, { path, vw, vh: 800, dw: vw, dh: 1600, node });
}

export function tagEvent(t: number, key: string, value: string): RecordedEvent {
  return custom(t, VeilCustomTag.Tag, { key, value });
}
