import { DEFAULT_PRIVACY_POLICY } from '@veil/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EnvelopeCipher } from '../../src/crypto/EnvelopeCipher.js';
import type { NewConsentReceipt } from '../../src/storage/consent/ConsentReceiptRepository.js';
import type { ChunkSealer } from '../../src/storage/recordings/RecordingRepository.js';
import type { Store } from '../../src/storage/Store.js';
import type { SiteRecord } from '../../src/storage/sites/SiteRepository.js';
import { storeBackends } from '../support/storeBackends.js';

// The consent, opt-out and data-subject parts of the Store, on SQLite and PostgreSQL alike.

const T = Date.UTC(2025, 2, 1);
const DAY = 86_400_000;
const cipher = new EnvelopeCipher(Buffer.alloc(32, 9));

function sealer(sessionId: string, seq: number): ChunkSealer {
  return {
    newWrappedDataKey: () => cipher.newWrappedDataKey(sessionId),
    seal: (wrapped) => {
      const key = cipher.unwrapDataKey(sessionId, wrapped);
      return { payload: cipher.sealChunk(key, sessionId, seq, Buffer.from(`chunk ${seq}`)), titles: [] };
    },
  };
}

function receipt(
  site: SiteRecord,
  fields: Partial<NewConsentReceipt> & Pick<NewConsentReceipt, 'id'>,
): NewConsentReceipt {
  return {
    siteId: site.id,
    visitorId: 'visitor_000001',
    decision: 'granted',
    granted: ['analytics'],
    denied: [],
    source: 'api',
    policyVersion: null,
    lawfulBasis: 'consent',
    bannerTextHash: null,
    language: null,
    region: null,
    withdraws: null,
    recordedAt: T,
    ...fields,
  };
}

