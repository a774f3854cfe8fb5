import type { ConsentStatsRow } from './complianceApi';

/** One point of the chart: a time bucket's decisions and rates (null when nobody decided). */
export interface ConsentPoint {
  start: number;
  granted: number;
  denied: number;
  withdrawn: number;
  /** granted / (granted + denied) */
  optInRate: number | null;
  /** (denied + withdrawn) / (granted + denied + withdrawn) */
  optOutRate: number | null;
}

export interface ConsentFilter {
  /** `null`: every source. */
  source: string | null;
  /** `null`: every region; `''`: unknown region. */
  region: string | null;
}

function rates(p: { granted: number; denied: number; withdrawn: number }) {
  const decided = p.granted + p.denied;
  const all = decided + p.withdrawn;
  return {
    optInRate: decided === 0 ? null : p.granted / decided,
    optOutRate: all === 0 ? null : (p.denied + p.withdrawn) / all,
  };
}

/** Every bucket of the window in order (empty ones too), summed over the rows the filter keeps. */
export function consentSeries(
  rows: readonly ConsentStatsRow[],
  window: { from: number; to: number; bucketMs: number },
  filter: ConsentFilter,
): ConsentPoint[] {
  const points: ConsentPoint[] = [];
  const index = new Map<number, ConsentPoint>();
  for (let start = window.from; start < window.to; start += window.bucketMs) {
    const p: ConsentPoint = { start, granted: 0, denied: 0, withdrawn: 0, optInRate: null, optOutRate: null };
    points.push(p);
    index.set(start, p);
  }
  for (const r of rows) {
    if (filter.source !== null && r.source !== filter.source) continue;
    if (filter.region !== null && (r.region ?? '') !== filter.region) continue;
    const p = index.get(r.start);
    if (!p) continue;
    p.granted += r.granted;
    p.denied += r.denied;
    p.withdrawn += r.withdrawn;
  }
  for (const p of points) Object.assign(p, rates(p));
  return points;
}

export interface ConsentBreakdown {
  key: string;
  granted: number;
  denied: number;
  withdrawn: number;
  optInRate: number | null;
  optOutRate: number | null;
}

/** Totals by source or by region (unknown region as `''`), most decisions first. */
export function consentBreakdown(
  rows: readonly ConsentStatsRow[],
  by: 'source' | 'region',
): ConsentBreakdown[] {
  const totals = new Map<string, { granted: number; denied: number; withdrawn: number }>();
  for (const r of rows) {
    const key = by === 'source' ? r.source : (r.region ?? '');
    const t = totals.get(key) ?? { granted: 0, denied: 0, withdrawn: 0 };
    t.granted += r.granted;
    t.denied += r.denied;
    t.withdrawn += r.withdrawn;
    totals.set(key, t);
  }
  return [...totals.entries()]
    .map(([key, t]) => ({ key, ...t, ...rates(t) }))
    .sort(
      (a, b) =>
        b.granted + b.denied + b.withdrawn - (a.granted + a.denied + a.withdrawn) ||
        a.key.localeCompare(b.key),
    );
}

export interface ChartGeometry {
  width: number;
  height: number;
  padLeft: number;
  padBottom: number;
  padTop: number;
  padRight: number;
}

/**
 * The SVG path of a rate over the points: x by bucket, y from 0 % (bottom) to 100 % (top); a gap
 * (no decision in a bucket) breaks the line instead of drawing it to zero.
 */
export function ratePath(
  points: readonly ConsentPoint[],
  rate: 'optInRate' | 'optOutRate',
  g: ChartGeometry,
): string {
  const innerW = g.width - g.padLeft - g.padRight;
  const innerH = g.height - g.padTop - g.padBottom;
  const step = points.length > 1 ? innerW / (points.length - 1) : 0;
  let d = '';
  let pen = false;
  points.forEach((p, i) => {
    const v = p[rate];
    if (v === null) {
      pen = false;
      return;
    }
    const x = g.padLeft + (points.length > 1 ? i * step : innerW / 2);
    const y = g.padTop + innerH * (1 - v);
    d += `${pen ? 'L' : 'M'}${x.toFixed(1)} ${y.toFixed(1)} `;
    pen = true;
  });
  return d.trim();
}

export function formatRate(rate: number | null): string {
  return rate === null ? '–' : `${Math.round(rate * 100)} %`;
}
