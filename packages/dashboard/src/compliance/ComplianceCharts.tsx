import type { ComplianceReport } from '@veil/core';
import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, Tooltip, XAxis, YAxis } from 'recharts';

const COLORS = ['#2f6f8f', '#b35c00', '#4f7f2f', '#8a3b8f', '#6b6b6b', '#a3312a'];
const day = (ms: number) => new Date(ms).toISOString().slice(5, 10);
const pct = (r: number | null | undefined) => (r == null ? '–' : `${Math.round(r * 100)} %`);

/**
 * A chart with its numbers as a table for screen readers: the drawing is `aria-hidden`, the
 * table is the accessible version (and what a keyboard user can read cell by cell).
 */
function ChartFigure(props: {
  id: string;
  caption: string;
  children: React.ReactNode;
  table: React.ReactNode;
}) {
  return (
    <figure className="compliance-chart" aria-labelledby={`${props.id}-caption`} data-testid={props.id}>
      <figcaption id={`${props.id}-caption`} className="compliance-chart__caption">
        {props.caption}
      </figcaption>
      <div aria-hidden="true">{props.children}</div>
      <table className="visually-hidden">
        <caption>{props.caption}</caption>
        {props.table}
      </table>
    </figure>
  );
}

/** Readiness per area (0–2), as bars. */
export function ReadinessChart({ readiness }: { readiness: ComplianceReport['readiness'] }) {
  const data = readiness.areas.map((a) => ({ name: a.title, score: a.score }));
  return (
    <ChartFigure
      id="readiness-chart"
      caption={`Readiness by area: ${readiness.score} of ${readiness.max}`}
      table={
        <tbody>
          {data.map((d) => (
            <tr key={d.name}>
              <th scope="row">{d.name}</th>
              <td>{d.score} of 2</td>
            </tr>
          ))}
        </tbody>
      }
    >
      <BarChart width={640} height={300} data={data} layout="vertical" margin={{ left: 40, right: 20 }}>
        <CartesianGrid strokeDasharray="3 3" horizontal={false} />
        <XAxis type="number" domain={[0, 2]} ticks={[0, 1, 2]} />
        <YAxis type="category" dataKey="name" width={150} />
        <Tooltip />
        <Bar dataKey="score" fill={COLORS[0]} isAnimationActive={false} />
      </BarChart>
    </ChartFigure>
  );
}

/** The readiness score of each monthly summary and now. */
export function ReadinessTrendChart({
  trend,
  now,
}: {
  trend: readonly { month: string; score: number }[];
  now: number;
}) {
  const data = [...trend.map((t) => ({ label: t.month, score: t.score })), { label: 'now', score: now }];
  return (
    <ChartFigure
      id="readiness-trend"
      caption="Readiness score by month"
      table={
        <tbody>
          {data.map((d) => (
            <tr key={d.label}>
              <th scope="row">{d.label}</th>
              <td>{d.score} of 20</td>
            </tr>
          ))}
        </tbody>
      }
    >
      <LineChart width={640} height={220} data={data} margin={{ left: 0, right: 20 }}>
        <CartesianGrid strokeDasharray="3 3" />
        <XAxis dataKey="label" />
        <YAxis domain={[0, 20]} />
        <Tooltip />
        <Line dataKey="score" stroke={COLORS[0]} isAnimationActive={false} />
      </LineChart>
    </ChartFigure>
  );
}

/** Opt-in rate per day, one line per region. */
export function RegionOptInChart({ consent }: { consent: ComplianceReport['consent'] }) {
  const regions = [...new Set(consent.dailyByRegion.map((r) => r.region))].sort();
  const days = [...new Set(consent.dailyByRegion.map((r) => r.day))].sort((a, b) => a - b);
  const data = days.map((d) => {
    const row: Record<string, number | string | null> = { day: day(d) };
    for (const region of regions) {
      const found = consent.dailyByRegion.find((r) => r.day === d && r.region === region);
      row[region] = found?.optInRate == null ? null : Math.round(found.optInRate * 100);
    }
    return row;
  });
  return (
    <ChartFigure
      id="region-optin-chart"
      caption="Consent opt-in rate by region over time (percent)"
      table={
        <>
          <thead>
            <tr>
              <th scope="col">Day</th>
              {regions.map((r) => (
                <th key={r} scope="col">
                  {r}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {days.map((d) => (
              <tr key={d}>
                <th scope="row">{day(d)}</th>
                {regions.map((r) => (
                  <td key={r}>
                    {pct(consent.dailyByRegion.find((x) => x.day === d && x.region === r)?.optInRate)}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </>
      }
    >
      {data.length === 0 ? (
        <p className="muted">No consent decision in this period.</p>
      ) : (
        <LineChart width={640} height={240} data={data} margin={{ left: 0, right: 20 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="day" />
          <YAxis domain={[0, 100]} unit=" %" />
          <Tooltip />
          <Legend />
          {regions.map((r, i) => (
            <Line
              key={r}
              dataKey={r}
              stroke={COLORS[i % COLORS.length]}
              connectNulls
              isAnimationActive={false}
            />
          ))}
        </LineChart>
      )}
    </ChartFigure>
  );
}
