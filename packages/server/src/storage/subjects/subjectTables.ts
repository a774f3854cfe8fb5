/** Identified and tagged sessions, the data-subject request log and erasure receipts. Part of `Database`. */
export interface SubjectTables {
  session_subjects: SessionSubjectsTable;
  session_tags: SessionTagsTable;
  subject_requests: SubjectRequestsTable;
  erasure_receipts: ErasureReceiptsTable;
}

/** A session identified with `veil('identify', …)`: only the keyed hash of the user id. */
export interface SessionSubjectsTable {
  session_id: string;
  site_id: string;
  user_hash: string;
  linked_at: number;
}

/** `veil('tag', key, value)` of a session (values PII-redacted), for erasure by tag. */
export interface SessionTagsTable {
  session_id: string;
  tag_key: string;
  tag_value: string;
}

/** The data-subject request log. */
export interface SubjectRequestsTable {
  id: string;
  site_id: string;
  site_key: string;
  kind: string;
  origin: string;
  selector_json: string;
  received_at: number;
  due_at: number;
  completed_at: number | null;
  handled_by: string;
  reference: string | null;
  erasure_receipt_id: string | null;
  export_bytes: number | null;
}

/** Evidence of one erasure, kept after the data is gone. */
export interface ErasureReceiptsTable {
  id: string;
  site_id: string;
  site_key: string;
  selector_json: string;
  sessions: number;
  chunks: number;
  data_keys: number;
  consent_receipts: number;
  session_ids_json: string;
  requested_by: string;
  request_id: string | null;
  started_at: number;
  completed_at: number;
}
