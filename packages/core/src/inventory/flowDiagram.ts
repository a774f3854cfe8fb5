import type { FlowGraph, FlowNode } from './flowGraph.js';

/**
 * The data-flow diagram, laid out and drawn once for the dashboard and the compliance pack: the
 * layout is elkjs's layered algorithm (the caller hands in its `new ELK()`, so core stays free of
 * the dependency), the drawing one SVG string whose colours are attributes (the exported SVG and
 * PNG, the PDF and the page look the same).
 */

export const FLOW_NODE_WIDTH = 220;
export const FLOW_NODE_HEIGHT = 44;

/** The part of elkjs's graph model the layout uses (structurally `ElkNode`). */
export interface FlowElkNode {
  id: string;
  x?: number;
  y?: number;
  width?: number;
  height?: number;
  layoutOptions?: Record<string, string>;
  children?: FlowElkNode[];
  edges?: FlowElkEdge[];
}

export interface FlowElkEdge {
  id: string;
  sources: string[];
  targets: string[];
  sections?: {
    startPoint: { x: number; y: number };
    endPoint: { x: number; y: number };
    bendPoints?: { x: number; y: number }[];
  }[];
}

/** What `new ELK()` offers (elkjs's `ELK.layout`). */
export interface FlowLayoutEngine {
  layout(graph: FlowElkNode): Promise<FlowElkNode>;
}

export interface PlacedFlowNode extends FlowNode {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface PlacedFlowEdge {
  id: string;
  /** SVG path data of the routed edge. */
  d: string;
}

export interface FlowLayout {
  nodes: PlacedFlowNode[];
  edges: PlacedFlowEdge[];
  width: number;
  height: number;
}

const LAYER: Record<FlowNode['column'], number> = { page: 0, field: 1, capture: 2, storage: 3, retention: 4 };

/** Lays the picture out left to right with elkjs's layered algorithm (orthogonal edges). */
export async function layoutFlow(graph: FlowGraph, elk: FlowLayoutEngine): Promise<FlowLayout> {
  const input: FlowElkNode = {
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'RIGHT',
      'elk.edgeRouting': 'ORTHOGONAL',
      'elk.layered.spacing.nodeNodeBetweenLayers': '60',
      'elk.spacing.nodeNode': '14',
      'elk.padding': '[top=16,left=16,bottom=16,right=16]',
      'elk.partitioning.activate': 'true',
    },
    children: graph.nodes.map((n) => ({
      id: n.id,
      width: FLOW_NODE_WIDTH,
      height: FLOW_NODE_HEIGHT,
      layoutOptions: { 'elk.partitioning.partition': String(LAYER[n.column]) },
    })),
    edges: graph.edges.map((e) => ({ id: e.id, sources: [e.from], targets: [e.to] })),
  };
  const result = await elk.layout(input);
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const nodes: PlacedFlowNode[] = (result.children ?? []).flatMap((c) => {
    const n = byId.get(c.id);
    return n
      ? [
          {
            ...n,
            x: c.x ?? 0,
            y: c.y ?? 0,
            width: c.width ?? FLOW_NODE_WIDTH,
            height: c.height ?? FLOW_NODE_HEIGHT,
          },
        ]
      : [];
  });
  const edges: PlacedFlowEdge[] = (result.edges ?? []).map((e) => ({
    id: e.id,
    d: (e.sections ?? [])
      .map((s) =>
        [s.startPoint, ...(s.bendPoints ?? []), s.endPoint]
          .map((p, i) => `${i === 0 ? 'M' : 'L'}${p.x},${p.y}`)
          .join(' '),
      )
      .join(' '),
  }));
  return { nodes, edges, width: result.width ?? 0, height: result.height ?? 0 };
}

const FILL: Record<FlowNode['column'], string> = {
  page: '#eef2ff',
  field: '#f8fafc',
  capture: '#ecfeff',
  storage: '#f0fdf4',
  retention: '#fefce8',
};

const xml = (text: string): string =>
  text.replace(
    /[<>&"']/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
const clip = (text: string, max: number): string => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/**
 * The inside of the diagram's `<svg>`: the arrow marker, the routed edges and one `<g>` per box
 * (`data-node` its column, `data-label`, `data-status`). The dashboard puts it in its own `<svg>`;
 * `flowDiagramSvg` wraps it into a standalone document.
 */
export function flowDiagramBody(layout: FlowLayout, title: string): string {
  const edges = layout.edges
    .map(
      (e) =>
        `<path d="${xml(e.d)}" fill="none" stroke="#94a3b8" stroke-width="1.2" marker-end="url(#flow-arrow)"/>`,
    )
    .join('');
  const nodes = layout.nodes
    .map((n) => {
      const stroke = n.warning ? '#dc2626' : n.status === 'pending' ? '#d97706' : '#94a3b8';
      const dash = n.status === 'excluded' ? ' stroke-dasharray="4 3"' : '';
      return (
        `<g transform="translate(${n.x},${n.y})" data-node="${n.column}" data-label="${xml(n.label)}" data-status="${xml(n.status)}">` +
        `<rect width="${n.width}" height="${n.height}" rx="6" fill="${n.warning ? '#fef2f2' : FILL[n.column]}" stroke="${stroke}" stroke-width="${n.warning || n.status === 'pending' ? 2 : 1}"${dash}/>` +
        `<text x="10" y="18" font-size="12" font-weight="600" fill="#0f172a">${xml(clip(n.label, 32))}</text>` +
        `<text x="10" y="34" font-size="10.5" fill="#475569">${xml(clip(n.detail, 38))}</text></g>`
      );
    })
    .join('');
  return (
    `<title>${xml(title)}</title>` +
    '<defs><marker id="flow-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto">' +
    '<path d="M0,0 L10,5 L0,10 z" fill="#64748b"/></marker></defs>' +
    edges +
    nodes
  );
}

/** The diagram as a standalone SVG element (`role="img"`, titled), as the pack embeds it. */
export function flowDiagramSvg(layout: FlowLayout, title: string): string {
  const w = Math.ceil(layout.width);
  const h = Math.ceil(layout.height);
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" role="img" aria-label="${xml(title)}" font-family="system-ui, sans-serif">` +
    `${flowDiagramBody(layout, title)}</svg>`
  );
}
