import { ipBlocked } from '@veil/core';
import type { Clock } from '../../clock.js';
import type { Store } from '../../storage/Store.js';
import { type Drop, drop } from '../Drop.js';
import type { LocatedBatch } from './siteAndOrigin.js';

/**
 * The IP block list (exact, `203.0.113.*` wildcard, CIDR v4/v6): a batch from a blocked address
 * is dropped and counted. The address itself is neither stored nor logged (the `region` step
 * removes it from the context after its lookup).
 */
export async function ipPolicy<T extends LocatedBatch>(
  deps: { store: Store; clock: Clock },
  input: T,
): Promise<T | Drop> {
  const blockList = input.site.policy.ipBlockList;
  const ip = input.request.clientIp;
  if (blockList.length === 0 || ip === undefined) return input;
  if (!ipBlocked(ip, blockList)) return input;
  await deps.store.privacy.countDrop(input.site.id, 'ip_blocked', deps.clock.now());
  return drop('not_recorded', 'the site does not record this visitor');
}
