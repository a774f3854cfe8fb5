import type { Role } from '@veil/core';

export interface UserRecord {
  id: string;
  email: string;
  role: Role;
  passwordHash: string;
  createdAt: number;
  /** Sealed TOTP secret (enrolment started); `totpEnabledAt` says whether it was confirmed. */
  totpSecretSealed: Buffer | null;
  totpEnabledAt: number | null;
  totpLastStep: number | null;
  failedLogins: number;
  lockedUntil: number | null;
  /** `false`: restricted to the sites of `UserRepository.siteIds`. */
  allSites: boolean;
  /** `issuer#sub` for users who sign in with OpenID Connect. */
  oidcSubject: string | null;
  /** An admin allowed single sign-on to link this account by its email; cleared once linked. */
  ssoLinkAllowed: boolean;
}

/** What a user holds: its role and its sites (`siteIds` empty when `allSites`). */
export interface UserScope {
  role: Role;
  allSites: boolean;
  siteIds: string[];
}

export interface NewUser {
  email: string;
  role: Role;
  passwordHash: string;
  createdAt: number;
  /** Default: every site. */
  siteIds?: readonly string[] | null;
  oidcSubject?: string | null;
}

export interface UserChanges {
  role?: Role;
  passwordHash?: string;
  /** `null`: every site; a list: only those. */
  siteIds?: readonly string[] | null;
  oidcSubject?: string | null;
  ssoLinkAllowed?: boolean;
}

/**
 * Thrown by `update` and `delete` when the change would leave no owner: checked inside the
 * change's transaction with the owners locked, so no path (API, CLI, single sign-on, two
 * requests at once, two processes) can remove the last one.
 */
export class LastOwnerError extends Error {
  constructor() {
    super('Veil keeps at least one owner');
    this.name = 'LastOwnerError';
  }
}

export interface UserRepository {
  count(): Promise<number>;
  /** Returns `undefined` when the (lower-cased) email is taken. */
  create(user: NewUser): Promise<UserRecord | undefined>;
  findByEmail(email: string): Promise<UserRecord | undefined>;
  findById(id: string): Promise<UserRecord | undefined>;
  findByOidcSubject(subject: string): Promise<UserRecord | undefined>;
  /** Every user, by email. */
  list(): Promise<UserRecord[]>;
  /** Throws `LastOwnerError` when it would re-role the last owner. */
  update(id: string, changes: UserChanges): Promise<UserRecord | undefined>;
  /** Throws `LastOwnerError` when it would delete the last owner. */
  delete(id: string): Promise<boolean>;
  /** The sites a restricted user may see (empty for users with every site). */
  siteIds(userId: string): Promise<string[]>;
  /**
   * A user's role and sites in one read (the user joined with its sites), as a token's creator is
   * checked on every request; `undefined` when there is no such user.
   */
  scopeOf(userId: string): Promise<UserScope | undefined>;
  countByRole(role: Role): Promise<number>;
  /** Adds one failure; at `maxFailures` consecutive ones the account locks until `now + lockMs`. */
  recordLoginFailure(
    id: string,
    now: number,
    maxFailures: number,
    lockMs: number,
  ): Promise<{ failedLogins: number; lockedUntil: number | null }>;
  recordLoginSuccess(id: string): Promise<void>;
  /** Starts (or restarts) TOTP enrolment with a new sealed secret; TOTP is off until confirmed. */
  setPendingTotp(id: string, sealedSecret: Buffer): Promise<void>;
  enableTotp(id: string, now: number, step: number): Promise<void>;
  /** Consumes a TOTP time step; false when it (or a later one) was used already (a replayed code). */
  useTotpStep(id: string, step: number): Promise<boolean>;
  resetTotp(id: string): Promise<void>;
}
