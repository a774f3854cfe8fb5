import { randomUUID } from 'node:crypto';
import type { AuditActor } from '@veil/core';
import { systemActor } from '../audit/auditActor.js';
import type { Clock } from '../clock.js';
import { VeilError } from '../errors/VeilError.js';
import type { PurgeTrigger } from '../storage/retention/RetentionRepository.js';
import type { Store } from '../storage/Store.js';
import type { SiteRecord } from '../storage/sites/SiteRepository.js';
import type { AuditRecorder } from '../subjects/eraseSubject.js';
import {
  DAY_MS,
  nextPurgeBatchSize,
  PURGE_BATCH_SESSIONS,
  PURGE_LEASE_MS,
  PURGE_LOCK_NAME,
} from './retentionConstants.js';

export interface RetentionDeps {
  store: Store;
  clock: Clock;
  audit: AuditRecorder;
  logger?: { info(obj: object, msg: string): void; error(obj: object, msg: string): void } | undefined;
  /** Monotonic milliseconds, to size transactions by how long they take (`performance.now`). */
  timer?: (() => number) | undefined;
}

export interface PurgeProgress {
  siteKey: string;
  /** Sessions removed so far in this run, over every site. */
  done: number;
  /** Sessions due at the start of the run, over every site. */
  total: number;
}

export interface PurgeRunOptions {
  trigger: PurgeTrigger;
  /** Only this site. */
  siteKey?: string | undefined;
  /** Count what would be removed; remove nothing, write no receipt. */
  dryRun?: boolean | undefined;
  actor?: AuditActor | undefined;
  onProgress?: ((progress: PurgeProgress) => void) | undefined;
}

export interface SitePurgeResult {
  siteKey: string;
  siteName: string;
  policyVersion: number;
  retentionDays: number;
  /** Sessions first received (server clock) before this time were due. */
  cutoff: number;
  sessions: number;
  chunks: number;
  bytes: number;
  dataKeysDestroyed: number;
  /** Past retention but kept by a legal hold. */
  held: number;
  /** Past retention, not held, still present after the run: a retention exception. */
  overdue: number;
  /** Receive time of the oldest session left (held ones included). */
  oldestRemainingAt: number | null;
  /** The purge receipt (`null` in a dry run). */
  receiptId: string | null;
  /** Why this site's purge failed (the run went on with the other sites). */
  error?: string;
}

export interface PurgeRunResult {
  runId: string;
  /** `busy`: another process was purging; this run did nothing. */
  outcome: 'completed' | 'busy';
  dryRun: boolean;
  trigger: PurgeTrigger;
  startedAt: number;
  completedAt: number;
  /** Legal holds whose expiry passed, ended by this run. */
  holdsEnded: number;
  sites: SitePurgeResult[];
}

/** The site's policy version in force (its retention is the one applied). */
async function policyVersionOf(store: Store, site: SiteRecord): Promise<number> {
  return (await store.privacy.latestVersion(site.id))?.version ?? 1;
}

async function sitesOf(store: Store, siteKey: string | undefined): Promise<SiteRecord[]> {
  if (siteKey === undefined) return store.sites.list();
  const site = await store.sites.findByKey(siteKey);
  if (!site) throw new VeilError('unknown_site', `no site has the key ${siteKey}`);
  return [site];
}

/**
 * One purge run: every session whose server receive time is older than its site's `retentionDays`
 * (the policy version in force now) is deleted, data key first, in batches, unless a legal hold
 * keeps it; expired holds end first. Per site a purge receipt is stored and recorded in the audit
 * log (`retention.purged`); sessions past retention still present afterwards, or a site whose purge
 * failed, are recorded as a retention exception (`retention.exception`). Only one process purges a
 * database at a time: a run that finds the lock taken returns `busy`.
 */
export async function runRetentionPurge(
  deps: RetentionDeps,
  options: PurgeRunOptions,
): Promise<PurgeRunResult> {
  const { store, clock } = deps;
  const runId = `run_${randomUUID()}`;
  const startedAt = clock.now();
  const sites = await sitesOf(store, options.siteKey);
  const base = { runId, dryRun: options.dryRun === true, trigger: options.trigger, startedAt };
  if (options.dryRun) {
    const results: SitePurgeResult[] = [];
    for (const site of sites) results.push(await dryRunSite(store, site, startedAt));
    return { ...base, outcome: 'completed', completedAt: clock.now(), holdsEnded: 0, sites: results };
  }
  const locked = await store.retention.withLock(PURGE_LOCK_NAME, startedAt, PURGE_LEASE_MS, () =>
    purgeLocked(deps, options, runId, sites),
  );
  if (!locked.acquired) {
    deps.logger?.info({ runId }, 'retention purge skipped: another process is purging');
    return { ...base, outcome: 'busy', completedAt: clock.now(), holdsEnded: 0, sites: [] };
  }
  return { ...base, outcome: 'completed', completedAt: clock.now(), ...locked.value };
}

async function dryRunSite(store: Store, site: SiteRecord, now: number): Promise<SitePurgeResult> {
  const cutoff = now - site.policy.retentionDays * DAY_MS;
  const due = await store.retention.countDue(site.id, cutoff, now);
  return {
    siteKey: site.siteKey,
    siteName: site.name,
    policyVersion: await policyVersionOf(store, site),
    retentionDays: site.policy.retentionDays,
    cutoff,
    sessions: due.sessions,
    chunks: due.chunks,
    bytes: due.bytes,
    dataKeysDestroyed: due.sessions,
    held: await store.retention.countHeld(site.id, cutoff, now),
    overdue: 0,
    oldestRemainingAt: (await store.retention.oldestSession(site.id)) ?? null,
    receiptId: null,
  };
}

