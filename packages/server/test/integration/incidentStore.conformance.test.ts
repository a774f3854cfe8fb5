import type { ContentErasureReceipt } from '@veil/core';
import { DEFAULT_PRIVACY_POLICY } from '@veil/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EnvelopeCipher } from '../../src/crypto/EnvelopeCipher.js';
import type { ContentScanRecord } from '../../src/storage/contentScans/ContentScanRepository.js';
import type { IncidentRecord } from '../../src/storage/incidents/IncidentRepository.js';
import type { Store } from '../../src/storage/Store.js';
import type { SiteRecord } from '../../src/storage/sites/SiteRepository.js';
import { type OpenedBackend, storeBackends } from '../support/storeBackends.js';

// The incident and content-scan repositories on every engine: incidents with one decision, scans
// linked to them with progress, a single erasure, stale scans failed, keyset paging by server
// receive time, and legal holds by session and by subject.

const T = Date.UTC(2025, 3, 1);
const cipher = new EnvelopeCipher(Buffer.alloc(32, 6));

describe.each(await storeBackends())('incident and content scan storage: $name', (backend) => {
  let opened: OpenedBackend;
  let store: Store;
  let site: SiteRecord;

  const incident = (id: string, discoveredAt: number): IncidentRecord => ({
    id,
    siteId: site.id,
    siteKey: site.siteKey,
    title: `VIN in checkout ${id}`,
    kind: 'personal_data',
    page: '/checkout',
    element: '#vin',
    windowFrom: T - 10_000,
    windowTo: T,
    foundHow: 'replay_review',
    foundDetails: 'seen while reviewing a bug report',
    discoveredAt,
    createdBy: 'dpo@test',
    createdAt: discoveredAt + 5,
    decision: null,
  });

  const scan = (id: string, incidentId: string | null, updatedAt: number): ContentScanRecord => ({
    id,
    siteId: site.id,
    siteKey: site.siteKey,
    kind: 'value',
    caseSensitive: false,
    valueHash: 'a'.repeat(64),
    receivedFrom: null,
    receivedTo: null,
    status: 'running',
    sessionsTotal: 0,
    sessionsScanned: 0,
    matchedSessions: 0,
    matchedCount: 0,
    matches: [],
    error: null,
    incidentId,
    createdBy: 'dpo@test',
    createdAt: updatedAt,
    updatedAt,
    completedAt: null,
    erasure: null,
  });

  beforeAll(async () => {
    opened = await backend.open();
    store = opened.store;
    site = await store.sites.create({
      siteKey: 'site_incident_1',
      name: 'Shop',
      origins: ['https://shop.example'],
      policy: DEFAULT_PRIVACY_POLICY,
      createdAt: T,
    });
  });
  afterAll(async () => {
    await store?.close();
    await opened?.cleanup();
  });

  it('stores incidents, lists them by discovery, and records one decision', async () => {
    await store.incidents.create(incident('inc_first_0001', T));
    await store.incidents.create(incident('inc_second_001', T + 1_000));
    expect((await store.incidents.list(site.id, 10)).map((i) => i.id)).toEqual([
      'inc_second_001',
      'inc_first_0001',
    ]);
    expect(await store.incidents.get('inc_first_0001')).toEqual(incident('inc_first_0001', T));
    const decision = {
      decision: 'no_notify' as const,
      reason: 'hashed reference, no risk to the person',
      notifiedAt: null,
      decidedBy: 'dpo@test',
      decidedAt: T + 3_600_000,
    };
    expect(await store.incidents.decide('inc_first_0001', decision)).toBe(true);
    expect(await store.incidents.decide('inc_first_0001', { ...decision, decision: 'notify' })).toBe(false);
    expect((await store.incidents.get('inc_first_0001'))?.decision).toEqual(decision);
    expect(await store.incidents.get('inc_unknown_01')).toBeUndefined();
  });

  it('keeps scans with progress and one erasure, linked to their incident; fails stale ones', async () => {
    await store.contentScans.create(scan('scan_linked_001', 'inc_first_0001', T));
    await store.contentScans.create(scan('scan_stale_0001', null, T - 600_000));
    const matches = [
      { sessionId: 's1', count: 2, positions: [{ eventIndex: 3, path: 'data.text', count: 2 }] },
    ];
    await store.contentScans.progress('scan_linked_001', {
      sessionsTotal: 4,
      sessionsScanned: 2,
      matches,
      at: T + 1,
    });
    expect(await store.contentScans.get('scan_linked_001')).toMatchObject({
      sessionsTotal: 4,
      sessionsScanned: 2,
      matchedSessions: 1,
      matchedCount: 2,
      matches,
    });
    expect(await store.contentScans.failStale(T - 1, T + 2)).toBe(1);
    expect(await store.contentScans.get('scan_stale_0001')).toMatchObject({ status: 'failed' });
    await store.contentScans.finish('scan_linked_001', {
      status: 'completed',
      matches,
      error: null,
      at: T + 3,
    });
    const receipt: ContentErasureReceipt = {
      id: 'cer_1',
      sessions: 1,
      chunks: 2,
      dataKeysDestroyed: 1,
      heldSessionIds: [],
      sessionIds: ['s1'],
      erasedBy: 'dpo@test',
      erasedAt: T + 4,
    };
    expect(await store.contentScans.markErased('scan_linked_001', receipt)).toBe(true);
    expect(await store.contentScans.markErased('scan_linked_001', receipt)).toBe(false);
    const linked = await store.contentScans.listForIncident('inc_first_0001');
    expect(linked.map((s) => [s.id, s.status, s.erasure?.id])).toEqual([
      ['scan_linked_001', 'erased', 'cer_1'],
    ]);
    expect((await store.contentScans.list(site.id, 10)).map((s) => s.id)).toEqual([
      'scan_linked_001',
      'scan_stale_0001',
    ]);
  });

  it('pages sessions by server receive time and finds held ones', async () => {
    for (const [id, at] of [
      ['sess_a', T],
      ['sess_b', T],
      ['sess_c', T + 5],
      ['sess_d', T + 10],
    ] as const) {
      await store.recordings.ingestChunk(
        {
          siteId: site.id,
          sessionId: id,
          visitorId: `v_${id}`,
          seq: 0,
          receivedAt: at,
          eventCount: 1,
          firstTs: at,
          lastTs: at,
          pages: [],
        },
        {
          newWrappedDataKey: () => cipher.newWrappedDataKey(id),
          seal: (wrapped) => ({
            payload: cipher.sealChunk(cipher.unwrapDataKey(id, wrapped), id, 0, Buffer.from('[]')),
            titles: [],
          }),
        },
      );
    }
    const window = { siteId: site.id, receivedFrom: T, receivedTo: T + 10 };
    expect(await store.contentScans.countSessions(window)).toBe(3);
    const first = await store.contentScans.sessionPage(window, null, 2);
    expect(first.map((s) => s.id)).toEqual(['sess_a', 'sess_b']);
    const next = await store.contentScans.sessionPage(window, { receivedAt: T, id: 'sess_b' }, 2);
    expect(next.map((s) => s.id)).toEqual(['sess_c']);

    await store.subjects.link('sess_c', site.id, 'user_hash_c', T);
    const hold = (id: string, sessionId: string | null, userHash: string | null) =>
      store.retention.addHold({
        id,
        siteId: site.id,
        siteKey: site.siteKey,
        sessionId,
        userHash,
        reason: 'case',
        createdBy: 'dpo@test',
        createdAt: T,
        expiresAt: T + 1_000,
        releasedAt: null,
        releasedBy: null,
      });
    await hold('hold_session_01', 'sess_a', null);
    await hold('hold_subject_01', null, 'user_hash_c');
    const ids = ['sess_a', 'sess_b', 'sess_c', 'sess_d'];
    expect(await store.contentScans.heldSessionIds(site.id, ids, T + 500)).toEqual(['sess_a', 'sess_c']);
    expect(await store.contentScans.heldSessionIds(site.id, ids, T + 2_000)).toEqual([]);
  });
});
