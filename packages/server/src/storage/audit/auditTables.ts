/** The append-only, hash-chained audit log, its head and signed checkpoints. Part of `Database`. */
export interface AuditTables {
  audit_log: AuditLogTable;
  audit_checkpoints: AuditCheckpointsTable;
  audit_head: AuditHeadTable;
}

/** The audit log: append-only (triggers), hash-chained (see core's `sealAuditEntry`). */
export interface AuditLogTable {
  seq: number;
  at: number;
  actor_type: string;
  actor_id: string | null;
  actor_label: string | null;
  action: string;
  site_key: string | null;
  target_type: string | null;
  target_id: string | null;
  details_json: string;
  prev_hash: string;
  hash: string;
}

export interface AuditCheckpointsTable {
  seq: number;
  hash: string;
  at: number;
  key_id: string;
  signature: string;
}

/** One row (id 1): the seq and hash of the newest entry, as appends left them. */
export interface AuditHeadTable {
  id: number;
  seq: number;
  hash: string;
}
