import { DEFAULT_PRIVACY_POLICY } from '@veil/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EnvelopeCipher } from '../../src/crypto/EnvelopeCipher.js';
import { planHeatmapBatch } from '../../src/heatmap/sessionPlan.js';
import type { NewConsentReceipt } from '../../src/storage/consent/ConsentReceiptRepository.js';
import type { Store } from '../../src/storage/Store.js';
import type { SiteRecord } from '../../src/storage/sites/SiteRepository.js';
import { type OpenedBackend, storeBackends } from '../support/storeBackends.js';

// The reads ingest repeats for every batch (issue 17) — a consent grant, a session's user hashes,
// whether a session has heatmap state — are remembered for a moment (`INGEST_READ_TTL_MS`), on
// SQLite and PostgreSQL alike; every write through the store that can change an answer is seen
// by the very next read: a withdrawal never lets another batch through.

const T = Date.UTC(2025, 3, 1);
const cipher = new EnvelopeCipher(Buffer.alloc(32, 4));

describe.each(await storeBackends())('ingest read caches: $name', (backend) => {
  let opened: OpenedBackend;
  let store: Store;
  let site: SiteRecord;

  beforeAll(async () => {
    opened = await backend.open();
    store = opened.store;
    site = await store.sites.create({
      siteKey: `site_${backend.name}_read_caches`,
      name: 'Read caches',
      origins: ['https://c.example'],
      policy: { ...DEFAULT_PRIVACY_POLICY },
      createdAt: T,
    });
  });
  afterAll(async () => {
    await store?.close();
    await opened?.cleanup();
  });

  const receipt = (
    id: string,
    visitorId: string,
    extra: Partial<NewConsentReceipt> = {},
  ): NewConsentReceipt => ({
    siteId: site.id,
    id,
    visitorId,
    decision: 'granted',
    granted: ['analytics'],
    denied: [],
    source: 'banner',
    policyVersion: 1,
    lawfulBasis: 'consent',
    bannerTextHash: null,
    language: null,
    region: null,
    withdraws: null,
    recordedAt: T,
    ...extra,
  });

  it('remembers a grant; a withdrawal or an erasure through the store refuses the next read', async () => {
    // Not found is not remembered: a grant registered a moment later admits the next batch.
    expect(await store.consent.findGrantCached(site.id, 'rc_grant_0001')).toBeUndefined();
    await store.consent.registerGrant(receipt('rc_grant_0001', 'rc_visitor_1'));
    expect(await store.consent.findGrantCached(site.id, 'rc_grant_0001')).toMatchObject({
      withdrawnAt: null,
    });

    // Remembered: gone behind the store's back (as another process would), still found for a moment.
    await opened.exec(`delete from consent_receipts where id = 'rc_grant_0001'`);
    expect(await store.consent.findGrant(site.id, 'rc_grant_0001')).toBeUndefined();
    expect(await store.consent.findGrantCached(site.id, 'rc_grant_0001')).toMatchObject({
      withdrawnAt: null,
    });

    // Withdrawn through the store: the very next read sees it.
    await store.consent.registerGrant(receipt('rc_grant_0001', 'rc_visitor_1'));
    expect(await store.consent.findGrantCached(site.id, 'rc_grant_0001')).toMatchObject({
      withdrawnAt: null,
    });
    await store.consent.recordWithdrawal(
      receipt('rc_withdrawal_0001', 'rc_visitor_1', {
        decision: 'withdrawn',
        granted: [],
        withdraws: 'rc_grant_0001',
        recordedAt: T + 5,
      }),
    );
    expect((await store.consent.findGrantCached(site.id, 'rc_grant_0001'))?.withdrawnAt).toBe(T + 5);

    // Erased through the store: gone at once.
    await store.consent.registerGrant(receipt('rc_grant_0002', 'rc_visitor_2'));
    expect(await store.consent.findGrantCached(site.id, 'rc_grant_0002')).toBeDefined();
    await store.consent.deleteForVisitors(site.id, ['rc_visitor_2']);
    expect(await store.consent.findGrantCached(site.id, 'rc_grant_0002')).toBeUndefined();
  });

  it("remembers a session's user hashes; a link or an erasure through the store is seen at once", async () => {
    const hash = 'b'.repeat(64);
    await store.recordings.ingestChunk(
      {
        siteId: site.id,
        sessionId: 'rc_sess_1',
        visitorId: undefined,
        seq: 0,
        receivedAt: T,
        eventCount: 1,
        firstTs: T,
        lastTs: T + 5_000,
        pages: [],
      },
      {
        newWrappedDataKey: () => cipher.newWrappedDataKey('rc_sess_1'),
        seal: (wrapped) => ({
          payload: cipher.sealChunk(
            cipher.unwrapDataKey('rc_sess_1', wrapped),
            'rc_sess_1',
            0,
            Buffer.from('[]'),
          ),
          titles: [],
        }),
      },
    );
    expect(await store.subjects.userHashesCached('rc_sess_1')).toEqual([]);
    await store.subjects.link('rc_sess_1', site.id, hash, T);
    expect(await store.subjects.userHashesCached('rc_sess_1')).toEqual([hash]);
    await opened.exec(`delete from session_subjects where session_id = 'rc_sess_1'`);
    expect(await store.subjects.userHashesCached('rc_sess_1')).toEqual([hash]);
    await store.subjects.eraseSessions(['rc_sess_1']);
    expect(await store.subjects.userHashesCached('rc_sess_1')).toEqual([]);
  });

  it('remembers whether a session has heatmap state; counting or deleting it through the store is seen at once', async () => {
    const key = { sessionId: 'rc_heat_1', siteId: site.id };
    expect(await store.heatmaps.hasSessionCached('rc_heat_1')).toBe(false);
    await store.heatmaps.ingest(
      key,
      (stored) =>
        planHeatmapBatch(stored, {
          ...key,
          seq: 0,
          receivedAt: T,
          events: [],
          tags: [],
          firstTs: T,
          lastTs: T + 10_000,
          userAgent:
            'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36',
          region: null,
          minSessionMs: 0,
          visitorBit: null,
          pagePatterns: [],
        }),
      T,
    );
    expect(await store.heatmaps.hasSession('rc_heat_1')).toBe(true);
    expect(await store.heatmaps.hasSessionCached('rc_heat_1')).toBe(true);
    await store.heatmaps.deleteSessions(['rc_heat_1']);
    expect(await store.heatmaps.hasSessionCached('rc_heat_1')).toBe(false);
  });
});
