import { URL_SAFE_ID } from '../shared/randomId.js';
import { type KeyValueStorage, readKey, removeKey, writeKey } from '../shared/storage.js';
import { StorageKey } from '../shared/storageKeys.js';
import { type OutgoingBatch, utf8Length } from './batchJson.js';

/** sessionStorage is small (about 5 MB per origin, shared with the site): keep at most this. */
export const MAX_PERSISTED_PENDING_BYTES = 1024 * 1024;

/**
 * Persists the batches a page could not deliver before it went away (newest kept when over the
 * cap), for the next page of the tab to send. Returns how many were left out.
 */
export function persistPending(storage: KeyValueStorage | null, batches: readonly OutgoingBatch[]): number {
  if (batches.length === 0) {
    removeKey(storage, StorageKey.Pending);
    return 0;
  }
  const kept: OutgoingBatch[] = [];
  let bytes = 0;
  for (let i = batches.length - 1; i >= 0; i--) {
    const b = batches[i]!;
    if (bytes + b.bytes > MAX_PERSISTED_PENDING_BYTES) break;
    bytes += b.bytes;
    kept.unshift(b);
  }
  const rows = kept.map((b) => ({ sessionId: b.sessionId, seq: b.seq, final: b.final, json: b.json }));
  if (!writeKey(storage, StorageKey.Pending, JSON.stringify(rows))) {
    removeKey(storage, StorageKey.Pending);
    return batches.length;
  }
  return batches.length - kept.length;
}

/** Takes (and removes) the batches a previous page left; malformed rows are ignored. */
export function takePending(storage: KeyValueStorage | null): OutgoingBatch[] {
  const raw = readKey(storage, StorageKey.Pending);
  if (raw === null) return [];
  removeKey(storage, StorageKey.Pending);
  try {
    const rows: unknown = JSON.parse(raw);
    if (!Array.isArray(rows)) return [];
    const out: OutgoingBatch[] = [];
    for (const row of rows) {
      if (typeof row !== 'object' || row === null) continue;
      const { sessionId, seq, final, json } = row as Record<string, unknown>;
      if (typeof sessionId !== 'string' || !URL_SAFE_ID.test(sessionId)) continue;
      if (typeof seq !== 'number' || typeof json !== 'string') continue;
      out.push({ sessionId, seq, final: final === true, json, bytes: utf8Length(json) });
    }
    return out;
  } catch {
    return [];
  }
}
