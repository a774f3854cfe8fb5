/** Consent receipts, the opt-out registry and per-site banner texts. Part of `Database`. */
export interface ConsentTables {
  consent_receipts: ConsentReceiptsTable;
  opt_outs: OptOutsTable;
  banner_texts: BannerTextsTable;
}

/** One consent decision: a grant (its id is what batches carry), a withdrawal or a refusal. */
export interface ConsentReceiptsTable {
  site_id: string;
  /** Unique per site: the browser's receipt id for a grant, a server id otherwise. */
  id: string;
  /** Pseudonymous visitor id; `null` for the banner's anonymous refusal. */
  visitor_id: string | null;
  decision: string;
  granted_json: string;
  denied_json: string;
  source: string;
  policy_version: number | null;
  lawful_basis: string;
  banner_text_hash: string | null;
  language: string | null;
  /** ISO 3166-1 alpha-2 (never an IP). */
  region: string | null;
  /** For a withdrawal: the grant it took back. */
  withdraws: string | null;
  /** For a grant: when it was withdrawn (batches carrying it are refused from then on). */
  withdrawn_at: number | null;
  recorded_at: number;
}

/** The opt-out registry: visitor ids (per site) and user-id hashes (per site or instance-wide). */
export interface OptOutsTable {
  /** A site id, or `*` for every site of the instance. */
  scope: string;
  /** `visitor` or `user`. */
  subject_kind: string;
  /** The visitor id, or the keyed hash of the user id. */
  subject: string;
  source: string;
  created_at: number;
}

/** A site's banner texts for one language (fields over Veil's own). */
export interface BannerTextsTable {
  site_id: string;
  language: string;
  texts_json: string;
  updated_at: number;
  updated_by: string;
}
