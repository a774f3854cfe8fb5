/**
 * Compliance tables (migration `010_compliance`): the processor / DPA register of each site,
 * dated and attributed attestations (readiness areas Veil holds no evidence of), and the monthly
 * summaries (the readiness trend). None holds a recorded value.
 */
export interface ComplianceTables {
  processors: ProcessorsTable;
  attestations: AttestationsTable;
  compliance_summaries: ComplianceSummariesTable;
}

export interface ProcessorsTable {
  id: string;
  site_id: string;
  name: string;
  /** `processor` or `subprocessor`. */
  role: string;
  purpose: string;
  location: string;
  dpa_signed_at: number | null;
  dpa_reference: string | null;
  updated_at: number;
  updated_by: string;
}

export interface AttestationsTable {
  id: string;
  site_id: string;
  /** An `AttestationKind` of core. */
  kind: string;
  statement: string;
  reference: string | null;
  attested_by: string;
  attested_at: number;
  expires_at: number;
}

export interface ComplianceSummariesTable {
  site_id: string;
  /** `YYYY-MM` of the month summarised. */
  month: string;
  score: number;
  max_score: number;
  /** The summary's figures as JSON (counts only). */
  figures_json: string;
  created_at: number;
}
