import type { FastifyBaseLogger } from 'fastify';

export interface ScheduledJob {
  name: string;
  intervalMs: number;
  /** Also run once right at start (not only after the first interval). */
  runAtStart?: boolean;
  run(): Promise<unknown>;
}

export interface JobSchedulerOptions {
  /**
   * Asked before each run: false skips it (another process sharing the database runs this
   * interval's). Without it every run goes ahead (one process).
   */
  claim?: (job: ScheduledJob) => Promise<boolean>;
}

/**
 * Runs each job every `intervalMs`, and right away when it asks to `runAtStart` (never overlapping
 * itself; a failing run is logged and retried at the next interval), once per interval across
 * processes when `options.claim` says so. Timers do not keep the process alive. `stop()` waits for
 * running jobs.
 */
export function startJobs(
  jobs: readonly ScheduledJob[],
  logger: FastifyBaseLogger,
  options: JobSchedulerOptions = {},
): () => Promise<void> {
  const claim = options.claim ?? (() => Promise.resolve(true));
  let stopped = false;
  const timers = new Set<NodeJS.Timeout>();
  const running = new Set<Promise<void>>();

  const schedule = (job: ScheduledJob, delayMs = job.intervalMs) => {
    if (stopped) return;
    const timer = setTimeout(() => {
      timers.delete(timer);
      const run = claim(job)
        .then((claimed) => (claimed ? job.run() : undefined))
        .then(
          () => undefined,
          (error: unknown) => logger.error({ err: error, job: job.name }, 'job failed'),
        )
        .finally(() => {
          running.delete(run);
          schedule(job);
        });
      running.add(run);
    }, delayMs);
    timer.unref();
    timers.add(timer);
  };
  for (const job of jobs) schedule(job, job.runAtStart ? 0 : job.intervalMs);

  return async () => {
    stopped = true;
    for (const timer of timers) clearTimeout(timer);
    timers.clear();
    await Promise.all(running);
  };
}
