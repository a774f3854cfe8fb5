import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_PRIVACY_POLICY } from '@veil/core';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import {
  DAY_MS,
  nextPurgeBatchSize,
  PURGE_BATCH_SESSIONS,
  PURGE_MIN_BATCH_SESSIONS,
  PURGE_TARGET_TX_MS,
} from '../../src/retention/retentionConstants.js';
import { runRetentionPurge } from '../../src/retention/runRetentionPurge.js';
import { openSqliteStore } from '../../src/storage/sqlite/openSqliteStore.js';

// SQLite has one writer and better-sqlite3 runs a transaction on the event loop: a purge
// transaction of 2 000 sessions held both for 200-400 ms at 1 M sessions, longer than ingest's
// p99 target. The run now sizes each transaction from how long the last one took.

const T = Date.UTC(2025, 0, 1);
let dir: string | undefined;

afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('nextPurgeBatchSize', () => {
  it('aims at the target time, at most halving or doubling per step, within bounds', () => {
    expect(PURGE_TARGET_TX_MS).toBe(250);
    expect(nextPurgeBatchSize(2_000, 2_000)).toBe(1_000); // would be 250: halved at most
    expect(nextPurgeBatchSize(2_000, 500)).toBe(1_000);
    expect(nextPurgeBatchSize(1_000, 400)).toBe(625);
    expect(nextPurgeBatchSize(500, PURGE_TARGET_TX_MS)).toBe(500);
    expect(nextPurgeBatchSize(500, 10)).toBe(1_000); // would be 12 500: doubled at most
    expect(nextPurgeBatchSize(1_500, 0)).toBe(PURGE_BATCH_SESSIONS);
    expect(nextPurgeBatchSize(300, 10_000)).toBe(PURGE_MIN_BATCH_SESSIONS);
  });
});

describe('Retention purge on SQLite: transaction size', () => {
  it('shrinks its transactions while each takes longer than the target, and still purges everything', async () => {
    dir = mkdtempSync(join(tmpdir(), 'veil-purge-batching-'));
    const file = join(dir, 'veil.sqlite');
    const store = await openSqliteStore(file);
    try {
      const site = await store.sites.create({
        siteKey: 'site_batching',
        name: 'batching',
        origins: ['https://shop.example'],
        policy: { ...DEFAULT_PRIVACY_POLICY, retentionDays: 30 },
        createdAt: T - 90 * DAY_MS,
      });
      const sqlite = new BetterSqlite3(file);
      const insert = sqlite.prepare(
        `insert into recording_sessions (id, site_id, started_at, ended_at, last_received_at, created_at)
         values (?, ?, ?, ?, ?, ?)`,
      );
      sqlite.transaction(() => {
        for (let i = 0; i < 4_100; i++) {
          const at = T - (i < 4_000 ? 40 : 5) * DAY_MS + i;
          insert.run(`s_${String(i).padStart(5, '0')}`, site.id, at, at, at, at);
        }
      })();
      sqlite.close();

      // The real purge, timed by a timer that says each session took 0.5 ms (2 000 in 1 s).
      const clock = new ManualClock(T);
      let elapsed = 0;
      const sizes: number[] = [];
      const purge = store.retention.purge.bind(store.retention);
      store.retention.purge = async (ids, siteId, cutoff, now) => {
        sizes.push(ids.length);
        const result = await purge(ids, siteId, cutoff, now);
        elapsed += ids.length * 0.5;
        return result;
      };
      const run = await runRetentionPurge(
        { store, clock, audit: { record: async () => undefined }, timer: () => elapsed },
        { trigger: 'cli' },
      );
      expect(run.sites[0]?.sessions).toBe(4_000);
      expect(run.sites[0]?.overdue).toBe(0);
      expect(sizes).toEqual([2_000, 1_000, 500, 500]);
      expect((await store.retention.countDue(site.id, T - 30 * DAY_MS, T)).sessions).toBe(0);
    } finally {
      await store.close();
    }
  });
});
