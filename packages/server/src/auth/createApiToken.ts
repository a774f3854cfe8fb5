import type { Role } from '@veil/core';
import type { Clock } from '../clock.js';
import type { ApiTokenRecord, Store } from '../storage/Store.js';
import { newApiToken, tokenHash } from './secrets.js';

/** Creates an API token; the returned `token` is shown once, only its hash is stored. */
export async function createApiToken(
  store: Store,
  clock: Clock,
  input: { role: Role; name: string; createdBy?: string | null },
): Promise<{ token: string; record: ApiTokenRecord }> {
  const token = newApiToken();
  const record = await store.apiTokens.create({
    name: input.name.slice(0, 200),
    tokenHash: tokenHash(token),
    role: input.role,
    createdBy: input.createdBy ?? null,
    createdAt: clock.now(),
  });
  return { token, record };
}
