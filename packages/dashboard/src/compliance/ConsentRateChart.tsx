import { MS_PER_DAY } from '@veil/core';
import { type ChartGeometry, type ConsentPoint, formatRate, ratePath } from './consentSeries';

const GEOMETRY: ChartGeometry = {
  width: 720,
  height: 240,
  padLeft: 44,
  padRight: 12,
  padTop: 12,
  padBottom: 28,
};
const dayFormat = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' });
const hourFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });

export interface ConsentRateChartProps {
  points: readonly ConsentPoint[];
  bucketMs: number;
  /** Accessible name of the chart. */
  label: string;
}

/**
 * Opt-in and opt-out rates over time as an SVG line chart (0–100 %), with a table of the same
 * numbers for screen readers and for reading exact values. A bucket without decisions breaks
 * the line rather than dropping it to zero.
 */
export function ConsentRateChart({ points, bucketMs, label }: ConsentRateChartProps) {
  const g = GEOMETRY;
  const innerH = g.height - g.padTop - g.padBottom;
  const innerW = g.width - g.padLeft - g.padRight;
  const fmt = bucketMs < MS_PER_DAY ? hourFormat : dayFormat;
  const ticks = [0, 0.25, 0.5, 0.75, 1];
  const labelEvery = Math.max(1, Math.ceil(points.length / 8));
  const x = (i: number) => g.padLeft + (points.length > 1 ? (i * innerW) / (points.length - 1) : innerW / 2);
  return (
    <figure className="consent-chart" data-testid="consent-chart">
      <svg
        viewBox={`0 0 ${g.width} ${g.height}`}
        role="img"
        aria-label={label}
        className="consent-chart__svg"
      >
        {ticks.map((t) => {
          const y = g.padTop + innerH * (1 - t);
          return (
            <g key={t}>
              <line x1={g.padLeft} x2={g.width - g.padRight} y1={y} y2={y} className="consent-chart__grid" />
              <text x={g.padLeft - 6} y={y + 4} textAnchor="end" className="consent-chart__tick">
                {Math.round(t * 100)} %
              </text>
            </g>
          );
        })}
        {points.map((p, i) =>
          i % labelEvery === 0 ? (
            <text key={p.start} x={x(i)} y={g.height - 8} textAnchor="middle" className="consent-chart__tick">
              {fmt.format(p.start)}
            </text>
          ) : null,
        )}
        <path
          d={ratePath(points, 'optInRate', g)}
          className="consent-chart__line consent-chart__line--in"
          data-testid="opt-in-line"
        />
        <path
          d={ratePath(points, 'optOutRate', g)}
          className="consent-chart__line consent-chart__line--out"
          data-testid="opt-out-line"
        />
        {points.map((p, i) =>
          (['optInRate', 'optOutRate'] as const).map((rate) =>
            p[rate] === null ? null : (
              <circle
                key={`${p.start}-${rate}`}
                cx={x(i)}
                cy={g.padTop + innerH * (1 - (p[rate] ?? 0))}
                r={2.5}
                className={`consent-chart__dot consent-chart__dot--${rate === 'optInRate' ? 'in' : 'out'}`}
              />
            ),
          ),
        )}
      </svg>
      <figcaption className="consent-chart__legend">
        <span className="legend legend--in">Opt-in rate: granted ÷ (granted + refused)</span>
        <span className="legend legend--out">Opt-out rate: (refused + withdrawn) ÷ all decisions</span>
      </figcaption>
      <details className="consent-chart__data">
        <summary>The numbers</summary>
        <div className="table-wrap">
          <table className="table table--compact">
            <caption className="visually-hidden">{label}, per period</caption>
            <thead>
              <tr>
                <th scope="col">Period</th>
                <th scope="col" className="num">
                  Granted
                </th>
                <th scope="col" className="num">
                  Refused
                </th>
                <th scope="col" className="num">
                  Withdrawn
                </th>
                <th scope="col" className="num">
                  Opt-in
                </th>
                <th scope="col" className="num">
                  Opt-out
                </th>
              </tr>
            </thead>
            <tbody>
              {points.map((p) => (
                <tr key={p.start}>
                  <th scope="row">{fmt.format(p.start)}</th>
                  <td className="num">{p.granted}</td>
                  <td className="num">{p.denied}</td>
                  <td className="num">{p.withdrawn}</td>
                  <td className="num">{formatRate(p.optInRate)}</td>
                  <td className="num">{formatRate(p.optOutRate)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}
