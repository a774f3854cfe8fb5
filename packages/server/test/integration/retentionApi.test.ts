import { EventType, type RecordedEvent, VeilCustomTag } from '@veil/core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { CliIo } from '../../src/cli/commands/shared.js';
import { runCli } from '../../src/cli/main.js';
import { runRetentionPurge } from '../../src/retention/runRetentionPurge.js';
import { makeBatch, sessionId, snapshotEvent, T0 } from '../support/batches.js';
import { startTestApp, type TestApp } from '../support/testApp.js';

// Legal holds through the API and the CLI, the retention status route, and the policy preview's
// retention impact, on a real SQLite file with the app's controllable clock.

const DAY = 86_400_000;
let t: TestApp;
let owner: Record<string, string>;
let analyst: Record<string, string>;
const ids: string[] = [];

function identify(ts: number, userId: string): RecordedEvent {
  return {
    type: EventType.Custom,
    timestamp: ts,
    data: { tag: VeilCustomTag.Identify, payload: { userId } },
  };
}

async function record(receivedAt: number, extra: RecordedEvent[] = []): Promise<string> {
  t.clock.set(receivedAt);
  const id = sessionId();
  const batch = makeBatch({ siteKey: t.site.siteKey, sessionId: id, sentAt: receivedAt });
  batch.events.push(snapshotEvent(receivedAt + 10, 'hello'), ...extra);
  expect((await t.ingest(batch)).statusCode).toBe(202);
  return id;
}

