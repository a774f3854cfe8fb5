import { existsSync, readFileSync } from 'node:fs';
import { DEFAULT_PRIVACY_POLICY, type PrivacyPolicy } from '@veil/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditLog } from '../../src/audit/AuditLog.js';
import { auditSigningKeyFromSeed } from '../../src/audit/auditSigningKey.js';
import { ManualClock } from '../../src/clock.js';
import { EnvelopeCipher } from '../../src/crypto/EnvelopeCipher.js';
import { DAY_MS } from '../../src/retention/retentionConstants.js';
import { findRetentionExceptions, retentionStatus } from '../../src/retention/retentionStatus.js';
import { runRetentionPurge } from '../../src/retention/runRetentionPurge.js';
import type { ChunkSealer } from '../../src/storage/recordings/RecordingRepository.js';
import type { Store } from '../../src/storage/Store.js';
import type { SiteRecord } from '../../src/storage/sites/SiteRepository.js';
import { storeBackends } from '../support/storeBackends.js';

// Retention on every engine with a controllable clock: sessions past policy (by the server's
// receive time, whatever the browser's clock said) are gone with their keys, chunks and links;
// held and fresh sessions stay; receipts exist and the audit chain verifies; one process purges.

const T = Date.UTC(2025, 0, 1);
const cipher = new EnvelopeCipher(Buffer.alloc(32, 9));
const backends = await storeBackends();

function sealer(sessionId: string, seq: number, text: string): ChunkSealer {
  return {
    newWrappedDataKey: () => cipher.newWrappedDataKey(sessionId),
    seal: (wrapped) => ({
      payload: cipher.sealChunk(cipher.unwrapDataKey(sessionId, wrapped), sessionId, seq, Buffer.from(text)),
      titles: [],
    }),
  };
}

