import {
  AUDIT_CHECKPOINT_EVERY,
  type AuditAction,
  type AuditChainItem,
  type AuditEntry,
  auditLinkOf,
} from '@veil/core';
import type { Store } from '../storage/Store.js';
import { nodeSha256 } from './AuditLog.js';
import type { AuditSigningKey } from './auditSigningKey.js';

/** What an export (or the audit view) selects; all optional, combined with AND. */
export interface AuditFilters {
  from?: number | undefined;
  to?: number | undefined;
  actions?: readonly AuditAction[] | undefined;
  actorId?: string | undefined;
  siteKey?: string | undefined;
  targetId?: string | undefined;
  /** Case-insensitive substring of the actor label, target id or details. */
  text?: string | undefined;
}

/** The same selection as the store's SQL query, for the export's scans. */
export function matchesAuditFilters(entry: AuditEntry, f: AuditFilters): boolean {
  if (f.from !== undefined && entry.at < f.from) return false;
  if (f.to !== undefined && entry.at > f.to) return false;
  if (f.actions && f.actions.length > 0 && !f.actions.includes(entry.action)) return false;
  if (f.actorId !== undefined && entry.actor.id !== f.actorId) return false;
  if (f.siteKey !== undefined && entry.siteKey !== f.siteKey) return false;
  if (f.targetId !== undefined && entry.target?.id !== f.targetId) return false;
  if (f.text) {
    const needle = f.text.toLowerCase();
    const haystacks = [entry.actor.label ?? '', entry.target?.id ?? '', JSON.stringify(entry.details)];
    if (!haystacks.some((h) => h.toLowerCase().includes(needle))) return false;
  }
  return true;
}

/**
 * The JSON Lines export: a header, then every item from the checkpoint before the first selected
 * entry to the checkpoint after the last (selected entries in full, the others as body-less links,
 * so the chain stays checkable without revealing them), the signed checkpoints of that range, and
 * an end line with the counts. docs/audit.md describes the format and its offline verification.
 */
export async function* auditJsonlExport(
  store: Store,
  key: AuditSigningKey,
  filters: AuditFilters,
  exportedAt: number,
): AsyncGenerator<string> {
  let first: number | undefined;
  let last: number | undefined;
  let head = 0;
  for await (const entry of store.audit.scan()) {
    head = entry.seq;
    if (!matchesAuditFilters(entry, filters)) continue;
    first ??= entry.seq;
    last = entry.seq;
  }
  const every = AUDIT_CHECKPOINT_EVERY;
  const fromSeq = first === undefined ? 0 : Math.floor((first - 1) / every) * every + 1;
  const toSeq = last === undefined ? 0 : Math.min(head, Math.ceil(last / every) * every);
  yield `${JSON.stringify({
    type: 'veil.audit.export',
    v: 1,
    exportedAt,
    filters,
    checkpointEvery: every,
    range: { fromSeq, toSeq },
    // For reference only: a verifier must take the key from the instance (`veil audit key`).
    publicKeys: [{ keyId: key.keyId, publicKey: key.publicKeyBase64 }],
  })}\n`;
  let entries = 0;
  let links = 0;
  let checkpoints = 0;
  if (first !== undefined) {
    for await (const entry of store.audit.scan(fromSeq, toSeq)) {
      const item: AuditChainItem = matchesAuditFilters(entry, filters)
        ? entry
        : auditLinkOf(entry, nodeSha256);
      if ('bodyHash' in item) links++;
      else entries++;
      yield `${JSON.stringify({ type: 'bodyHash' in item ? 'link' : 'entry', ...item })}\n`;
    }
    for (const checkpoint of await store.audit.checkpoints()) {
      if (checkpoint.seq < fromSeq - 1 || checkpoint.seq > toSeq || checkpoint.seq === 0) continue;
      checkpoints++;
      yield `${JSON.stringify({ type: 'checkpoint', ...checkpoint })}\n`;
    }
  }
  yield `${JSON.stringify({ type: 'end', entries, links, checkpoints })}\n`;
}

const CSV_COLUMNS = [
  'seq',
  'time',
  'at',
  'actor_type',
  'actor_id',
  'actor_label',
  'action',
  'site_key',
  'target_type',
  'target_id',
  'details',
  'prev_hash',
  'hash',
] as const;

/**
 * One CSV cell: quoted when needed; a text starting like a formula (`= + - @`, tab, return) gets a
 * leading apostrophe so a spreadsheet shows it instead of evaluating it (CSV injection).
 */
export function csvCell(value: string | number | null): string {
  if (value === null) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** The CSV export: selected entries only, with their hashes, for reading (verify with JSON Lines). */
export async function* auditCsvExport(store: Store, filters: AuditFilters): AsyncGenerator<string> {
  yield `${CSV_COLUMNS.join(',')}\r\n`;
  for await (const e of store.audit.scan()) {
    if (!matchesAuditFilters(e, filters)) continue;
    const row = [
      e.seq,
      new Date(e.at).toISOString(),
      e.at,
      e.actor.type,
      e.actor.id,
      e.actor.label,
      e.action,
      e.siteKey,
      e.target?.type ?? null,
      e.target?.id ?? null,
      JSON.stringify(e.details),
      e.prevHash,
      e.hash,
    ];
    yield `${row.map(csvCell).join(',')}\r\n`;
  }
}
