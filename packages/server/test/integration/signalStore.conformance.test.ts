import { DEFAULT_PRIVACY_POLICY, emptySignalState, type SessionSignalState } from '@veil/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EnvelopeCipher } from '../../src/crypto/EnvelopeCipher.js';
import type { ChunkSealer } from '../../src/storage/recordings/RecordingRepository.js';
import type { Store } from '../../src/storage/Store.js';
import type { SiteRecord } from '../../src/storage/sites/SiteRepository.js';
import { storeBackends } from '../support/storeBackends.js';

// The signal repository behaves alike on SQLite and PostgreSQL.

const T = Date.UTC(2025, 0, 1);
const cipher = new EnvelopeCipher(Buffer.alloc(32, 9));

function sealer(sessionId: string, seq: number): ChunkSealer {
  return {
    newWrappedDataKey: () => cipher.newWrappedDataKey(sessionId),
    seal: (wrapped) => {
      const key = cipher.unwrapDataKey(sessionId, wrapped);
      return { payload: cipher.sealChunk(key, sessionId, seq, Buffer.from('[]')), titles: [] };
    },
  };
}

const plusRage =
  (n: number) =>
  (state: SessionSignalState | undefined): SessionSignalState => {
    const next = structuredClone(state ?? emptySignalState());
    next.counts.rageClicks += n;
    next.counts.failedRequests += 1;
    return next;
  };

