import type { Generated } from 'kysely';

/** Users, their sign-in sessions, API tokens, site restrictions and OpenID Connect logins. Part of `Database`. */
export interface AccountTables {
  users: UsersTable;
  user_sites: UserSitesTable;
  auth_sessions: AuthSessionsTable;
  api_tokens: ApiTokensTable;
  api_token_sites: ApiTokenSitesTable;
  oidc_logins: OidcLoginsTable;
}

export interface UsersTable {
  id: string;
  email: string;
  password_hash: string;
  role: string;
  created_at: number;
  /** The TOTP secret sealed with the master key; `null` until enrolment starts. */
  totp_secret_sealed: Buffer | null;
  /** When TOTP was confirmed; a sealed secret without it is an enrolment in progress. */
  totp_enabled_at: number | null;
  /** Last accepted TOTP time step: a code is good once. */
  totp_last_step: number | null;
  /** Consecutive failed logins; reset by a success. */
  failed_logins: Generated<number>;
  locked_until: number | null;
  /** 1: every site; 0: only those in `user_sites`. */
  all_sites: Generated<number>;
  /** `issuer#sub` of a user who signs in with OpenID Connect. */
  oidc_subject: string | null;
  /** 1: an admin allowed single sign-on to link this account by its email (once). */
  sso_link_allowed: Generated<number>;
}

export interface UserSitesTable {
  user_id: string;
  site_id: string;
}

export interface AuthSessionsTable {
  id: string;
  /** SHA-256 (hex) of the cookie value; the value itself is never stored. */
  token_hash: string;
  user_id: string;
  created_at: number;
  last_seen_at: number;
  /** Absolute expiry. */
  expires_at: number;
  /** When this session passed a second factor (TOTP, or the identity provider's MFA). */
  second_factor_at: number | null;
  /** `password` or `oidc`. */
  method: Generated<string>;
}

export interface ApiTokensTable {
  id: string;
  name: string;
  token_hash: string;
  role: string;
  created_by: string | null;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
  expires_at: number | null;
  /** 1: every site; 0: only those in `api_token_sites`. */
  all_sites: Generated<number>;
}

export interface ApiTokenSitesTable {
  token_id: string;
  site_id: string;
}

/** An OpenID Connect login between the redirect to the provider and its callback. */
export interface OidcLoginsTable {
  /** SHA-256 of the `state` (the browser holds the state in a cookie). */
  state_hash: string;
  nonce: string;
  code_verifier: string;
  created_at: number;
}
