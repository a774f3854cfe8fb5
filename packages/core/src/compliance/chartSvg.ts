/**
 * Charts of the compliance pack as plain SVG strings (server-side, no DOM): the PDF and the HTML
 * pack embed them; the dashboard draws the same series with its charting library. Every chart is
 * `role="img"` with a title and a description that states the numbers, so it reads without sight.
 */

export interface BarDatum {
  label: string;
  /** Between 0 and `max`. */
  value: number;
  /** Shown at the end of the bar instead of the value. */
  text?: string;
}

export interface LineDatum {
  x: number;
  /** Between 0 and `max`, or null for a gap. */
  y: number | null;
}

const escapeXml = (text: string): string =>
  text.replace(
    /[<>&"']/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

const round = (n: number): string => (Math.round(n * 10) / 10).toString();

/** Horizontal bars, one per datum, scaled to `max`. */
export function barChartSvg(options: {
  title: string;
  data: readonly BarDatum[];
  max: number;
  width?: number;
}): string {
  const width = options.width ?? 560;
  const labelWidth = 170;
  const barHeight = 20;
  const gap = 8;
  const height = Math.max(1, options.data.length) * (barHeight + gap) + 30;
  const plot = width - labelWidth - 60;
  const desc = options.data.map((d) => `${d.label}: ${d.text ?? d.value}`).join('; ') || 'no data';
  const bars = options.data
    .map((d, i) => {
      const y = 24 + i * (barHeight + gap);
      const w = options.max > 0 ? Math.max(0, Math.min(1, d.value / options.max)) * plot : 0;
      return (
        `<text x="${labelWidth - 6}" y="${y + 14}" text-anchor="end" font-size="12">${escapeXml(d.label)}</text>` +
        `<rect x="${labelWidth}" y="${y}" width="${round(w)}" height="${barHeight}" fill="#2f6f8f"/>` +
        `<text x="${round(labelWidth + w + 6)}" y="${y + 14}" font-size="12">${escapeXml(d.text ?? String(d.value))}</text>`
      );
    })
    .join('');
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" role="img" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif">` +
    `<title>${escapeXml(options.title)}</title><desc>${escapeXml(desc)}</desc>` +
    `<text x="0" y="14" font-size="13" font-weight="bold">${escapeXml(options.title)}</text>${bars}</svg>`
  );
}

/** A line over time (x in ms), y scaled to `max`, with the first and last x labelled. */
export function lineChartSvg(options: {
  title: string;
  data: readonly LineDatum[];
  max: number;
  formatX: (x: number) => string;
  formatY: (y: number) => string;
  width?: number;
}): string {
  const width = options.width ?? 560;
  const height = 200;
  const left = 44;
  const top = 24;
  const plotW = width - left - 16;
  const plotH = height - top - 30;
  const xs = options.data.map((d) => d.x);
  const minX = Math.min(...xs);
  const maxX = Math.max(...xs);
  const px = (x: number) => left + (maxX === minX ? plotW / 2 : ((x - minX) / (maxX - minX)) * plotW);
  const py = (y: number) => top + plotH - (options.max > 0 ? Math.min(1, y / options.max) : 0) * plotH;
  let path = '';
  let pen = false;
  for (const d of options.data) {
    if (d.y === null) {
      pen = false;
      continue;
    }
    path += `${pen ? 'L' : 'M'}${round(px(d.x))} ${round(py(d.y))}`;
    pen = true;
  }
  const points = options.data
    .filter((d) => d.y !== null)
    .map((d) => `<circle cx="${round(px(d.x))}" cy="${round(py(d.y ?? 0))}" r="3" fill="#2f6f8f"/>`)
    .join('');
  const desc =
    options.data
      .filter((d) => d.y !== null)
      .map((d) => `${options.formatX(d.x)}: ${options.formatY(d.y ?? 0)}`)
      .join('; ') || 'no data';
  const axis =
    `<line x1="${left}" y1="${top + plotH}" x2="${left + plotW}" y2="${top + plotH}" stroke="#888"/>` +
    `<line x1="${left}" y1="${top}" x2="${left}" y2="${top + plotH}" stroke="#888"/>` +
    `<text x="${left - 4}" y="${top + 4}" text-anchor="end" font-size="11">${escapeXml(options.formatY(options.max))}</text>` +
    `<text x="${left - 4}" y="${top + plotH}" text-anchor="end" font-size="11">${escapeXml(options.formatY(0))}</text>` +
    (options.data.length > 0
      ? `<text x="${left}" y="${height - 8}" font-size="11">${escapeXml(options.formatX(minX))}</text>` +
        `<text x="${left + plotW}" y="${height - 8}" text-anchor="end" font-size="11">${escapeXml(options.formatX(maxX))}</text>`
      : '');
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" role="img" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif">` +
    `<title>${escapeXml(options.title)}</title><desc>${escapeXml(desc)}</desc>` +
    `<text x="0" y="14" font-size="13" font-weight="bold">${escapeXml(options.title)}</text>${axis}` +
    (path ? `<path d="${path}" fill="none" stroke="#2f6f8f" stroke-width="2"/>` : '') +
    `${points}</svg>`
  );
}