describe.each(await storeBackends())('signal store: $name', (backend) => {
  let store: Store;
  let cleanup: () => Promise<void>;
  let site: SiteRecord;
  let other: SiteRecord;

  async function session(id: string, startedAt: number): Promise<void> {
    await store.recordings.ingestChunk(
      {
        siteId: site.id,
        sessionId: id,
        visitorId: undefined,
        seq: 0,
        receivedAt: T,
        eventCount: 1,
        firstTs: startedAt,
        lastTs: startedAt + 5_000,
        pages: [],
      },
      sealer(id, 0),
    );
  }

  beforeAll(async () => {
    ({ store, cleanup } = await backend.open());
    site = await store.sites.create({
      siteKey: `site_${backend.name}_signals`,
      name: 'Signals',
      origins: ['https://s.example'],
      policy: { ...DEFAULT_PRIVACY_POLICY },
      createdAt: T,
    });
    other = await store.sites.create({
      siteKey: `site_${backend.name}_signals_other`,
      name: 'Other',
      origins: ['https://o.example'],
      policy: { ...DEFAULT_PRIVACY_POLICY },
      createdAt: T,
    });
  });
  afterAll(async () => {
    await store?.close();
    await cleanup?.();
  });

  it('counts each batch once, refuses another site, keeps the state between batches', async () => {
    await session('sess_signal_a1', T);
    const key = { sessionId: 'sess_signal_a1', siteId: site.id };
    expect(await store.signals.ingest({ ...key, seq: 0 }, plusRage(3), T)).toBe('counted');
    expect(await store.signals.ingest({ ...key, seq: 0 }, plusRage(3), T)).toBe('duplicate');
    expect(await store.signals.ingest({ ...key, seq: 1 }, plusRage(2), T)).toBe('counted');
    expect(await store.signals.ingest({ ...key, siteId: other.id, seq: 2 }, plusRage(9), T)).toBe('conflict');
    expect(await store.signals.counts('sess_signal_a1')).toMatchObject({
      rageClicks: 5,
      failedRequests: 2,
      deadClicks: 0,
    });
    expect(await store.signals.counts('sess_signal_none')).toBeUndefined();
  });

  it('serialises concurrent batches of one session', async () => {
    await session('sess_signal_c1', T + 1);
    const key = { sessionId: 'sess_signal_c1', siteId: site.id };
    const outcomes = await Promise.all(
      [1, 2, 3, 4, 5, 6].map((seq) => store.signals.ingest({ ...key, seq }, plusRage(1), T)),
    );
    expect(outcomes.every((o) => o === 'counted')).toBe(true);
    expect((await store.signals.counts('sess_signal_c1'))?.rageClicks).toBe(6);
  });

  it('lists, filters and sorts sessions by their signals; sessions without a row count 0', async () => {
    await session('sess_signal_z1', T + 2);
    const listed = await store.recordings.list({ siteId: site.id, limit: 10 });
    expect(listed.map((s) => [s.id, s.signals.rageClicks])).toEqual([
      ['sess_signal_z1', 0],
      ['sess_signal_c1', 6],
      ['sess_signal_a1', 5],
    ]);
    const filtered = await store.recordings.list({
      siteId: site.id,
      limit: 10,
      signals: ['rageClicks', 'failedRequests'],
    });
    expect(filtered.map((s) => s.id)).toEqual(['sess_signal_c1', 'sess_signal_a1']);
    const sorted = await store.recordings.list({ siteId: site.id, limit: 10, sort: 'rageClicks' });
    expect(sorted.map((s) => s.id)).toEqual(['sess_signal_c1', 'sess_signal_a1', 'sess_signal_z1']);
    const page2 = await store.recordings.list({
      siteId: site.id,
      limit: 10,
      sort: 'rageClicks',
      after: { startedAt: T + 1, id: 'sess_signal_c1', value: 6 },
    });
    expect(page2.map((s) => s.id)).toEqual(['sess_signal_a1', 'sess_signal_z1']);
  });

  it('goes with its session: deleted, erased or purged', async () => {
    expect(await store.recordings.delete('sess_signal_a1', Number.POSITIVE_INFINITY)).toBe(true);
    expect(await store.signals.counts('sess_signal_a1')).toBeUndefined();
    await store.subjects.eraseSessions(['sess_signal_c1']);
    expect(await store.signals.counts('sess_signal_c1')).toBeUndefined();
    await store.signals.ingest({ sessionId: 'sess_signal_z1', siteId: site.id, seq: 0 }, plusRage(1), T);
    await store.retention.purge(['sess_signal_z1'], site.id, T + 10, T + 10);
    expect(await store.signals.counts('sess_signal_z1')).toBeUndefined();
  });

  it('keeps the clicks of a batch once for funnels; they go with their session (deleted, erased, purged)', async () => {
    const click = (ts: number, element: string) => ({ ts, page: '/cart', element });
    for (const id of ['sess_click_1', 'sess_click_2', 'sess_click_3']) {
      await session(id, T);
      await store.signals.ingest({ sessionId: id, siteId: site.id, seq: 0 }, plusRage(0), T, [
        click(T + 10, 'button#pay'),
        click(T + 20, 'a#help'),
      ]);
      // A retried batch: counted once, its clicks kept once.
      expect(
        await store.signals.ingest({ sessionId: id, siteId: site.id, seq: 0 }, plusRage(0), T, [
          click(T + 10, 'button#pay'),
        ]),
      ).toBe('duplicate');
    }
    const clicksOf = async () =>
      Object.fromEntries(
        (await store.recordings.funnelSessions(site.id, T - 1, T + 1))
          .filter((s) => s.visitor.startsWith('session:sess_click_'))
          .map((s) => [s.visitor, s.items]),
      );
    expect((await clicksOf())['session:sess_click_1']).toEqual([
      { page: '/cart', click: 'button#pay' },
      { page: '/cart', click: 'a#help' },
    ]);
    await store.recordings.delete('sess_click_1', Number.POSITIVE_INFINITY);
    await store.subjects.eraseSessions(['sess_click_2']);
    await store.retention.purge(['sess_click_3'], site.id, T + 10, T + 10);
    // Sessions re-created without clicks (ids reused): nothing of the old clicks remains.
    for (const id of ['sess_click_1', 'sess_click_2', 'sess_click_3']) await session(id, T);
    expect(Object.values(await clicksOf())).toEqual([[], [], []]);
  });
});