async function purgeLocked(
  deps: RetentionDeps,
  options: PurgeRunOptions,
  runId: string,
  sites: readonly SiteRecord[],
): Promise<{ holdsEnded: number; sites: SitePurgeResult[] }> {
  const { store, clock, audit } = deps;
  const timer = deps.timer ?? (() => performance.now());
  const actor = options.actor ?? systemActor('retention');
  const now = clock.now();
  const ended = await store.retention.endExpiredHolds(now);
  for (const hold of ended) {
    await audit.record({
      action: 'retention.hold_ended',
      actor,
      siteKey: hold.siteKey,
      target: { type: 'legal_hold', id: hold.id },
      details: { holdId: hold.id, expiresAt: hold.expiresAt },
    });
  }
  const plans = [];
  for (const site of sites) {
    const cutoff = now - site.policy.retentionDays * DAY_MS;
    plans.push({ site, cutoff, due: (await store.retention.countDue(site.id, cutoff, now)).sessions });
  }
  const progress = { done: 0, total: plans.reduce((sum, p) => sum + p.due, 0) };
  const results: SitePurgeResult[] = [];
  let purgedAny = false;
  for (const { site, cutoff } of plans) {
    const siteStarted = clock.now();
    const result: SitePurgeResult = {
      siteKey: site.siteKey,
      siteName: site.name,
      policyVersion: await policyVersionOf(store, site),
      retentionDays: site.policy.retentionDays,
      cutoff,
      sessions: 0,
      chunks: 0,
      bytes: 0,
      dataKeysDestroyed: 0,
      held: 0,
      overdue: 0,
      oldestRemainingAt: null,
      receiptId: null,
    };
    try {
      // Sized so one transaction holds the write lock about `PURGE_TARGET_TX_MS`.
      let batch = PURGE_BATCH_SESSIONS;
      for (;;) {
        const ids = await store.retention.dueSessions(site.id, cutoff, now, batch);
        if (ids.length === 0) break;
        const txStarted = timer();
        const purged = await store.retention.purge(ids, site.id, cutoff, now);
        batch = nextPurgeBatchSize(ids.length, timer() - txStarted);
        result.sessions += purged.sessions;
        result.chunks += purged.chunks;
        result.bytes += purged.bytes;
        result.dataKeysDestroyed += purged.dataKeys;
        progress.done += purged.sessions;
        options.onProgress?.({ siteKey: site.siteKey, ...progress });
        // Nothing removed from a non-empty batch (held meanwhile): stop rather than loop.
        if (purged.sessions === 0) break;
      }
      purgedAny ||= result.sessions > 0;
    } catch (error) {
      result.error = error instanceof Error ? error.message : String(error);
      deps.logger?.error({ err: error, siteKey: site.siteKey, runId }, 'retention purge failed for a site');
    }
    result.held = await store.retention.countHeld(site.id, cutoff, now);
    result.overdue = (await store.retention.countDue(site.id, cutoff, now)).sessions;
    result.oldestRemainingAt = (await store.retention.oldestSession(site.id)) ?? null;
    result.receiptId = `pr_${randomUUID()}`;
    const completedAt = clock.now();
    await store.retention.addReceipt({
      id: result.receiptId,
      runId,
      siteId: site.id,
      siteKey: site.siteKey,
      policyVersion: result.policyVersion,
      retentionDays: result.retentionDays,
      cutoff,
      sessions: result.sessions,
      chunks: result.chunks,
      bytes: result.bytes,
      dataKeys: result.dataKeysDestroyed,
      held: result.held,
      overdue: result.overdue,
      oldestRemainingAt: result.oldestRemainingAt,
      trigger: options.trigger,
      startedAt: siteStarted,
      completedAt,
    });
    await audit.record({
      action: 'retention.purged',
      actor,
      siteKey: site.siteKey,
      target: { type: 'purge_receipt', id: result.receiptId },
      details: {
        receiptId: result.receiptId,
        runId,
        trigger: options.trigger,
        policyVersion: result.policyVersion,
        retentionDays: result.retentionDays,
        cutoff,
        sessions: result.sessions,
        chunks: result.chunks,
        bytes: result.bytes,
        dataKeysDestroyed: result.dataKeysDestroyed,
        held: result.held,
        overdue: result.overdue,
        oldestRemainingAt: result.oldestRemainingAt,
      },
    });
    if (result.overdue > 0 || result.error !== undefined) {
      await audit.record({
        action: 'retention.exception',
        actor,
        siteKey: site.siteKey,
        target: { type: 'purge_receipt', id: result.receiptId },
        details: {
          reason: result.error === undefined ? 'overdue_after_purge' : 'purge_failed',
          overdue: result.overdue,
          oldestAt: result.oldestRemainingAt,
          retentionDays: result.retentionDays,
          ...(result.error === undefined ? {} : { error: result.error.slice(0, 500) }),
        },
      });
    }
    results.push(result);
  }
  if (purgedAny) await store.retention.compact();
  const total = results.reduce((sum, r) => sum + r.sessions, 0);
  deps.logger?.info(
    { runId, trigger: options.trigger, sessions: total, sites: results.length },
    'retention purge run',
  );
  return { holdsEnded: ended.length, sites: results };
}