async function veil(...argv: string[]) {
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

beforeAll(async () => {
  t = await startTestApp();
  owner = { authorization: `Bearer ${await t.token('owner')}` };
  analyst = { authorization: `Bearer ${await t.token('analyst')}` };
  ids.push(await record(T0)); // [0] held by session
  ids.push(await record(T0 + 1_000, [identify(T0 + 1_010, 'carol@example.com')])); // [1] held by subject
  ids.push(await record(T0 + 2_000)); // [2] purged
  ids.push(await record(T0 + 20 * DAY)); // [3] fresh
});
afterAll(() => t?.close());

it('places holds by session and by subject, lists them, and keeps held sessions through a purge', async () => {
  t.clock.set(T0 + 31 * DAY);
  const bySession = await t.app.inject({
    method: 'POST',
    url: `/api/v1/sites/${t.site.siteKey}/legal-holds`,
    headers: owner,
    payload: {
      target: { kind: 'session', sessionId: ids[0] },
      reason: 'litigation 17',
      expiresAt: T0 + 60 * DAY,
    },
  });
  expect(bySession.statusCode).toBe(201);
  expect(bySession.json().hold).toMatchObject({ scope: 'session', sessionId: ids[0], active: true });
  const bySubject = await t.app.inject({
    method: 'POST',
    url: `/api/v1/sites/${t.site.siteKey}/legal-holds`,
    headers: owner,
    payload: {
      target: { kind: 'userId', userId: 'carol@example.com' },
      reason: 'complaint 9',
      expiresAt: T0 + 45 * DAY,
    },
  });
  expect(bySubject.statusCode).toBe(201);
  expect(bySubject.body).not.toContain('carol@example.com');

  const refused = await t.app.inject({
    method: 'POST',
    url: `/api/v1/sites/${t.site.siteKey}/legal-holds`,
    headers: analyst,
    payload: { target: { kind: 'session', sessionId: ids[2] }, reason: 'nope', expiresAt: T0 + 45 * DAY },
  });
  expect(refused.statusCode).toBe(403);
  const bad = await t.app.inject({
    method: 'POST',
    url: `/api/v1/sites/${t.site.siteKey}/legal-holds`,
    headers: owner,
    payload: { target: { kind: 'session', sessionId: 'nope' }, reason: 'x', expiresAt: 1 },
  });
  expect(bad.statusCode).toBe(400);
  expect(bad.json().error.code).toBe('validation_failed');
  const missing = await t.app.inject({
    method: 'POST',
    url: `/api/v1/sites/${t.site.siteKey}/legal-holds`,
    headers: owner,
    payload: {
      target: { kind: 'session', sessionId: 'no_such_session' },
      reason: 'case 1',
      expiresAt: T0 + 45 * DAY,
    },
  });
  expect(missing.statusCode).toBe(404);

  const listed = await t.app.inject({ url: `/api/v1/sites/${t.site.siteKey}/legal-holds`, headers: owner });
  expect(listed.json().holds).toHaveLength(2);

  const run = await runRetentionPurge(
    { store: t.app.veil.store, clock: t.clock, audit: t.app.veil.audit },
    { trigger: 'schedule' },
  );
  expect(run.sites[0]).toMatchObject({ sessions: 1, held: 2 });
  expect(await t.app.veil.store.recordings.get(ids[0] ?? '')).toBeDefined();
  expect(await t.app.veil.store.recordings.get(ids[1] ?? '')).toBeDefined();
  expect(await t.app.veil.store.recordings.get(ids[2] ?? '')).toBeUndefined();

  const status = await t.app.inject({ url: `/api/v1/sites/${t.site.siteKey}/retention`, headers: owner });
  expect(status.json().retention).toMatchObject({ heldSessions: 2, activeHolds: 2, dueSessions: 0 });

  const holdId = bySession.json().hold.id as string;
  const released = await t.app.inject({
    method: 'DELETE',
    url: `/api/v1/sites/${t.site.siteKey}/legal-holds/${holdId}`,
    headers: owner,
  });
  expect(released.statusCode).toBe(200);
  expect(released.json().hold).toMatchObject({ active: false, releasedBy: 'token test owner' });
  const again = await t.app.inject({
    method: 'DELETE',
    url: `/api/v1/sites/${t.site.siteKey}/legal-holds/${holdId}`,
    headers: owner,
  });
  expect(again.statusCode).toBe(409);
  await runRetentionPurge(
    { store: t.app.veil.store, clock: t.clock, audit: t.app.veil.audit },
    { trigger: 'schedule' },
  );
  expect(await t.app.veil.store.recordings.get(ids[0] ?? '')).toBeUndefined();
  expect(await t.app.veil.store.recordings.get(ids[1] ?? '')).toBeDefined();

  const audit = await t.app.inject({
    url: '/api/v1/audit?action=retention.hold_placed,retention.hold_released',
    headers: owner,
  });
  expect(
    audit
      .json()
      .entries.map((e: { action: string }) => e.action)
      .sort(),
  ).toEqual(['retention.hold_placed', 'retention.hold_placed', 'retention.hold_released']);
});

it('places, lists and releases a hold from the CLI (system clock)', async () => {
  const placed = await veil(
    'retention',
    'hold',
    '--site',
    t.site.siteKey,
    '--session',
    ids[3] ?? '',
    '--reason',
    'case 5',
    '--days',
    '30',
    '--json',
  );
  expect(placed.code).toBe(0);
  const hold = JSON.parse(placed.out);
  expect(hold).toMatchObject({ scope: 'session', sessionId: ids[3], reason: 'case 5', active: true });
  expect((await veil('retention', 'holds', '--site', t.site.siteKey)).out).toContain('case 5');
  const both = await veil('retention', 'hold', '--site', t.site.siteKey, '--reason', 'case 5', '--days', '3');
  expect(both.code).toBe(1);
  expect((await veil('retention', 'release', '--site', t.site.siteKey, hold.id)).code).toBe(0);
  const again = await veil('retention', 'release', '--site', t.site.siteKey, hold.id);
  expect(again.code).toBe(1);
  expect(again.err).toContain('ended already');
  expect((await veil('retention', 'holds', '--site', t.site.siteKey, '--all')).out).toMatch(
    /ended .*\(cli\)/,
  );
});

it('previews how many sessions a shorter retention purges before saving', async () => {
  const current = (
    await t.app.inject({ url: `/api/v1/sites/${t.site.siteKey}/policy`, headers: owner })
  ).json();
  const preview = await t.app.inject({
    method: 'POST',
    url: `/api/v1/sites/${t.site.siteKey}/policy/preview`,
    headers: owner,
    payload: { policy: { ...current.policy, retentionDays: 1 } },
  });
  expect(preview.statusCode).toBe(200);
  // Session [3] (received 11 days ago) would go; [1] is held by its subject.
  expect(preview.json().retention).toMatchObject({
    currentDays: 30,
    proposedDays: 1,
    sessionsNow: 0,
    sessionsProposed: 1,
  });
  const fresh = await record(t.clock.now() - 2 * DAY + 1);
  t.clock.advance(2 * DAY);
  const after = await t.app.inject({
    method: 'POST',
    url: `/api/v1/sites/${t.site.siteKey}/policy/preview`,
    headers: owner,
    payload: { policy: { ...current.policy, retentionDays: 1 } },
  });
  expect(after.json().retention).toMatchObject({ sessionsNow: 0, sessionsProposed: 2 });
  expect(after.json().retention.bytesProposed).toBeGreaterThan(0);
  expect(await t.app.veil.store.recordings.get(fresh)).toBeDefined();
});
