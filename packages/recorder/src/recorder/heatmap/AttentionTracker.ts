import {
  ATTENTION_REST_CAP_MS,
  type HeatmapAttentionPayload,
  MAX_ATTENTION_CELLS_PER_EVENT,
  MAX_ATTENTION_ELEMENTS_PER_EVENT,
  pageCell,
} from '@veil/core';

export interface AttentionTracker {
  /** The pointer is at page position (x, y) over element `el` (its path) at time `t`. */
  move(t: number, x: number, y: number, el: string | null): void;
  /** The pointer left the page or the page hid: attention stops until the next move. */
  pause(t: number): void;
  /** Takes what accumulated until `t` (the pointer stays where it is), or null when nothing did. */
  take(t: number, path: string, vw: number): HeatmapAttentionPayload | null;
}

/**
 * Pointer dwell: the time the mouse pointer rested in each page cell and over each element. Each
 * move credits the time since the previous one to where the pointer was, at most
 * `ATTENTION_REST_CAP_MS` per rest (a pointer left alone is not attention).
 */
export function createAttentionTracker(): AttentionTracker {
  let cells = new Map<string, number>();
  let els = new Map<string, number>();
  /** Where the pointer rests: since when, how much of the rest was credited, cell and element. */
  let at: { since: number; credited: number; cell: string; el: string | null } | null = null;
  const add = (map: Map<string, number>, key: string, ms: number) => map.set(key, (map.get(key) ?? 0) + ms);
  const credit = (t: number) => {
    if (!at) return;
    const total = Math.min(Math.max(0, t - at.since), ATTENTION_REST_CAP_MS);
    const ms = total - at.credited;
    if (ms <= 0) return;
    at.credited = total;
    add(cells, at.cell, ms);
    if (at.el) add(els, at.el, ms);
  };
  const list = <T>(map: Map<string, number>, max: number, row: (key: string, ms: number) => T): T[] =>
    [...map]
      .filter(([, ms]) => ms >= 1)
      .slice(0, max)
      .map(([key, ms]) => row(key, Math.round(ms)));
  return {
    move(t, x, y, el) {
      credit(t);
      const { cx, cy } = pageCell(x, y);
      at = { since: t, credited: 0, cell: `${cx},${cy}`, el };
    },
    pause(t) {
      credit(t);
      at = null;
    },
    take(t, path, vw) {
      credit(t);
      const payload: HeatmapAttentionPayload = {
        path,
        vw,
        cells: list(cells, MAX_ATTENTION_CELLS_PER_EVENT, (key, ms) => {
          const [cx, cy] = key.split(',').map(Number) as [number, number];
          return [cx, cy, ms];
        }),
        els: list(els, MAX_ATTENTION_ELEMENTS_PER_EVENT, (key, ms) => [key, ms]),
      };
      cells = new Map();
      els = new Map();
      return payload.cells.length > 0 || payload.els.length > 0 ? payload : null;
    },
  };
}