describe.each(backends)('Retention purge: $name', (backend) => {
  let store: Store;
  let cleanup: () => Promise<void>;
  let file: string | undefined;
  let clock: ManualClock;
  let audit: AuditLog;
  let week: SiteRecord;
  let month: SiteRecord;

  const deps = () => ({ store, clock, audit });

  async function record(site: SiteRecord, id: string, receivedAt: number, clientTs: number): Promise<Buffer> {
    for (const seq of [0, 1]) {
      const outcome = await store.recordings.ingestChunk(
        {
          siteId: site.id,
          sessionId: id,
          visitorId: `v_${id}`,
          seq,
          receivedAt,
          eventCount: 3,
          firstTs: clientTs,
          lastTs: clientTs + 5_000,
          pages: [{ url: 'https://shop.example/a', ts: clientTs, viewportWidth: 1280 }],
        },
        sealer(id, seq, `recorded text of ${id} ${seq}`),
      );
      expect(outcome).toBe('stored');
    }
    await store.subjects.addTags(id, [{ key: 'plan', value: 'pro' }]);
    const key = await store.recordings.wrappedKey(id);
    if (!key) throw new Error('no key');
    return key;
  }

  async function site(key: string, retentionDays: number): Promise<SiteRecord> {
    const policy: PrivacyPolicy = { ...DEFAULT_PRIVACY_POLICY, retentionDays };
    return store.sites.create({
      siteKey: key,
      name: key,
      origins: ['https://shop.example'],
      policy,
      createdAt: T,
    });
  }

  beforeAll(async () => {
    const opened = await backend.open();
    store = opened.store;
    cleanup = opened.cleanup;
    file = opened.file;
    clock = new ManualClock(T);
    audit = new AuditLog({
      store,
      clock,
      signingKey: auditSigningKeyFromSeed(Buffer.alloc(32, 3), 'env', false, []),
    });
    week = await site('site_week_0001', 7);
    month = await site('site_month_001', 30);
  });
  afterAll(async () => {
    await store?.close();
    await cleanup?.();
  });

  it('purges by server receive time, keeps held and fresh sessions, writes receipts, verifies', async () => {
    // Received at T; the browser claims 2030 (a forged clock to keep the recording for ever).
    const forgedFuture = await record(week, 'sess_forged_future', T, Date.UTC(2030, 0, 1));
    const old = await record(week, 'sess_old_0001', T + 1_000, T + 1_000);
    await record(week, 'sess_held_direct', T + 2_000, T + 2_000);
    await record(week, 'sess_held_subject', T + 3_000, T + 3_000);
    await store.subjects.link('sess_held_subject', week.id, 'user_hash_held', T + 3_000);
    // Received six days later; the browser claims 2020: still fresh.
    await record(week, 'sess_forged_past', T + 6 * DAY_MS, Date.UTC(2020, 0, 1));
    await record(month, 'sess_month_0001', T, T);

    clock.set(T + 6 * DAY_MS + 1);
    await store.retention.addHold({
      id: 'hold_direct_0001',
      siteId: week.id,
      siteKey: week.siteKey,
      sessionId: 'sess_held_direct',
      userHash: null,
      reason: 'litigation 2025-17',
      createdBy: 'dpo@test',
      createdAt: clock.now(),
      expiresAt: T + 20 * DAY_MS,
      releasedAt: null,
      releasedBy: null,
    });
    await store.retention.addHold({
      id: 'hold_subject_01',
      siteId: week.id,
      siteKey: week.siteKey,
      sessionId: null,
      userHash: 'user_hash_held',
      reason: 'complaint 88',
      createdBy: 'dpo@test',
      createdAt: clock.now(),
      expiresAt: T + 10 * DAY_MS,
      releasedAt: null,
      releasedBy: null,
    });

    clock.set(T + 8 * DAY_MS);
    const dry = await runRetentionPurge(deps(), { trigger: 'cli', dryRun: true, siteKey: week.siteKey });
    expect(dry.sites[0]).toMatchObject({ sessions: 2, chunks: 4, held: 2, receiptId: null });
    expect(await store.recordings.get('sess_old_0001')).toBeDefined();

    const progress: number[] = [];
    const run = await runRetentionPurge(deps(), {
      trigger: 'schedule',
      onProgress: (p) => progress.push(p.done),
    });
    expect(run.outcome).toBe('completed');
    const weekResult = run.sites.find((s) => s.siteKey === week.siteKey);
    expect(weekResult).toMatchObject({
      sessions: 2,
      chunks: 4,
      dataKeysDestroyed: 2,
      held: 2,
      overdue: 0,
      retentionDays: 7,
      policyVersion: 1,
      oldestRemainingAt: T + 2_000,
    });
    expect(weekResult?.bytes).toBeGreaterThan(0);
    expect(progress.at(-1)).toBe(2);
    expect(run.sites.find((s) => s.siteKey === month.siteKey)?.sessions).toBe(0);

    for (const id of ['sess_forged_future', 'sess_old_0001']) {
      expect(await store.recordings.get(id)).toBeUndefined();
      expect(await store.recordings.wrappedKey(id)).toBeUndefined();
      expect(await store.recordings.chunks(id)).toEqual([]);
      expect(await store.recordings.pages(id)).toEqual([]);
      expect(await store.subjects.tags(id)).toEqual([]);
    }
    for (const id of ['sess_held_direct', 'sess_held_subject', 'sess_forged_past', 'sess_month_0001']) {
      expect((await store.recordings.chunks(id)).length).toBe(2);
    }
    if (file) {
      const bytes = Buffer.concat([
        readFileSync(file),
        existsSync(`${file}-wal`) ? readFileSync(`${file}-wal`) : Buffer.alloc(0),
      ]);
      expect(bytes.includes(forgedFuture)).toBe(false);
      expect(bytes.includes(old)).toBe(false);
    }

    const receipt = await store.retention.lastReceipt(week.id);
    expect(receipt).toMatchObject({ sessions: 2, policyVersion: 1, trigger: 'schedule', runId: run.runId });
    const entries = [];
    for await (const e of store.audit.scan()) entries.push(e);
    const purged = entries.filter((e) => e.action === 'retention.purged');
    expect(purged.map((e) => e.siteKey).sort()).toEqual([month.siteKey, week.siteKey].sort());
    expect(purged.find((e) => e.siteKey === week.siteKey)?.details).toMatchObject({
      receiptId: receipt?.id,
      sessions: 2,
      policyVersion: 1,
      oldestRemainingAt: T + 2_000,
    });
    expect((await audit.verify()).ok).toBe(true);
  });

  it('keeps held sessions until their hold ends by itself, then purges them', async () => {
    clock.set(T + 10 * DAY_MS + 1);
    const run = await runRetentionPurge(deps(), { trigger: 'schedule', siteKey: week.siteKey });
    expect(run.holdsEnded).toBe(1);
    expect(await store.recordings.get('sess_held_subject')).toBeUndefined();
    expect(await store.recordings.get('sess_held_direct')).toBeDefined();
    expect((await store.retention.getHold('hold_subject_01'))?.releasedBy).toBe('expiry');
    expect(await store.retention.listHolds(week.id, clock.now(), false)).toHaveLength(1);

    expect(await store.retention.releaseHold('hold_direct_0001', 'dpo@test', clock.now())).toBe(true);
    const again = await runRetentionPurge(deps(), { trigger: 'schedule', siteKey: week.siteKey });
    expect(again.sites[0]).toMatchObject({ sessions: 1, held: 0, overdue: 0 });
    expect(await store.recordings.get('sess_held_direct')).toBeUndefined();
    expect(await store.recordings.get('sess_forged_past')).toBeDefined();
    const actions: string[] = [];
    for await (const e of store.audit.scan()) actions.push(e.action);
    expect(actions).toContain('retention.hold_ended');
    expect((await audit.verify()).ok).toBe(true);
  });

  it('lets one process purge at a time', async () => {
    const outer = await store.retention.withLock('veil.retention.purge', clock.now(), 60_000, () =>
      runRetentionPurge(deps(), { trigger: 'schedule' }),
    );
    expect(outer).toEqual({ acquired: true, value: expect.objectContaining({ outcome: 'busy', sites: [] }) });
    const after = await runRetentionPurge(deps(), { trigger: 'schedule' });
    expect(after.outcome).toBe('completed');
  });

  it('reports a retention exception when sessions outlive their policy, and status per site', async () => {
    clock.set(T + 40 * DAY_MS);
    const exceptions = await findRetentionExceptions(store, clock);
    expect(exceptions.map((e) => e.siteKey).sort()).toEqual([month.siteKey, week.siteKey].sort());
    expect(exceptions.find((e) => e.siteKey === month.siteKey)).toMatchObject({
      overdueSessions: 1,
      oldestAt: T,
    });
    const status = await retentionStatus(store, clock);
    const m = status.find((s) => s.siteKey === month.siteKey);
    expect(m).toMatchObject({ retentionDays: 30, oldestSessionAt: T, dueSessions: 1 });
    expect(m?.exception?.overdueSessions).toBe(1);
    expect(m?.nextRunAt).toBeGreaterThan(0);

    await runRetentionPurge(deps(), { trigger: 'cli' });
    expect(await findRetentionExceptions(store, clock)).toEqual([]);
    const after = await retentionStatus(store, clock, month.siteKey);
    expect(after[0]).toMatchObject({ oldestSessionAt: null, dueSessions: 0, exception: null });
    expect(after[0]?.lastReceipt).toMatchObject({ sessions: 1, trigger: 'cli' });
  });
});
