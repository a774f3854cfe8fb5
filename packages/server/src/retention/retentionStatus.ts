import type { Clock } from '../clock.js';
import type { PurgeReceiptRecord } from '../storage/retention/RetentionRepository.js';
import type { Store } from '../storage/Store.js';
import type { SiteRecord } from '../storage/sites/SiteRepository.js';
import { DAY_MS, RETENTION_EXCEPTION_GRACE_MS, RETENTION_RUN_INTERVAL_MS } from './retentionConstants.js';

/** A site holding sessions older than its policy allows (beyond the grace between runs). */
export interface RetentionException {
  siteKey: string;
  siteName: string;
  retentionDays: number;
  /** Sessions past retention plus grace, held by no legal hold. */
  overdueSessions: number;
  /** Receive time of the oldest of them. */
  oldestAt: number;
}

export interface SiteRetentionStatus {
  siteKey: string;
  siteName: string;
  retentionDays: number;
  policyVersion: number;
  /** Receive time (server clock) of the site's oldest session, held or not; `null` when none. */
  oldestSessionAt: number | null;
  /** Sessions past retention now, not held: the next run removes them. */
  dueSessions: number;
  /** Sessions past retention that legal holds keep. */
  heldSessions: number;
  activeHolds: number;
  lastReceipt: PurgeReceiptRecord | null;
  /** When the next scheduled run is expected (an hour after the last one); `null` before any run. */
  nextRunAt: number | null;
  exception: RetentionException | null;
}

async function exceptionFor(store: Store, site: SiteRecord, now: number): Promise<RetentionException | null> {
  const limit = now - site.policy.retentionDays * DAY_MS - RETENTION_EXCEPTION_GRACE_MS;
  const oldest = await store.retention.oldestUnheldSession(site.id, now);
  if (oldest === undefined || oldest >= limit) return null;
  const overdue = await store.retention.countDue(site.id, limit, now);
  return {
    siteKey: site.siteKey,
    siteName: site.name,
    retentionDays: site.policy.retentionDays,
    overdueSessions: overdue.sessions,
    oldestAt: oldest,
  };
}

/**
 * Retention exceptions as the database holds them now: per site, sessions that no legal hold keeps
 * and that are older than the policy allows by more than `RETENTION_EXCEPTION_GRACE_MS` (a failed or
 * stopped purge). The alert service calls this to raise its alerts; `veil retention status` shows it.
 */
export async function findRetentionExceptions(store: Store, clock: Clock): Promise<RetentionException[]> {
  const now = clock.now();
  const out: RetentionException[] = [];
  for (const site of await store.sites.list()) {
    const found = await exceptionFor(store, site, now);
    if (found) out.push(found);
  }
  return out;
}

/** Per site: policy, oldest session, what is due and held, the last purge receipt, the next run. */
export async function retentionStatus(
  store: Store,
  clock: Clock,
  siteKey?: string | undefined,
): Promise<SiteRetentionStatus[]> {
  const now = clock.now();
  const lastRunAt = await store.retention.lastRunAt();
  const sites = (await store.sites.list()).filter((s) => siteKey === undefined || s.siteKey === siteKey);
  const out: SiteRetentionStatus[] = [];
  for (const site of sites) {
    const cutoff = now - site.policy.retentionDays * DAY_MS;
    out.push({
      siteKey: site.siteKey,
      siteName: site.name,
      retentionDays: site.policy.retentionDays,
      policyVersion: (await store.privacy.latestVersion(site.id))?.version ?? 1,
      oldestSessionAt: (await store.retention.oldestSession(site.id)) ?? null,
      dueSessions: (await store.retention.countDue(site.id, cutoff, now)).sessions,
      heldSessions: await store.retention.countHeld(site.id, cutoff, now),
      activeHolds: (await store.retention.listHolds(site.id, now, false)).length,
      lastReceipt: (await store.retention.lastReceipt(site.id)) ?? null,
      nextRunAt: lastRunAt === undefined ? null : lastRunAt + RETENTION_RUN_INTERVAL_MS,
      exception: await exceptionFor(store, site, now),
    });
  }
  return out;
}
