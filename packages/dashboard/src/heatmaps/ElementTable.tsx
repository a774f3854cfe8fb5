import type { HeatmapMode } from '@veil/core';
import type { AttentionHeatmap, ClickHeatmap } from './heatmapApi';

export interface ElementRow {
  path: string;
  /** The figure the table is ranked by in this mode. */
  value: number;
  share: number;
  clicks: number;
  rage: number;
  dead: number;
  sessions: number;
  dwellMs: number;
}

/** Rows of the ranked element table for a mode, most first. */
export function elementRows(
  mode: HeatmapMode,
  clicks: ClickHeatmap | null,
  attention: AttentionHeatmap | null,
): ElementRow[] {
  if (mode === 'attention') {
    return (attention?.elements ?? []).map((e) => ({
      path: e.path,
      value: e.ms,
      share: e.share,
      clicks: 0,
      rage: 0,
      dead: 0,
      sessions: e.sessions,
      dwellMs: e.ms,
    }));
  }
  if (!clicks || mode === 'scroll') return [];
  const pick = (e: ClickHeatmap['elements'][number]) =>
    mode === 'rage' ? e.rage : mode === 'dead' ? e.dead : e.clicks;
  const total =
    mode === 'rage' ? clicks.totals.rage : mode === 'dead' ? clicks.totals.dead : clicks.totals.clicks;
  return clicks.elements
    .filter((e) => pick(e) > 0)
    .map((e) => ({
      path: e.path,
      value: pick(e),
      share: total > 0 ? pick(e) / total : 0,
      clicks: e.clicks,
      rage: e.rage,
      dead: e.dead,
      sessions: e.sessions,
      dwellMs: 0,
    }))
    .sort((a, b) => b.value - a.value || a.path.localeCompare(b.path));
}

/** `main#main>div:nth-of-type(2)>button:nth-of-type(1)` → `div 2 › button`: readable, still exact in the title. */
export function elementLabel(path: string): string {
  const steps = path.split('>').slice(-2);
  return steps
    .map((s) => s.replace(/:nth-of-type\((\d+)\)/, (_, n: string) => (n === '1' ? '' : ` ${n}`)))
    .join(' › ');
}

const percent = (v: number) => `${(v * 100).toFixed(1)} %`;
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

export interface ElementTableProps {
  mode: HeatmapMode;
  rows: readonly ElementRow[];
  selected: string | null;
  onSelect: (path: string | null) => void;
  /** Paths the snapshot does not have (they cannot be shown on the overlay). */
  missing: ReadonlySet<string>;
  caption: string;
}

/** The ranked element table; choosing a row outlines its element on the overlay. */
export function ElementTable({ mode, rows, selected, onSelect, missing, caption }: ElementTableProps) {
  if (rows.length === 0) return <p className="heatmap-empty">No element has enough sessions to be shown.</p>;
  const attention = mode === 'attention';
  return (
    <div className="heatmap-table-wrap">
      <table className="heatmap-table" data-testid="heatmap-element-table">
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">Element</th>
            {attention ? (
              <>
                <th scope="col">Dwell</th>
                <th scope="col">Share</th>
                <th scope="col">Sessions</th>
              </>
            ) : (
              <>
                <th scope="col">Clicks</th>
                <th scope="col">Share</th>
                <th scope="col">Rage</th>
                <th scope="col">Dead</th>
              </>
            )}
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => {
            const isSelected = r.path === selected;
            return (
              <tr key={r.path} aria-selected={isSelected} className={isSelected ? 'is-selected' : undefined}>
                <td className="num">{i + 1}</td>
                <td>
                  <button
                    type="button"
                    className="heatmap-table__element"
                    title={r.path}
                    aria-pressed={isSelected}
                    onClick={() => onSelect(r.path)}
                    onFocus={() => onSelect(r.path)}
                  >
                    <span>{elementLabel(r.path)}</span>
                    {missing.has(r.path) && <span className="badge badge--neutral">not in this layout</span>}
                  </button>
                </td>
                {attention ? (
                  <>
                    <td className="num">{seconds(r.dwellMs)}</td>
                    <td className="num">{percent(r.share)}</td>
                    <td className="num">{r.sessions}</td>
                  </>
                ) : (
                  <>
                    <td className="num">{r.clicks}</td>
                    <td className="num">{percent(r.share)}</td>
                    <td className="num">{r.rage}</td>
                    <td className="num">{r.dead}</td>
                  </>
                )}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
