import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimScheduledRun } from '../../src/jobs/claimScheduledRun.js';
import { startJobs } from '../../src/jobs/JobScheduler.js';
import type { Store } from '../../src/storage/Store.js';
import { type OpenedBackend, storeBackends } from '../support/storeBackends.js';

// Scheduled jobs (finalise, cleanup, checkpoints, retention…) run once per interval across every
// process sharing the database: each process asks `claimScheduledRun` before a run.

const HOUR = 3_600_000;

describe.each(await storeBackends())('scheduled jobs on $name', (backend) => {
  let opened: OpenedBackend;
  let second: Store;
  beforeAll(async () => {
    opened = await backend.open();
    second = await opened.reopen();
  });
  afterAll(async () => {
    await second.close();
    await opened.store.close();
    await opened.cleanup();
  });

  it('gives one interval to exactly one of many concurrent claimants', async () => {
    const now = Date.UTC(2026, 0, 1);
    const claims = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        claimScheduledRun((i % 2 === 0 ? opened.store : second).settings, 'purge', now, HOUR),
      ),
    );
    expect(claims.filter(Boolean)).toHaveLength(1);
    // Within the interval nobody runs it again; the next interval is claimed once more.
    expect(await claimScheduledRun(second.settings, 'purge', now + HOUR / 2, HOUR)).toBe(false);
    const next = await Promise.all([
      claimScheduledRun(opened.store.settings, 'purge', now + HOUR, HOUR),
      claimScheduledRun(second.settings, 'purge', now + HOUR, HOUR),
    ]);
    expect(next.filter(Boolean)).toHaveLength(1);
    // Another job's intervals are its own.
    expect(await claimScheduledRun(second.settings, 'finalise', now, HOUR)).toBe(true);
  });

  it('runs a job once per interval between two schedulers sharing the database', async () => {
    const intervalMs = 100;
    let runs = 0;
    const job = (name: string) => ({
      name,
      intervalMs,
      run: async () => {
        runs += 1;
      },
    });
    const logger = pino({ level: 'silent' });
    const started = Date.now();
    const stops = [opened.store, second].map((store) =>
      startJobs([job('shared-job')], logger, {
        claim: (j) => claimScheduledRun(store.settings, j.name, Date.now(), j.intervalMs),
      }),
    );
    await new Promise((r) => setTimeout(r, 1_000));
    await Promise.all(stops.map((stop) => stop()));
    const elapsed = Date.now() - started;
    // Unclaimed, the two schedulers would run it about 2 × elapsed / interval times.
    expect(runs).toBeGreaterThan(0);
    expect(runs).toBeLessThanOrEqual(Math.ceil(elapsed / (intervalMs * 0.9)) + 1);
  });
});
