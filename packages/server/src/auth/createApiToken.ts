import type { Role } from '@veil/core';
import type { Clock } from '../clock.js';
import type { ApiTokenRecord } from '../storage/accounts/ApiTokenRepository.js';
import type { Store } from '../storage/Store.js';
import { newApiToken, tokenHash } from './secrets.js';

/** Tokens expire; this is the default lifetime, and the longest one may ask for. */
export const DEFAULT_TOKEN_LIFETIME_DAYS = 90;
export const MAX_TOKEN_LIFETIME_DAYS = 366;
const DAY_MS = 24 * 60 * 60 * 1000;

/** Creates an API token; the returned `token` is shown once, only its hash is stored. */
export async function createApiToken(
  store: Store,
  clock: Clock,
  input: {
    role: Role;
    name: string;
    createdBy?: string | null;
    /** `null`: never expires (tests and in-process tools only; the API and CLI always set one). */
    expiresInDays?: number | null;
    /** Site ids; `null` or absent: every site. */
    siteIds?: readonly string[] | null;
  },
): Promise<{ token: string; record: ApiTokenRecord }> {
  const token = newApiToken();
  const now = clock.now();
  const days = input.expiresInDays === undefined ? DEFAULT_TOKEN_LIFETIME_DAYS : input.expiresInDays;
  const record = await store.apiTokens.create({
    name: input.name.slice(0, 200),
    tokenHash: tokenHash(token),
    role: input.role,
    createdBy: input.createdBy ?? null,
    createdAt: now,
    expiresAt: days === null ? null : now + days * DAY_MS,
    siteIds: input.siteIds ?? null,
  });
  return { token, record };
}
