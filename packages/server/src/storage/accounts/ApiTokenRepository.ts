import type { Role } from '@veil/core';

export interface ApiTokenRecord {
  id: string;
  name: string;
  role: Role;
  createdBy: string | null;
  createdAt: number;
  lastUsedAt: number | null;
  revokedAt: number | null;
  expiresAt: number | null;
  /** `false`: restricted to the sites of `ApiTokenRepository.siteIds`. */
  allSites: boolean;
}

export interface ApiTokenRepository {
  create(token: {
    name: string;
    tokenHash: string;
    role: Role;
    createdBy: string | null;
    createdAt: number;
    expiresAt?: number | null;
    /** Default: every site. */
    siteIds?: readonly string[] | null;
  }): Promise<ApiTokenRecord>;
  /** Revoked tokens are not found (expired ones are: the caller compares `expiresAt`). */
  findActiveByHash(tokenHash: string): Promise<ApiTokenRecord | undefined>;
  touch(id: string, lastUsedAt: number): Promise<void>;
  findById(id: string): Promise<ApiTokenRecord | undefined>;
  /** Every token, newest first, revoked ones included. */
  list(): Promise<ApiTokenRecord[]>;
  siteIds(tokenId: string): Promise<string[]>;
  /** True when it was active and is now revoked. */
  revoke(id: string, at: number): Promise<boolean>;
}
