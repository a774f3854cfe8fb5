import type { InventoryItem, InventoryResponse } from './inventorySchemas.js';

/** One box of the data-flow picture. */
export interface FlowNode {
  id: string;
  /** `page`, `field` (fields, iframes, elements), `capture`, `storage`, `retention`. */
  column: 'page' | 'field' | 'capture' | 'storage' | 'retention';
  label: string;
  /** A second line (capture, sensitive kind, status). */
  detail: string;
  /** `pending`, `approved`, `excluded`, or `''` for the fixed boxes. */
  status: string;
  /** Captured and sensitive: drawn as a warning. */
  warning: boolean;
}

export interface FlowEdge {
  id: string;
  from: string;
  to: string;
}

export interface FlowGraph {
  nodes: FlowNode[];
  edges: FlowEdge[];
}

const CAPTURES = ['masked', 'blocked', 'captured'] as const;

function fieldLabel(item: InventoryItem): string {
  const name = item.name ?? item.elementId ?? item.label ?? item.tag ?? item.kind;
  return item.kind === 'field' ? name : `${item.kind}: ${name}`;
}

/**
 * The data-flow picture of DESIGN.md: pages → their fields → masked / blocked / captured →
 * storage (engine, encryption) → retention. `page` keeps one page and its fields (null: all).
 * Only what the recordings hold goes on to storage: blocked elements end at their capture box.
 * The dashboard's diagram and the compliance pack's draw this one graph.
 */
export function flowGraph(
  inventory: Pick<InventoryResponse, 'items' | 'storage'>,
  page: string | null,
): FlowGraph {
  const items = inventory.items.filter((i) => page === null || i.pagePattern === page);
  const nodes: FlowNode[] = [];
  const edges: FlowEdge[] = [];
  const used = new Set<string>();
  for (const item of items) {
    if (item.kind !== 'page') continue;
    nodes.push({
      id: `page:${item.id}`,
      column: 'page',
      label: item.pagePattern,
      detail: `${item.sessions} sessions · ${item.status}`,
      status: item.status,
      warning: false,
    });
  }
  const pageIds = new Map(items.filter((i) => i.kind === 'page').map((i) => [i.pagePattern, `page:${i.id}`]));
  for (const item of items) {
    if (item.kind === 'page' || item.capture === null) continue;
    const id = `field:${item.id}`;
    const warning = item.capture === 'captured' && item.sensitive !== null;
    nodes.push({
      id,
      column: 'field',
      label: fieldLabel(item),
      detail: [item.sensitive ? `looks like ${item.sensitive}` : '', item.status].filter(Boolean).join(' · '),
      status: item.status,
      warning,
    });
    const from = pageIds.get(item.pagePattern);
    if (from) edges.push({ id: `${from}->${id}`, from, to: id });
    edges.push({ id: `${id}->capture:${item.capture}`, from: id, to: `capture:${item.capture}` });
    used.add(item.capture);
  }
  for (const capture of CAPTURES) {
    if (!used.has(capture)) continue;
    nodes.push({
      id: `capture:${capture}`,
      column: 'capture',
      label: capture,
      detail:
        capture === 'blocked'
          ? 'not recorded'
          : capture === 'masked'
            ? 'recorded as a mask'
            : 'recorded, PII-redacted',
      status: '',
      warning: false,
    });
    if (capture !== 'blocked')
      edges.push({ id: `capture:${capture}->storage`, from: `capture:${capture}`, to: 'storage' });
  }
  const s = inventory.storage;
  nodes.push({
    id: 'storage',
    column: 'storage',
    label: `storage: ${s.engine === 'postgres' ? 'PostgreSQL' : 'SQLite'}`,
    detail: s.encryption,
    status: '',
    warning: false,
  });
  nodes.push({
    id: 'retention',
    column: 'retention',
    label: `retention: ${s.retentionDays} days`,
    detail: `policy v${s.policyVersion}, then purged`,
    status: '',
    warning: false,
  });
  edges.push({ id: 'storage->retention', from: 'storage', to: 'retention' });
  return { nodes, edges };
}
