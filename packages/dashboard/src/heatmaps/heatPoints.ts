import { elementCellCenter } from '@veil/core';
import type { AttentionHeatmap, ClickHeatmap } from './heatmapApi';

/** One weighted point of a heat overlay, in page coordinates (CSS px) of the snapshot. */
export interface HeatPoint {
  x: number;
  y: number;
  weight: number;
}

/** Where an element sits in the rebuilt snapshot, page coordinates. */
export interface Box {
  left: number;
  top: number;
  width: number;
  height: number;
}

export type ClickMetric = 'click' | 'rage' | 'dead';

const metricIndex = { click: 0, rage: 1, dead: 2 } as const;

/**
 * Click points to draw. By element, each click cell of an element is placed at its relative
 * position inside the element as this snapshot lays it out, so clicks line up whatever the width
 * they were made at; elements the snapshot does not have are returned in `missing`. By page, the
 * cells sit where they were clicked.
 */
export function clickPoints(
  data: ClickHeatmap,
  metric: ClickMetric,
  by: 'element' | 'page',
  boxOf: (path: string) => Box | null,
): { points: HeatPoint[]; missing: string[] } {
  const points: HeatPoint[] = [];
  const missing: string[] = [];
  if (by === 'page') {
    const at = metric === 'click' ? 2 : metric === 'rage' ? 3 : 4;
    for (const cell of data.cells) {
      const weight = cell[at]!;
      if (weight > 0)
        points.push({ x: (cell[0] + 0.5) * data.cellPx, y: (cell[1] + 0.5) * data.cellPx, weight });
    }
    return { points, missing };
  }
  for (const e of data.elements) {
    const box = boxOf(e.path);
    if (!box) {
      missing.push(e.path);
      continue;
    }
    for (const [cell, ...counts] of e.grid) {
      const weight = counts[metricIndex[metric]]!;
      if (weight <= 0) continue;
      const { rx, ry } = elementCellCenter(cell);
      points.push({ x: box.left + rx * box.width, y: box.top + ry * box.height, weight });
    }
  }
  return { points, missing };
}

/** Attention points: dwell per page cell. */
export function attentionPoints(data: AttentionHeatmap): HeatPoint[] {
  return data.cells.map(([cx, cy, ms]) => ({
    x: (cx + 0.5) * data.cellPx,
    y: (cy + 0.5) * data.cellPx,
    weight: ms,
  }));
}

/** The largest weight (the top of the colour scale); 0 when there is nothing. */
export function maxWeight(points: readonly HeatPoint[]): number {
  let max = 0;
  for (const p of points) if (p.weight > max) max = p.weight;
  return max;
}

/** Scroll reach as bands down the page: from `y0` to `y1` (px), `share` of page views got there. */
export function scrollBands(
  reach: readonly number[],
  height: number,
): Array<{ y0: number; y1: number; share: number }> {
  const bands: Array<{ y0: number; y1: number; share: number }> = [];
  if (reach.length < 2 || height <= 0) return bands;
  for (let d = 0; d < 100; d++) {
    bands.push({ y0: (d / 100) * height, y1: ((d + 1) / 100) * height, share: reach[d + 1] ?? 0 });
  }
  return bands;
}

/** The depth (percent) that `share` of the page views reached, e.g. where half the visitors stop. */
export function depthReachedBy(reach: readonly number[], share: number): number {
  let depth = 0;
  for (let d = 0; d < reach.length; d++) if ((reach[d] ?? 0) >= share) depth = d;
  return depth;
}
