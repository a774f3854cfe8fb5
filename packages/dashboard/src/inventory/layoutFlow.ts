import ELK, { type ElkExtendedEdge, type ElkNode } from 'elkjs/lib/elk.bundled.js';
import type { FlowGraph, FlowNode } from './flowGraph';

export const NODE_WIDTH = 220;
export const NODE_HEIGHT = 44;

export interface PlacedNode extends FlowNode {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface PlacedEdge {
  id: string;
  /** SVG path data of the routed edge. */
  d: string;
}

export interface FlowLayout {
  nodes: PlacedNode[];
  edges: PlacedEdge[];
  width: number;
  height: number;
}

const elk = new ELK();
const LAYER: Record<FlowNode['column'], number> = { page: 0, field: 1, capture: 2, storage: 3, retention: 4 };

/** Lays the picture out left to right with elkjs's layered algorithm (orthogonal edges). */
export async function layoutFlow(graph: FlowGraph): Promise<FlowLayout> {
  const input: ElkNode = {
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
      width: NODE_WIDTH,
      height: NODE_HEIGHT,
      layoutOptions: { 'elk.partitioning.partition': String(LAYER[n.column]) },
    })),
    edges: graph.edges.map((e): ElkExtendedEdge => ({ id: e.id, sources: [e.from], targets: [e.to] })),
  };
  const result: ElkNode = await elk.layout(input);
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const nodes: PlacedNode[] = (result.children ?? []).flatMap((c) => {
    const n = byId.get(c.id);
    return n
      ? [{ ...n, x: c.x ?? 0, y: c.y ?? 0, width: c.width ?? NODE_WIDTH, height: c.height ?? NODE_HEIGHT }]
      : [];
  });
  const edges: PlacedEdge[] = (result.edges ?? []).map((e) => {
    const d = (e.sections ?? [])
      .map((s) => {
        const points = [s.startPoint, ...(s.bendPoints ?? []), s.endPoint];
        return points.map((p, i) => `${i === 0 ? 'M' : 'L'}${p.x},${p.y}`).join(' ');
      })
      .join(' ');
    return { id: e.id, d };
  });
  return { nodes, edges, width: result.width ?? 0, height: result.height ?? 0 };
}
