import type { RetentionImpact } from '@veil/core';
import type { Clock } from '../clock.js';
import type { Store } from '../storage/Store.js';
import type { SiteRecord } from '../storage/sites/SiteRepository.js';
import { DAY_MS } from './retentionConstants.js';

/** What a retention change does at the next purge run (the policy editor shows it before saving). */

export async function retentionImpact(
  store: Store,
  clock: Clock,
  site: SiteRecord,
  proposedDays: number,
): Promise<RetentionImpact> {
  const now = clock.now();
  const current = await store.retention.countDue(site.id, now - site.policy.retentionDays * DAY_MS, now);
  const proposed =
    proposedDays === site.policy.retentionDays
      ? current
      : await store.retention.countDue(site.id, now - proposedDays * DAY_MS, now);
  return {
    currentDays: site.policy.retentionDays,
    proposedDays,
    sessionsNow: current.sessions,
    sessionsProposed: proposed.sessions,
    bytesProposed: proposed.bytes,
  };
}
