import { DEFAULT_PRIVACY_POLICY } from '@veil/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditLog } from '../../src/audit/AuditLog.js';
import { auditSigningKeyFromSeed } from '../../src/audit/auditSigningKey.js';
import { ManualClock } from '../../src/clock.js';
import { buildComplianceReport } from '../../src/compliance/buildComplianceReport.js';
import { EnvelopeCipher } from '../../src/crypto/EnvelopeCipher.js';
import type { Store } from '../../src/storage/Store.js';
import type { SiteRecord } from '../../src/storage/sites/SiteRepository.js';
import { storeBackends } from '../support/storeBackends.js';

// The compliance domain on every engine: the processor register, attestations and monthly
// summaries, and the period counts a pack is built from (sessions by receive time, raw-replay
// views with their viewers, purge receipts, alerts, subject requests).

const T = Date.UTC(2025, 3, 1);
const DAY = 86_400_000;
const cipher = new EnvelopeCipher(Buffer.alloc(32, 5));
const backends = await storeBackends();

describe.each(backends)('Compliance repository: $name', (backend) => {
  let store: Store;
  let cleanup: () => Promise<void>;
  let site: SiteRecord;
  let other: SiteRecord;
  const clock = new ManualClock(T);

  async function session(s: SiteRecord, id: string, receivedAt: number): Promise<void> {
    const outcome = await store.recordings.ingestChunk(
      {
        siteId: s.id,
        sessionId: id,
        visitorId: `v_${id}`,
        seq: 0,
        receivedAt,
        eventCount: 2,
        firstTs: receivedAt,
        lastTs: receivedAt + 4_000,
        pages: [{ url: 'https://shop.example/', ts: receivedAt, viewportWidth: 1280 }],
      },
      {
        newWrappedDataKey: () => cipher.newWrappedDataKey(id),
        seal: (wrapped) => ({
          payload: cipher.sealChunk(cipher.unwrapDataKey(id, wrapped), id, 0, Buffer.from('x')),
          titles: [],
        }),
      },
    );
    expect(outcome).toBe('stored');
  }

  beforeAll(async () => {
    const opened = await backend.open();
    store = opened.store;
    cleanup = opened.cleanup;
    const make = (key: string) =>
      store.sites.create({
        siteKey: key,
        name: key,
        origins: ['https://shop.example'],
        policy: { ...DEFAULT_PRIVACY_POLICY },
        createdAt: T,
      });
    site = await make('site_compl_001');
    other = await make('site_compl_002');
  });
  afterAll(async () => {
    await store?.close();
    await cleanup?.();
  });

  it('keeps the processor register, attestations and one summary per month', async () => {
    const base = {
      role: 'processor' as const,
      purpose: 'hosting',
      location: 'DE',
      dpaSignedAt: null,
      dpaReference: null,
    };
    await store.compliance.putProcessor({
      ...base,
      id: 'proc_b',
      siteId: site.id,
      name: 'Beta',
      updatedAt: T,
      updatedBy: 'dpo',
    });
    await store.compliance.putProcessor({
      ...base,
      id: 'proc_a',
      siteId: site.id,
      name: 'Alpha',
      updatedAt: T,
      updatedBy: 'dpo',
    });
    await store.compliance.putProcessor({
      ...base,
      id: 'proc_c',
      siteId: other.id,
      name: 'Other',
      updatedAt: T,
      updatedBy: 'dpo',
    });
    await store.compliance.putProcessor({
      ...base,
      id: 'proc_b',
      siteId: site.id,
      name: 'Beta',
      dpaSignedAt: T,
      updatedAt: T + 1,
      updatedBy: 'cli',
    });
    const list = await store.compliance.listProcessors(site.id);
    expect(list.map((p) => [p.name, p.dpaSignedAt, p.updatedBy])).toEqual([
      ['Alpha', null, 'dpo'],
      ['Beta', T, 'cli'],
    ]);
    expect(await store.compliance.deleteProcessor('proc_a')).toBe(true);
    expect(await store.compliance.deleteProcessor('proc_a')).toBe(false);
    expect((await store.compliance.findProcessor('proc_c'))?.siteId).toBe(other.id);

    for (const [id, at] of [
      ['att_1', T],
      ['att_2', T + DAY],
    ] as const)
      await store.compliance.addAttestation({
        id,
        siteId: site.id,
        kind: 'training_done',
        statement: 's',
        reference: null,
        attestedBy: 'dana',
        attestedAt: at,
        expiresAt: at + 365 * DAY,
      });
    expect((await store.compliance.listAttestations(site.id)).map((a) => a.id)).toEqual(['att_2', 'att_1']);
    expect(await store.compliance.listAttestations(other.id)).toEqual([]);

    await store.compliance.putSummary({
      siteId: site.id,
      month: '2025-03',
      score: 5,
      maxScore: 20,
      figures: { sessions: 1 },
      createdAt: T,
    });
    await store.compliance.putSummary({
      siteId: site.id,
      month: '2025-02',
      score: 4,
      maxScore: 20,
      figures: {},
      createdAt: T,
    });
    await store.compliance.putSummary({
      siteId: site.id,
      month: '2025-03',
      score: 7,
      maxScore: 20,
      figures: { sessions: 2 },
      createdAt: T + 1,
    });
    expect((await store.compliance.listSummaries(site.id, 10)).map((s) => [s.month, s.score])).toEqual([
      ['2025-02', 4],
      ['2025-03', 7],
    ]);
    expect((await store.compliance.findSummary(site.id, '2025-03'))?.figures).toEqual({ sessions: 2 });
  });

  it('counts a period by server receive time and builds the pack from it', async () => {
    await session(site, 'sess_c_before', T - DAY);
    await session(site, 'sess_c_in_1', T + 1_000);
    await session(site, 'sess_c_in_2', T + 2 * DAY);
    await session(other, 'sess_c_other', T + 1_000);
    const period = { from: T, to: T + 10 * DAY };
    expect(await store.compliance.countSessions(site.id, period)).toBe(2);

    const user = await store.users.create({
      email: 'viewer@shop.example',
      role: 'replay_viewer',
      passwordHash: 'x',
      createdAt: T,
    });
    if (!user) throw new Error('no user');
    await store.accessLog.record({
      userId: user.id,
      apiTokenId: null,
      sessionId: 'sess_c_in_1',
      siteId: site.id,
      purpose: 'bug 12',
      accessedAt: T + 5_000,
    });
    await store.accessLog.record({
      userId: null,
      apiTokenId: 'tok_gone',
      sessionId: 'sess_c_in_1',
      siteId: site.id,
      purpose: 'bug 13',
      accessedAt: T + 6_000,
    });
    await store.accessLog.record({
      userId: user.id,
      apiTokenId: null,
      sessionId: 'sess_c_other',
      siteId: other.id,
      purpose: 'x',
      accessedAt: T + 6_000,
    });
    expect(await store.compliance.replayViews(site.id, period)).toEqual([
      { at: T + 5_000, viewer: 'viewer@shop.example', sessionId: 'sess_c_in_1', purpose: 'bug 12' },
      { at: T + 6_000, viewer: 'a removed account', sessionId: 'sess_c_in_1', purpose: 'bug 13' },
    ]);

    await store.alerts.raise({
      siteId: site.id,
      kind: 'scope_drift',
      fingerprint: 'scope_drift:/a',
      severity: 'medium',
      summary: 'new page',
      details: {},
      at: T + DAY,
    });
    await store.alerts.raise({
      siteId: site.id,
      kind: 'scope_drift',
      fingerprint: 'scope_drift:/old',
      severity: 'medium',
      summary: 'old',
      details: {},
      at: T - 5 * DAY,
    });
    expect((await store.compliance.alerts(site.id, period)).map((a) => a.summary)).toEqual(['new page']);

    clock.set(T + 10 * DAY);
    const audit = new AuditLog({
      store,
      clock,
      signingKey: auditSigningKeyFromSeed(Buffer.alloc(32, 4), 'env', false, []),
    });
    await audit.record({
      action: 'site.created',
      actor: { type: 'system', id: null, label: 'test' },
      siteKey: site.siteKey,
    });
    const report = await buildComplianceReport(
      { store, clock, audit },
      { site, period, generatedBy: 'test' },
    );
    expect(report.figures).toMatchObject({
      sessionsStored: 2,
      rawReplayViews: 2,
      alertsRaised: 1,
      subjectRequests: 0,
    });
    expect(report.access.viewers.map((v) => v.viewer)).toEqual(['a removed account', 'viewer@shop.example']);
    expect(report.auditChain).toMatchObject({ ok: true, entries: 1 });
    expect(report.processors.map((p) => p.name)).toEqual(['Beta']);
  });
});
