import { afterAll, beforeAll, expect, it } from 'vitest';
import type { CliIo } from '../../src/cli/commands/shared.js';
import { runCli } from '../../src/cli/main.js';
import { makeBatch, sessionId, snapshotEvent } from '../support/batches.js';
import { startTestApp, type TestApp } from '../support/testApp.js';

// `veil retention run|status` on the server's real SQLite file: the CLI reads the system clock,
// the app received one session in 2025 (long past 30 days) and one just now.

let t: TestApp;
let oldId: string;
let freshId: string;

async function veil(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    out: (s) => out.push(s),
    err: (s) => err.push(s),
    env: { VEIL_DATA_DIR: t.config.dataDir },
    cwd: t.dir,
  };
  const code = await runCli(argv, io);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

async function ingestAt(id: string, now: number): Promise<void> {
  t.clock.set(now);
  const batch = makeBatch({ siteKey: t.site.siteKey, sessionId: id, sentAt: now });
  batch.events.push(snapshotEvent(now + 10, 'hello'));
  const res = await t.ingest(batch);
  expect(res.statusCode).toBe(202);
}

beforeAll(async () => {
  t = await startTestApp();
  oldId = sessionId();
  freshId = sessionId();
  await ingestAt(oldId, Date.UTC(2025, 0, 1, 12));
  await ingestAt(freshId, Date.now());
});
afterAll(() => t?.close());

it('answers --help for retention, run and status', async () => {
  expect((await veil('retention', '--help')).out).toContain('status');
  expect((await veil('retention', 'run', '--help')).out).toContain('--dry-run');
  expect((await veil('retention', 'status', '--help')).out).toContain('--json');
});

it('shows the status, previews, purges with a receipt, and shows the receipt', async () => {
  const before = await veil('retention', 'status', '--json');
  expect(before.code).toBe(0);
  const site = JSON.parse(before.out).sites.find((s: { siteKey: string }) => s.siteKey === t.site.siteKey);
  expect(site).toMatchObject({ retentionDays: 30, dueSessions: 1, lastReceipt: null, nextRunAt: null });
  expect(site.exception.overdueSessions).toBe(1);
  expect((await veil('retention', 'status')).out).toContain('EXCEPTION: 1 sessions older than policy allows');

  const dry = await veil('retention', 'run', '--dry-run', '--site', t.site.siteKey);
  expect(dry.out).toContain('would purge 1 sessions');
  expect(await t.app.veil.store.recordings.get(oldId)).toBeDefined();

  const run = await veil('retention', 'run');
  expect(run.code).toBe(0);
  expect(run.out).toMatch(/purged 1 sessions, 1 chunks, \d+ bytes; retention 30 days \(policy v1\)/);
  expect(run.out).toContain('Total: 1 sessions purged');
  expect(await t.app.veil.store.recordings.get(oldId)).toBeUndefined();
  expect(await t.app.veil.store.recordings.get(freshId)).toBeDefined();

  const after = JSON.parse((await veil('retention', 'status', '--json', '--site', t.site.siteKey)).out)
    .sites[0];
  expect(after).toMatchObject({
    dueSessions: 0,
    exception: null,
    lastReceipt: { sessions: 1, trigger: 'cli' },
  });
  expect(after.nextRunAt).toBe(after.lastReceipt.completedAt + 3_600_000);
  expect((await veil('audit', 'verify')).code).toBe(0);

  const unknown = await veil('retention', 'run', '--site', 'no_such_site_1');
  expect(unknown.code).toBe(1);
  expect(unknown.err).toContain('no site has the key');
});
