import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { loadConfig, type VeilConfig } from '../../src/config/config.js';
import { DAY_MS } from '../../src/retention/retentionConstants.js';
import { createSite } from '../../src/sites/createSite.js';
import { type RunningServer, startServer } from '../../src/startServer.js';
import { makeBatch, moveEvent, sessionId, snapshotEvent, T0 } from '../support/batches.js';
import { grantTestConsent } from '../support/consent.js';
import { createTestDatabase, postgresAvailable, type TestDatabase } from '../support/postgres.js';
import { makeTempDir } from '../support/tempDir.js';
import { FAST_HASHING, SITE_ORIGIN } from '../support/testApp.js';

// An operator's server lives through weeks: it is stopped and started again later, nobody runs a
// command. Restarted with its clock moved 40 days forward, it purges at start what is past the
// 30-day retention (with a receipt) and keeps what is not, on SQLite and on PostgreSQL.

const engines: Array<'sqlite' | 'postgres'> = ['sqlite'];
if (await postgresAvailable()) engines.push('postgres');

const cleanups: Array<() => Promise<void> | void> = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

async function configFor(engine: 'sqlite' | 'postgres'): Promise<VeilConfig> {
  const temp = makeTempDir();
  cleanups.push(() => temp.remove());
  const env: Record<string, string> = {
    VEIL_DATA_DIR: path.join(temp.dir, 'data'),
    PORT: '0',
    VEIL_DEMO: 'false',
    VEIL_ADMIN_PASSWORD: 'restart-test-password',
  };
  if (engine === 'postgres') {
    const db: TestDatabase = await createTestDatabase();
    cleanups.push(() => db.drop());
    env.VEIL_DATABASE_URL = db.url;
  }
  return { ...loadConfig(env, temp.dir), passwordHashing: FAST_HASHING };
}

async function start(config: VeilConfig, clock: ManualClock, logs: string[]): Promise<RunningServer> {
  return startServer(config, {
    clock,
    logStream: { write: (line: string) => void logs.push(line) },
    print: () => {},
  });
}

async function ingest(server: RunningServer, siteKey: string, at: number): Promise<string> {
  const id = sessionId();
  const batch = makeBatch({ siteKey, sessionId: id, sentAt: at });
  batch.events.push(snapshotEvent(T0 + 10, 'weeks later'), moveEvent(T0 + 6_000));
  const res = await fetch(`${server.url}/ingest/v1/batch`, {
    method: 'POST',
    headers: { 'content-type': 'text/plain', origin: SITE_ORIGIN },
    body: JSON.stringify(batch),
  });
  expect(res.status).toBe(202);
  return id;
}

async function until<T>(probe: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.each(engines)('a server restarted weeks later on %s', (engine) => {
  it('purges at start, without any command, what its clock says is past retention', async () => {
    const config = await configFor(engine);
    const logs: string[] = [];

    const first = await start(config, new ManualClock(T0), logs);
    // Its start purge ran on an empty database (before the site exists).
    await until(async () => logs.find((l) => l.includes('"msg":"retention purge run"')));
    const site = await createSite(first.store, new ManualClock(T0), {
      name: 'Shop',
      origins: [SITE_ORIGIN],
      samplingPercent: 100,
    });
    await grantTestConsent(first.store, site);
    const old = await ingest(first, site.siteKey, T0);
    await first.close();

    // Three weeks later: the start purge finds nothing due; a fresh session arrives.
    const second = await start(config, new ManualClock(T0 + 21 * DAY_MS), logs);
    const fresh = await ingest(second, site.siteKey, T0);
    const noneDue = await until(async () => second.store.retention.lastReceipt(site.id));
    expect(noneDue).toMatchObject({ trigger: 'start', sessions: 0 });
    await second.close();

    // Forty days after the first session (nineteen after the fresh one): restarted, nothing else.
    const third = await start(config, new ManualClock(T0 + 40 * DAY_MS), logs);
    try {
      const receipt = await until(async () => {
        const r = await third.store.retention.lastReceipt(site.id);
        return r && r.id !== noneDue.id ? r : undefined;
      });
      expect(receipt).toMatchObject({
        trigger: 'start',
        sessions: 1,
        retentionDays: 30,
        oldestRemainingAt: T0 + 21 * DAY_MS,
      });
      expect(await third.store.recordings.get(old)).toBeUndefined();
      expect(await third.store.recordings.wrappedKey(old)).toBeUndefined();
      expect(await third.store.recordings.chunks(old)).toEqual([]);
      expect((await third.store.recordings.chunks(fresh)).length).toBe(1);
      // The run ends (audit entry, compaction, its log line) after the receipt is written.
      const line = await until(async () =>
        logs.find((l) => l.includes('"msg":"retention purge run"') && l.includes('"sessions":1')),
      );
      expect(line).toContain('"trigger":"start"');
      const actions: string[] = [];
      for await (const e of third.store.audit.scan()) actions.push(`${e.action}:${e.details.trigger ?? ''}`);
      expect(actions.filter((a) => a === 'retention.purged:start')).toHaveLength(2);
    } finally {
      await third.close();
    }
  });
});
