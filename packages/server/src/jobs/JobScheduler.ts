import type { FastifyBaseLogger } from 'fastify';

export interface ScheduledJob {
  name: string;
  intervalMs: number;
  run(): Promise<unknown>;
}

/**
 * Runs each job every `intervalMs` (never overlapping itself; a failing run is logged and retried
 * at the next interval). Timers do not keep the process alive. `stop()` waits for running jobs.
 */
export function startJobs(jobs: readonly ScheduledJob[], logger: FastifyBaseLogger): () => Promise<void> {
  let stopped = false;
  const timers = new Set<NodeJS.Timeout>();
  const running = new Set<Promise<void>>();

  const schedule = (job: ScheduledJob) => {
    if (stopped) return;
    const timer = setTimeout(() => {
      timers.delete(timer);
      const run = job
        .run()
        .then(
          () => undefined,
          (error: unknown) => logger.error({ err: error, job: job.name }, 'job failed'),
        )
        .finally(() => {
          running.delete(run);
          schedule(job);
        });
      running.add(run);
    }, job.intervalMs);
    timer.unref();
    timers.add(timer);
  };
  for (const job of jobs) schedule(job);

  return async () => {
    stopped = true;
    for (const timer of timers) clearTimeout(timer);
    timers.clear();
    await Promise.all(running);
  };
}
