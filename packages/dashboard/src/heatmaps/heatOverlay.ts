import type { Box, HeatPoint } from './heatPoints';

/** Canvas sizes browsers refuse beyond (height), CSS px. */
export const MAX_CANVAS_PX = 16_000;

/** Blue → cyan → green → yellow → red, 256 entries of RGB. */
function buildPalette(): Uint8ClampedArray {
  const stops: Array<[number, [number, number, number]]> = [
    [0, [0, 0, 255]],
    [0.25, [0, 255, 255]],
    [0.5, [0, 255, 0]],
    [0.75, [255, 255, 0]],
    [1, [255, 0, 0]],
  ];
  const lut = new Uint8ClampedArray(256 * 3);
  for (let i = 0; i < 256; i++) {
    const t = i / 255;
    let k = 0;
    while (k < stops.length - 2 && t > stops[k + 1]![0]) k++;
    const [t0, c0] = stops[k]!;
    const [t1, c1] = stops[k + 1]!;
    const f = (t - t0) / (t1 - t0);
    for (let c = 0; c < 3; c++) lut[i * 3 + c] = c0[c]! + (c1[c]! - c0[c]!) * f;
  }
  return lut;
}
const PALETTE = buildPalette();

/** The colour of an intensity 0..1, as CSS (legends, the scroll bands). */
export function heatColour(t: number, alpha = 1): string {
  const i = Math.round(Math.min(1, Math.max(0, t)) * 255) * 3;
  return `rgba(${PALETTE[i]}, ${PALETTE[i + 1]}, ${PALETTE[i + 2]}, ${alpha})`;
}

export interface HeatStyle {
  /** Radius of one point's blur, CSS px. */
  radius: number;
  /** Overall opacity 0..1. */
  opacity: number;
  /** The weight drawn at full intensity (shared by both sides when comparing). */
  max: number;
}

/**
 * Draws weighted points as a heat map: each point adds a soft disc of alpha in proportion to its
 * weight, then the accumulated intensity is coloured through the palette.
 */
export function drawHeat(canvas: HTMLCanvasElement, points: readonly HeatPoint[], style: HeatStyle): void {
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const { width, height } = canvas;
  ctx.clearRect(0, 0, width, height);
  if (points.length === 0 || style.max <= 0) return;
  const r = Math.max(2, style.radius);
  // One pre-rendered disc, stamped with varying alpha: far cheaper than a gradient per point.
  const disc = document.createElement('canvas');
  disc.width = disc.height = r * 2;
  const dctx = disc.getContext('2d')!;
  const gradient = dctx.createRadialGradient(r, r, 0, r, r, r);
  gradient.addColorStop(0, 'rgba(0,0,0,1)');
  gradient.addColorStop(1, 'rgba(0,0,0,0)');
  dctx.fillStyle = gradient;
  dctx.fillRect(0, 0, r * 2, r * 2);
  for (const p of points) {
    ctx.globalAlpha = Math.min(1, Math.max(0.02, p.weight / style.max));
    ctx.drawImage(disc, p.x - r, p.y - r);
  }
  ctx.globalAlpha = 1;
  const image = ctx.getImageData(0, 0, width, height);
  const data = image.data;
  for (let i = 0; i < data.length; i += 4) {
    const a = data[i + 3]!;
    if (a === 0) continue;
    const c = a * 3;
    data[i] = PALETTE[c]!;
    data[i + 1] = PALETTE[c + 1]!;
    data[i + 2] = PALETTE[c + 2]!;
    data[i + 3] = Math.min(255, (a * 0.6 + 100) * style.opacity);
  }
  ctx.putImageData(image, 0, 0);
}

/** Scroll reach as colour bands, with the average fold as a dashed line. */
export function drawScroll(
  canvas: HTMLCanvasElement,
  bands: ReadonlyArray<{ y0: number; y1: number; share: number }>,
  foldPx: number,
  opacity: number,
): void {
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  for (const b of bands) {
    ctx.fillStyle = heatColour(b.share, 0.55 * opacity);
    ctx.fillRect(0, b.y0, canvas.width, Math.ceil(b.y1 - b.y0));
  }
  if (foldPx > 0) {
    ctx.setLineDash([10, 6]);
    ctx.strokeStyle = `rgba(17, 24, 39, ${Math.max(0.5, opacity)})`;
    ctx.lineWidth = 3;
    ctx.beginPath();
    ctx.moveTo(0, foldPx);
    ctx.lineTo(canvas.width, foldPx);
    ctx.stroke();
    ctx.setLineDash([]);
  }
}

/** Outlines the selected element. */
export function drawHighlight(canvas: HTMLCanvasElement, box: Box | null): void {
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  if (!box) return;
  ctx.lineWidth = 3;
  ctx.strokeStyle = '#111827';
  ctx.strokeRect(box.left - 2, box.top - 2, box.width + 4, box.height + 4);
  ctx.lineWidth = 1.5;
  ctx.strokeStyle = '#ffffff';
  ctx.strokeRect(box.left - 4, box.top - 4, box.width + 8, box.height + 8);
}

/**
 * The PNG export: a text-free wireframe of the snapshot (element boxes only), the overlay and the
 * highlight on top. The rebuilt page itself cannot be rasterised from a sandboxed frame, and the
 * wireframe carries no content.
 */
export function composePng(
  width: number,
  height: number,
  boxes: readonly Box[],
  layers: readonly HTMLCanvasElement[],
): HTMLCanvasElement {
  const out = document.createElement('canvas');
  out.width = width;
  out.height = Math.min(height, MAX_CANVAS_PX);
  const ctx = out.getContext('2d')!;
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, out.width, out.height);
  ctx.strokeStyle = 'rgba(100, 116, 139, 0.45)';
  ctx.lineWidth = 1;
  for (const b of boxes) ctx.strokeRect(b.left + 0.5, b.top + 0.5, b.width, b.height);
  for (const layer of layers) ctx.drawImage(layer, 0, 0);
  return out;
}
