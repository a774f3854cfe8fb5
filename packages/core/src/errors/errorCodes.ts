/** Stable error codes and their HTTP status; documented in docs/errors.md. */
export const ERROR_CODES = {
  bad_request: 400,
  invalid_json: 400,
  validation_failed: 400,
  purpose_required: 400,
  /** A policy CSS selector (block, mask, unmask, allowed iframe) that browsers would refuse; the message names it. */
  invalid_selector: 400,
  /** A policy IP block-list rule that is not an address, a v4 wildcard or a CIDR range; the message names it. */
  invalid_ip_rule: 400,
  /** A report period whose `from` or `to` is not a date, or that is empty or too long; the message says which. */
  invalid_period: 400,
  unauthenticated: 401,
  invalid_credentials: 401,
  /** A wrong or reused TOTP code. */
  invalid_totp: 401,
  forbidden: 403,
  /** A cookie-authenticated write without the session's CSRF token (`X-CSRF-Token`). */
  csrf_failed: 403,
  /** The role (or the user's choice) demands a second factor this session has not passed yet. */
  second_factor_required: 403,
  origin_not_allowed: 403,
  consent_required: 403,
  /** An ingest request carrying `Sec-GPC: 1` (Global Privacy Control) on a site that honours it. */
  gpc_refused: 403,
  /**
   * The site's policy does not record this batch: blocked address, restricted region, page outside
   * targeting, a session without an error under record-on-error.
   */
  not_recorded: 403,
  /** The batch's session id is outside the site's sample (`samplingPercent`): stop that session, do not retry. */
  not_sampled: 403,
  not_found: 404,
  unknown_site: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  /**
   * A heatmap query whose cohort is below the minimum (`VEIL_HEATMAP_MIN_COHORT` distinct visitors
   * on every day and device class it adds up): refused whole, never answered in part.
   */
  cohort_too_small: 422,
  too_many_requests: 429,
  internal: 500,
  /** The process is up but a dependency (the database) does not answer. */
  unavailable: 503,
} as const;
export type ErrorCode = keyof typeof ERROR_CODES;

/** The one error envelope of every API and ingest error. */
export interface ErrorBody {
  error: { code: ErrorCode; message: string };
}