describe.each(await storeBackends())('consent store conformance: $name', (backend) => {
  let store: Store;
  let cleanup: () => Promise<void>;
  let site: SiteRecord;
  let other: SiteRecord;

  beforeAll(async () => {
    ({ store, cleanup } = await backend.open());
    const policy = { ...DEFAULT_PRIVACY_POLICY };
    site = await store.sites.create({
      siteKey: 'consent_site1',
      name: 'A',
      origins: ['https://a.example'],
      policy,
      createdAt: T,
    });
    other = await store.sites.create({
      siteKey: 'consent_site2',
      name: 'B',
      origins: ['https://b.example'],
      policy,
      createdAt: T,
    });
  });
  afterAll(async () => {
    await store?.close();
    await cleanup?.();
  });

  it('registers a grant once per site and id, idempotently for its visitor', async () => {
    const first = await store.consent.registerGrant(
      receipt(site, { id: 'receipt_aaaaaaaa', source: 'tcf', region: 'DE' }),
    );
    expect(first.outcome).toBe('created');
    expect(first.receipt).toMatchObject({
      id: 'receipt_aaaaaaaa',
      source: 'tcf',
      region: 'DE',
      withdrawnAt: null,
    });
    expect((await store.consent.registerGrant(receipt(site, { id: 'receipt_aaaaaaaa' }))).outcome).toBe(
      'existing',
    );
    expect(
      (
        await store.consent.registerGrant(
          receipt(site, { id: 'receipt_aaaaaaaa', visitorId: 'visitor_other1' }),
        )
      ).outcome,
    ).toBe('conflict');
    // The same id on another site is another receipt.
    expect((await store.consent.registerGrant(receipt(other, { id: 'receipt_aaaaaaaa' }))).outcome).toBe(
      'created',
    );
    expect(await store.consent.findGrant(site.id, 'receipt_aaaaaaaa')).toMatchObject({
      granted: ['analytics'],
    });
    expect(await store.consent.findGrant(site.id, 'nope_nope')).toBeUndefined();
  });

  it('a grant registered after a withdrawal that named it is born withdrawn (a conflict)', async () => {
    const raced = await store.sites.create({
      siteKey: 'consent_site3',
      name: 'C',
      origins: ['https://c.example'],
      policy: { ...DEFAULT_PRIVACY_POLICY },
      createdAt: T,
    });
    await store.consent.recordWithdrawal(
      receipt(raced, {
        id: 'cw_raced_000001',
        decision: 'withdrawn',
        visitorId: 'visitor_raced1',
        withdraws: 'receipt_raced001',
        recordedAt: T + 5,
      }),
    );
    const late = await store.consent.registerGrant(
      receipt(raced, { id: 'receipt_raced001', visitorId: 'visitor_raced1', recordedAt: T + 6 }),
    );
    expect(late.outcome).toBe('conflict');
    expect(late.receipt.withdrawnAt).toBe(T + 5);
    expect((await store.consent.findGrant(raced.id, 'receipt_raced001'))?.withdrawnAt).toBe(T + 5);
  });

  it('a withdrawal withdraws the named grant and every grant of the visitor, on its site only', async () => {
    await store.consent.registerGrant(receipt(site, { id: 'receipt_bbbbbbbb', recordedAt: T + 10 }));
    const withdrawn = await store.consent.recordWithdrawal(
      receipt(site, {
        id: 'cw_withdrawal1',
        decision: 'withdrawn',
        granted: [],
        denied: ['analytics'],
        withdraws: 'receipt_aaaaaaaa',
        recordedAt: T + DAY,
      }),
    );
    expect(withdrawn).toBe(2);
    expect((await store.consent.findGrant(site.id, 'receipt_aaaaaaaa'))?.withdrawnAt).toBe(T + DAY);
    expect((await store.consent.findGrant(site.id, 'receipt_bbbbbbbb'))?.withdrawnAt).toBe(T + DAY);
    expect((await store.consent.findGrant(other.id, 'receipt_aaaaaaaa'))?.withdrawnAt).toBeNull();
    // A withdrawn id cannot be granted again.
    expect((await store.consent.registerGrant(receipt(site, { id: 'receipt_bbbbbbbb' }))).outcome).toBe(
      'conflict',
    );
  });

  it('lists receipts and counts them by day, decision, source and region', async () => {
    await store.consent.recordRefusal(
      receipt(site, {
        id: 'cr_refusal01',
        decision: 'denied',
        visitorId: null,
        granted: [],
        denied: ['analytics'],
        source: 'banner',
        recordedAt: T + DAY + 5,
      }),
    );
    const listed = await store.consent.list(site.id, { limit: 10 });
    expect(listed.map((r) => r.id)).toEqual([
      'cr_refusal01',
      'cw_withdrawal1',
      'receipt_bbbbbbbb',
      'receipt_aaaaaaaa',
    ]);
    expect(await store.consent.list(site.id, { from: T + DAY, limit: 10 })).toHaveLength(2);
    const counts = await store.consent.counts(site.id, T, T + 2 * DAY, DAY);
    const key = (c: (typeof counts)[number]) => `${c.bucket}/${c.decision}/${c.source}/${c.region ?? '-'}`;
    expect(Object.fromEntries(counts.map((c) => [key(c), c.count]))).toEqual({
      '0/granted/tcf/DE': 1,
      '0/granted/api/-': 1,
      '1/withdrawn/api/-': 1,
      '1/denied/banner/-': 1,
    });
    expect((await store.consent.forVisitors(site.id, ['visitor_000001'])).map((r) => r.id)).toEqual([
      'receipt_aaaaaaaa',
      'receipt_bbbbbbbb',
      'cw_withdrawal1',
    ]);
  });

  it('keeps an opt-out registry per site and instance-wide', async () => {
    expect(await store.optOuts.isOptedOut(site.id, { visitorId: 'visitor_opted1' })).toBe(false);
    expect(
      await store.optOuts.add({
        scope: site.id,
        subject: { kind: 'visitor', visitorId: 'visitor_opted1' },
        source: 'api',
        createdAt: T,
      }),
    ).toBe(true);
    expect(
      await store.optOuts.add({
        scope: site.id,
        subject: { kind: 'visitor', visitorId: 'visitor_opted1' },
        source: 'api',
        createdAt: T,
      }),
    ).toBe(false);
    await store.optOuts.add({
      scope: '*',
      subject: { kind: 'user', userHash: 'h'.repeat(64) },
      source: 'api',
      createdAt: T + 1,
    });
    expect(await store.optOuts.isOptedOut(site.id, { visitorId: 'visitor_opted1' })).toBe(true);
    expect(await store.optOuts.isOptedOut(other.id, { visitorId: 'visitor_opted1' })).toBe(false);
    expect(await store.optOuts.isOptedOut(other.id, { userHashes: ['x', 'h'.repeat(64)] })).toBe(true);
    expect(await store.optOuts.isOptedOut(other.id, {})).toBe(false);
    expect((await store.optOuts.list(other.id, 10)).map((o) => o.scope)).toEqual(['*']);
    expect(
      await store.optOuts.forSubject(site.id, { visitorIds: ['visitor_opted1'], userHashes: [] }),
    ).toHaveLength(1);
    expect(await store.optOuts.remove(site.id, { kind: 'visitor', visitorId: 'visitor_opted1' })).toBe(true);
    expect(await store.optOuts.isOptedOut(site.id, { visitorId: 'visitor_opted1' })).toBe(false);
  });

  it('links sessions to user hashes and tags, finds them by selector, and erases them with their keys', async () => {
    const ingest = (sessionId: string, visitorId: string, seq = 0) =>
      store.recordings.ingestChunk(
        {
          siteId: site.id,
          sessionId,
          visitorId,
          seq,
          receivedAt: T,
          eventCount: 1,
          firstTs: T,
          lastTs: T + 10,
          pages: [],
        },
        sealer(sessionId, seq),
      );
    await ingest('sess_subject_1', 'visitor_s1');
    await ingest('sess_subject_1', 'visitor_s1', 1);
    await ingest('sess_subject_2', 'visitor_s2');
    await ingest('sess_subject_3', 'visitor_s1');
    const hash = 'a'.repeat(64);
    await store.subjects.link('sess_subject_1', site.id, hash, T);
    await store.subjects.link('sess_subject_1', site.id, hash, T + 1);
    await store.subjects.link('sess_subject_2', site.id, hash, T);
    await store.subjects.addTags('sess_subject_2', [{ key: 'supplier', value: 'acme' }]);
    await store.subjects.addTags('sess_subject_2', [
      { key: 'supplier', value: 'acme' },
      { key: 'plan', value: 'pro' },
    ]);
    expect(await store.subjects.userHashes('sess_subject_1')).toEqual([hash]);
    expect(await store.subjects.tags('sess_subject_2')).toEqual([
      { key: 'plan', value: 'pro' },
      { key: 'supplier', value: 'acme' },
    ]);
    expect(await store.subjects.sessionIds(site.id, { kind: 'userId', userHash: hash })).toEqual([
      'sess_subject_1',
      'sess_subject_2',
    ]);
    expect(await store.subjects.sessionIds(other.id, { kind: 'userId', userHash: hash })).toEqual([]);
    expect(await store.subjects.sessionIds(site.id, { kind: 'visitorId', visitorId: 'visitor_s1' })).toEqual([
      'sess_subject_1',
      'sess_subject_3',
    ]);
    expect(
      await store.subjects.sessionIds(site.id, { kind: 'sessionId', sessionId: 'sess_subject_3' }),
    ).toEqual(['sess_subject_3']);
    expect(
      await store.subjects.sessionIds(other.id, { kind: 'sessionId', sessionId: 'sess_subject_3' }),
    ).toEqual([]);
    expect(await store.subjects.sessionIds(site.id, { kind: 'tag', key: 'supplier', value: 'acme' })).toEqual(
      ['sess_subject_2'],
    );
    expect(await store.subjects.visitorIds(['sess_subject_1', 'sess_subject_2'])).toEqual([
      'visitor_s1',
      'visitor_s2',
    ]);

    const erased = await store.subjects.eraseSessions(['sess_subject_1', 'sess_subject_2', 'sess_missing']);
    expect(erased).toEqual({ sessions: 2, chunks: 3, dataKeys: 2 });
    expect(await store.recordings.get('sess_subject_1')).toBeUndefined();
    expect(await store.recordings.wrappedKey('sess_subject_1')).toBeUndefined();
    expect(await store.recordings.chunks('sess_subject_2')).toEqual([]);
    expect(await store.subjects.userHashes('sess_subject_1')).toEqual([]);
    expect(await store.subjects.tags('sess_subject_2')).toEqual([]);
    expect(await store.recordings.get('sess_subject_3')).toBeDefined();
    expect(await store.subjects.eraseSessions(['sess_subject_1'])).toEqual({
      sessions: 0,
      chunks: 0,
      dataKeys: 0,
    });
    expect(await store.consent.deleteForVisitors(site.id, ['visitor_000001'])).toBe(3);
  });

  it('keeps the request log and erasure receipts', async () => {
    const request = await store.subjectRequests.create({
      id: 'dsr_conformance1',
      siteId: site.id,
      siteKey: site.siteKey,
      kind: 'erasure',
      origin: 'api',
      selector: { kind: 'tag', key: 'supplier', value: 'acme' },
      receivedAt: T,
      dueAt: T + 30 * DAY,
      completedAt: null,
      handledBy: 'dpo@example.com',
      reference: 'TICKET-1',
      erasureReceiptId: null,
      exportBytes: null,
    });
    expect(await store.subjectRequests.findById(request.id)).toEqual(request);
    await store.subjectRequests.addErasureReceipt({
      id: 'er_conformance1',
      siteId: site.id,
      siteKey: site.siteKey,
      selector: request.selector,
      sessions: 1,
      chunks: 2,
      dataKeysDestroyed: 1,
      consentReceipts: 0,
      sessionIds: ['sess_subject_2'],
      requestedBy: 'dpo@example.com',
      requestId: request.id,
      startedAt: T + 5,
      completedAt: T + 6,
    });
    await store.subjectRequests.complete(request.id, {
      completedAt: T + 6,
      erasureReceiptId: 'er_conformance1',
    });
    expect(await store.subjectRequests.findById(request.id)).toMatchObject({
      completedAt: T + 6,
      erasureReceiptId: 'er_conformance1',
    });
    expect((await store.subjectRequests.findErasureReceipt('er_conformance1'))?.sessionIds).toEqual([
      'sess_subject_2',
    ]);
    expect((await store.subjectRequests.erasureReceipts(site.id, 10)).map((r) => r.id)).toEqual([
      'er_conformance1',
    ]);
    expect(await store.subjectRequests.erasureReceipts(other.id, 10)).toEqual([]);
    expect((await store.subjectRequests.list({ siteId: site.id, limit: 10 })).map((r) => r.id)).toEqual([
      request.id,
    ]);
    expect(await store.subjectRequests.list({ siteId: other.id, limit: 10 })).toEqual([]);
  });

  it('keeps banner texts per site and language', async () => {
    await store.bannerTexts.put({
      siteId: site.id,
      language: 'de',
      texts: { accept: 'Ja' },
      updatedAt: T,
      updatedBy: 'a',
    });
    await store.bannerTexts.put({
      siteId: site.id,
      language: 'de',
      texts: { accept: 'Einverstanden' },
      updatedAt: T + 1,
      updatedBy: 'b',
    });
    expect(await store.bannerTexts.get(site.id, 'de')).toEqual({
      siteId: site.id,
      language: 'de',
      texts: { accept: 'Einverstanden' },
      updatedAt: T + 1,
      updatedBy: 'b',
    });
    expect(await store.bannerTexts.get(other.id, 'de')).toBeUndefined();
    expect((await store.bannerTexts.list(site.id)).map((t) => t.language)).toEqual(['de']);
    expect(await store.bannerTexts.remove(site.id, 'de')).toBe(true);
    expect(await store.bannerTexts.remove(site.id, 'de')).toBe(false);
  });
});
