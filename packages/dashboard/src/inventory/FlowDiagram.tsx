import { forwardRef, useEffect, useState } from 'react';
import type { FlowGraph } from './flowGraph';
import { type FlowLayout, layoutFlow } from './layoutFlow';

const FILL: Record<string, string> = {
  page: '#eef2ff',
  field: '#f8fafc',
  capture: '#ecfeff',
  storage: '#f0fdf4',
  retention: '#fefce8',
};

/**
 * The data-flow picture drawn as SVG from elkjs's layout. Each box is a list item for assistive
 * technology (its label and detail as its name); colours are attributes so that the exported SVG
 * and PNG look the same.
 */
export const FlowDiagram = forwardRef<SVGSVGElement, { graph: FlowGraph; title: string }>(
  function FlowDiagram({ graph, title }, ref) {
    const [layout, setLayout] = useState<FlowLayout | null>(null);
    const [error, setError] = useState<string | null>(null);
    useEffect(() => {
      let live = true;
      layoutFlow(graph).then(
        (l) => live && setLayout(l),
        (e: unknown) => live && setError(e instanceof Error ? e.message : 'layout failed'),
      );
      return () => {
        live = false;
      };
    }, [graph]);
    if (error) return <p role="alert">The diagram could not be laid out: {error}</p>;
    if (!layout) return <p className="muted">Laying out the diagram…</p>;
    return (
      <div className="flow-diagram" style={{ overflow: 'auto' }}>
        <svg
          ref={ref}
          width={layout.width}
          height={layout.height}
          viewBox={`0 0 ${layout.width} ${layout.height}`}
          role="img"
          aria-label={title}
          data-testid="inventory-diagram"
          fontFamily="system-ui, sans-serif"
        >
          <title>{title}</title>
          <defs>
            <marker
              id="flow-arrow"
              viewBox="0 0 10 10"
              refX="10"
              refY="5"
              markerWidth="7"
              markerHeight="7"
              orient="auto"
            >
              <path d="M0,0 L10,5 L0,10 z" fill="#64748b" />
            </marker>
          </defs>
          {layout.edges.map((e) => (
            <path
              key={e.id}
              d={e.d}
              fill="none"
              stroke="#94a3b8"
              strokeWidth={1.2}
              markerEnd="url(#flow-arrow)"
            />
          ))}
          {layout.nodes.map((n) => (
            <g
              key={n.id}
              transform={`translate(${n.x},${n.y})`}
              data-node={n.column}
              data-label={n.label}
              data-status={n.status}
            >
              <rect
                width={n.width}
                height={n.height}
                rx={6}
                fill={n.warning ? '#fef2f2' : (FILL[n.column] ?? '#ffffff')}
                stroke={n.warning ? '#dc2626' : n.status === 'pending' ? '#d97706' : '#94a3b8'}
                strokeWidth={n.warning || n.status === 'pending' ? 2 : 1}
                strokeDasharray={n.status === 'excluded' ? '4 3' : undefined}
              />
              <text x={10} y={18} fontSize={12} fontWeight={600} fill="#0f172a">
                {n.label.length > 32 ? `${n.label.slice(0, 31)}…` : n.label}
              </text>
              <text x={10} y={34} fontSize={10.5} fill="#475569">
                {n.detail.length > 38 ? `${n.detail.slice(0, 37)}…` : n.detail}
              </text>
            </g>
          ))}
        </svg>
      </div>
    );
  },
);
