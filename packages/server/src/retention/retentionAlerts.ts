import type { AlertService } from '../alerts/AlertService.js';
import type { Clock } from '../clock.js';
import type { Store } from '../storage/Store.js';
import { DAY_MS } from './retentionConstants.js';
import { findRetentionExceptions } from './retentionStatus.js';
import type { PurgeRunResult } from './runRetentionPurge.js';

/** What raising needs of the alert service (the CLI and the job pass the real one). */
export type RetentionAlerter = Pick<AlertService, 'raise'>;

/**
 * One alert per site and cause: repeated runs with the same exception fold into the open alert
 * instead of notifying again every hour.
 */
function subjectOf(siteKey: string, reason: string): string {
  return `retention:${siteKey}:${reason}`;
}

function days(ms: number): number {
  return Math.round((ms / DAY_MS) * 10) / 10;
}

/**
 * Raises a `retention_exception` alert for each site of a purge run that failed or left sessions
 * past retention behind. Counts, dates and the receipt id only: never a session's content.
 * Returns the keys of the sites alerted (folded alerts included).
 */
export async function raiseRunExceptions(
  alerts: RetentionAlerter,
  run: PurgeRunResult,
): Promise<Set<string>> {
  const raised = new Set<string>();
  if (run.outcome !== 'completed' || run.dryRun) return raised;
  for (const site of run.sites) {
    if (site.error === undefined && site.overdue === 0) continue;
    const reason = site.error === undefined ? 'overdue_after_purge' : 'purge_failed';
    await alerts.raise('retention_exception', site.siteKey, {
      // Folds with the standing check's alert of the same site: one open alert per cause.
      subject: subjectOf(site.siteKey, reason === 'purge_failed' ? reason : 'overdue'),
      summary:
        reason === 'purge_failed'
          ? `The retention purge failed for ${site.siteName}; sessions past ${site.retentionDays} days may remain`
          : `${site.overdue} sessions of ${site.siteName} are past their ${site.retentionDays}-day retention after a purge`,
      details: {
        reason,
        overdue: site.overdue,
        retentionDays: site.retentionDays,
        receiptId: site.receiptId,
        runId: run.runId,
        oldestRemainingAt: site.oldestRemainingAt,
      },
    });
    raised.add(site.siteKey);
  }
  return raised;
}

/**
 * Raises a `retention_exception` alert for every site that holds unheld sessions older than its
 * policy allows beyond the grace between runs, whoever was meant to purge them (a purge stuck
 * behind another process's lock, a job that stopped running). Sites in `alerted` were alerted
 * for this run already and are skipped.
 */
export async function raiseStandingExceptions(
  alerts: RetentionAlerter,
  store: Store,
  clock: Clock,
  alerted: ReadonlySet<string> = new Set(),
): Promise<number> {
  const exceptions = (await findRetentionExceptions(store, clock)).filter((e) => !alerted.has(e.siteKey));
  for (const e of exceptions) {
    await alerts.raise('retention_exception', e.siteKey, {
      subject: subjectOf(e.siteKey, 'overdue'),
      summary: `${e.overdueSessions} sessions of ${e.siteName} are older than the ${e.retentionDays}-day retention allows`,
      details: {
        reason: 'overdue',
        overdue: e.overdueSessions,
        retentionDays: e.retentionDays,
        oldestAt: e.oldestAt,
        oldestAgeDays: days(clock.now() - e.oldestAt),
      },
    });
  }
  return exceptions.length;
}

/**
 * The job failed as a whole (the database refused, a bug): every site is told, since none of them
 * was purged. Raising itself may fail when the database is down; that is logged by the caller.
 */
export async function raiseJobFailure(alerts: RetentionAlerter, store: Store, error: unknown): Promise<void> {
  const message = (error instanceof Error ? error.message : String(error)).slice(0, 200);
  for (const site of await store.sites.list()) {
    await alerts.raise('retention_exception', site.siteKey, {
      subject: subjectOf(site.siteKey, 'job_failed'),
      summary: `The retention purge job failed; ${site.name} was not purged`,
      details: { reason: 'job_failed', error: message, retentionDays: site.policy.retentionDays },
    });
  }
}

/**
 * A scheduled retention run with its alerts: the purge, an alert per failed or incomplete site,
 * and a check of what is still overdue (which also catches a run that could not take the lock
 * because another process stopped mid-purge). A run that throws raises `job_failed` on every site
 * and rethrows, so the scheduler logs it.
 */
export async function runWithRetentionAlerts(
  deps: {
    alerts: RetentionAlerter;
    store: Store;
    clock: Clock;
    /** Told when raising the failure alert failed too (the database is down). */
    onAlertError: (error: unknown) => void;
  },
  run: () => Promise<PurgeRunResult>,
): Promise<PurgeRunResult> {
  let result: PurgeRunResult;
  try {
    result = await run();
  } catch (error) {
    await raiseJobFailure(deps.alerts, deps.store, error).catch(deps.onAlertError);
    throw error;
  }
  const alerted = await raiseRunExceptions(deps.alerts, result);
  await raiseStandingExceptions(deps.alerts, deps.store, deps.clock, alerted);
  return result;
}
