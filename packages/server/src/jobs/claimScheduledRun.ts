import type { SettingsRepository } from '../storage/settings/SettingsRepository.js';

/**
 * A scheduled run may start early by this share of its interval (timers of different processes
 * drift); it still runs at most once per interval across the cluster.
 */
const EARLY_START_SHARE = 0.1;

/**
 * Claims this interval's run of job `name` for the calling process, among every process sharing
 * the database: true for exactly one caller per interval. The time the last run started is an
 * instance setting; a caller claims by moving it from the value it read to `now`, which only one
 * of several concurrent callers can do. A process that dies mid-run does not block the others:
 * the next interval is claimed as usual.
 */
export async function claimScheduledRun(
  settings: SettingsRepository,
  name: string,
  now: number,
  intervalMs: number,
): Promise<boolean> {
  const key = `job:${name}:last-started-at`;
  const last = await settings.putIfAbsent(key, '0');
  const lastStarted = Number(last);
  if (Number.isFinite(lastStarted) && now - lastStarted < intervalMs * (1 - EARLY_START_SHARE)) return false;
  return settings.compareAndSet(key, last, String(now));
}
