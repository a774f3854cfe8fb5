import { ELEMENT_GRID_CELLS, MAX_PAGE_COORDINATE_PX, PAGE_CELL_PX } from './heatmapConstants.js';

/** A page-coordinate cell: `PAGE_CELL_PX` squares counted from the document's top left. */
export interface PageCell {
  cx: number;
  cy: number;
}

const clampCoordinate = (v: number): number =>
  Number.isFinite(v) ? Math.min(Math.max(v, 0), MAX_PAGE_COORDINATE_PX - 1) : 0;

/** The cell of a page position (CSS px); out-of-range positions are clamped to the page. */
export function pageCell(x: number, y: number): PageCell {
  return {
    cx: Math.floor(clampCoordinate(x) / PAGE_CELL_PX),
    cy: Math.floor(clampCoordinate(y) / PAGE_CELL_PX),
  };
}

/** Cells per axis of one storage tile: a tile holds up to `TILE_CELLS`² cells. */
export const TILE_CELLS = 16;
/** Tiles per row of the tile numbering (enough for `MAX_PAGE_COORDINATE_PX`). */
const TILE_COLUMNS = 1024;

/** Where a cell is stored: its tile (a number) and its index inside the tile (0..255). */
export function tileOfCell(cell: PageCell): { tile: number; index: number } {
  const tx = Math.floor(cell.cx / TILE_CELLS);
  const ty = Math.floor(cell.cy / TILE_CELLS);
  return {
    tile: ty * TILE_COLUMNS + tx,
    index: (cell.cy % TILE_CELLS) * TILE_CELLS + (cell.cx % TILE_CELLS),
  };
}

/** The inverse of `tileOfCell`. */
export function cellOfTile(tile: number, index: number): PageCell {
  const tx = tile % TILE_COLUMNS;
  const ty = Math.floor(tile / TILE_COLUMNS);
  return { cx: tx * TILE_CELLS + (index % TILE_CELLS), cy: ty * TILE_CELLS + Math.floor(index / TILE_CELLS) };
}

const clampUnit = (v: number): number => (Number.isFinite(v) ? Math.min(Math.max(v, 0), 1) : 0.5);

/**
 * The cell of a position inside an element (`rx`, `ry` in 0..1) on an `ELEMENT_GRID_CELLS`² grid,
 * as one index (row-major). Relative positions line up across layouts of different widths.
 */
export function elementCell(rx: number, ry: number): number {
  const n = ELEMENT_GRID_CELLS;
  const col = Math.min(n - 1, Math.floor(clampUnit(rx) * n));
  const row = Math.min(n - 1, Math.floor(clampUnit(ry) * n));
  return row * n + col;
}

/** The centre of an element cell, as a relative position (0..1). */
export function elementCellCenter(index: number): { rx: number; ry: number } {
  const n = ELEMENT_GRID_CELLS;
  return { rx: ((index % n) + 0.5) / n, ry: (Math.floor(index / n) + 0.5) / n };
}
