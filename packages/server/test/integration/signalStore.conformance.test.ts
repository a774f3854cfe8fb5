import {
  DEFAULT_PRIVACY_POLICY,
  emptySignalState,
  type FunnelStep,
  funnelReach,
  funnelRest,
  kAnonymousFunnel,
  kAnonymousPaths,
  type PathReach,
  pathReach,
  type SessionSignalState,
} from '@veil/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EnvelopeCipher } from '../../src/crypto/EnvelopeCipher.js';
import type { ChunkIngest, ChunkSealer, PageView } from '../../src/storage/recordings/RecordingRepository.js';
import type { Store } from '../../src/storage/Store.js';
import type { SiteRecord } from '../../src/storage/sites/SiteRepository.js';
import { storeBackends } from '../support/storeBackends.js';

// The signal repository behaves alike on SQLite and PostgreSQL.

const T = Date.UTC(2025, 0, 1);
const cipher = new EnvelopeCipher(Buffer.alloc(32, 9));

/** Seals an empty chunk `seq` of a session; `pages` page views, each without a title. */
function sealer(sessionId: string, seq: number, pages = 0): ChunkSealer {
  return {
    newWrappedDataKey: () => cipher.newWrappedDataKey(sessionId),
    seal: (wrapped) => {
      const key = cipher.unwrapDataKey(sessionId, wrapped);
      return {
        payload: cipher.sealChunk(key, sessionId, seq, Buffer.from('[]')),
        titles: Array.from({ length: pages }, () => null),
      };
    },
  };
}

/** One batch of a session as ingest stores it: one event, five seconds from `startedAt`. */
interface BatchOf {
  siteId: string;
  sessionId: string;
  visitorId?: string;
  seq?: number;
  receivedAt: number;
  startedAt: number;
  pages?: PageView[];
}

function chunkOf(b: BatchOf): ChunkIngest {
  return {
    siteId: b.siteId,
    sessionId: b.sessionId,
    visitorId: b.visitorId,
    seq: b.seq ?? 0,
    receivedAt: b.receivedAt,
    eventCount: 1,
    firstTs: b.startedAt,
    lastTs: b.startedAt + 5_000,
    pages: b.pages ?? [],
  };
}

/** The page views `/` then `/cart` of `origin`, a millisecond apart from `T`, at `viewportWidth`. */
const homeThenCart = (origin: string, viewportWidth: number): PageView[] =>
  ['/', '/cart'].map((p, i) => ({ url: `${origin}${p}`, ts: T + i, viewportWidth }));

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
      chunkOf({ siteId: site.id, sessionId: id, receivedAt: T, startedAt }),
      sealer(id, 0),
    );
  }

  /** A site of this backend (`site_<backend>_signals<suffix>`) under the default policy. */
  const newSite = (suffix: string, name: string, origin: string): Promise<SiteRecord> =>
    store.sites.create({
      siteKey: `site_${backend.name}_signals${suffix}`,
      name,
      origins: [origin],
      policy: { ...DEFAULT_PRIVACY_POLICY },
      createdAt: T,
    });

  /** A one-batch session stored as ingest writes it: chunk, page views and signals in one commit. */
  async function ingestSession(b: BatchOf & { pages: PageView[] }): Promise<void> {
    const [outcome] = await store.recordings.ingestChunks([
      {
        chunk: chunkOf(b),
        sealer: sealer(b.sessionId, b.seq ?? 0, b.pages.length),
        signals: { fold: plusRage(0), clicks: [] },
      },
    ]);
    expect(outcome).not.toBeInstanceOf(Error);
  }

  beforeAll(async () => {
    ({ store, cleanup } = await backend.open());
    site = await newSite('', 'Signals', 'https://s.example');
    other = await newSite('_other', 'Other', 'https://o.example');
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

  it('counts funnels from the sequences kept at ingest exactly as from every page view and click', async () => {
    const funnelSite = await newSite('_funnels', 'Funnels', 'https://f.example');
    const DAY = 86_400_000;
    let seed = 7;
    const rand = (n: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return Math.floor(seed / 65_536) % n;
    };
    const paths = ['/', '/item/1', '/item/2', '/cart', '/checkout', '/about'];
    const elements = ['button#pay', 'a#help', 'main>button'];
    const ids: string[] = [];
    for (let n = 0; n < 48; n++) {
      const id = `sess_funnel_${String(n).padStart(3, '0')}`;
      ids.push(id);
      const visitor = n % 7 === 0 ? undefined : `vis_${rand(12)}`;
      const width = [375, 800, 1280][rand(3)] ?? 1280;
      const receivedAt = T + (n % 4) * DAY + n;
      const start = T + n * 1_000_000;
      // Two or three batches, stored and counted out of order now and then, one retried.
      const batches = Array.from({ length: 2 + rand(2) }, (_, seq) => {
        const base = start + seq * 60_000;
        const pages = Array.from({ length: 1 + rand(4) }, (_, i) => ({
          url: `https://f.example${paths[(seq * 2 + i + rand(2)) % paths.length]}${i % 2 ? '?q=1' : ''}`,
          ts: base + i * 10_000 + (rand(3) === 0 ? 0 : 1),
          viewportWidth: width,
        }));
        const clicks = Array.from({ length: rand(3) }, (_, i) => ({
          ts: base + i * 10_000 + rand(2),
          page: paths[rand(paths.length)] ?? '/',
          element: elements[rand(elements.length)] ?? 'a#help',
        }));
        return { seq, pages, clicks };
      });
      if (rand(3) === 0) batches.reverse();
      for (const b of [...batches, ...(rand(4) === 0 ? batches.slice(0, 1) : [])]) {
        const chunk = chunkOf({
          siteId: funnelSite.id,
          sessionId: id,
          visitorId: visitor,
          seq: b.seq,
          receivedAt: receivedAt + b.seq,
          startedAt: start,
          pages: b.pages,
        });
        const chunkSealer = sealer(id, b.seq, b.pages.length);
        if (n % 2 === 0) {
          // As ingest writes a batch: chunk, page views, signals and clicks in one group commit.
          const [outcome] = await store.recordings.ingestChunks([
            { chunk, sealer: chunkSealer, signals: { fold: plusRage(0), clicks: b.clicks } },
          ]);
          expect(outcome).not.toBeInstanceOf(Error);
        } else {
          await store.recordings.ingestChunk(chunk, chunkSealer);
          await store.signals.ingest(
            { sessionId: id, siteId: funnelSite.id, seq: b.seq },
            plusRage(0),
            T,
            b.clicks,
          );
        }
      }
      if (n % 3 === 0) await store.subjects.addTags(id, [{ key: 'plan', value: n % 2 ? 'pro' : 'free' }]);
    }
    const funnels: FunnelStep[][] = [
      [{ page: '/' }, { page: '/item/:id' }, { page: '/cart' }, { page: '/checkout' }],
      [{ page: '/**' }, { page: '/cart', click: 'button#pay' }, { page: '/checkout' }],
      [{ page: '/item/1' }, { page: '/item/:id', click: 'a#help' }],
    ];
    const segments = [
      {},
      { device: 'mobile' as const },
      { tag: { key: 'plan', value: 'pro' } },
      { device: 'desktop' as const, tag: { key: 'plan', value: 'free' } },
    ];
    const ranges: Array<[number, number]> = [
      [T - DAY, T + 5 * DAY],
      [T + DAY, T + 2 * DAY + 30],
      [T + 20, T + 20],
    ];
    const compare = async () => {
      let reachedSomething = 0;
      for (const steps of funnels)
        for (const segment of segments)
          for (const [from, to] of ranges) {
            const reference = funnelReach(
              await store.recordings.funnelSessions(funnelSite.id, from, to, segment),
              steps,
            );
            // Visitors are counted up to the number asked for (k-anonymity needs no more).
            for (const enough of [4, 1000]) {
              const kept = await store.signals.funnelReach(funnelSite.id, from, to, steps, segment, enough);
              expect(kept, JSON.stringify({ steps, segment, from, to, enough })).toEqual({
                sessions: reference.sessions,
                visitors: reference.visitors.map((v) => Math.min(v, enough)),
              });
            }
            reachedSomething += reference.sessions.at(-1) ?? 0;
          }
      // Top paths from the same sequences: each row's sessions exactly, and what k-anonymity shows.
      for (const page of ['/', '/cart', '/item/:id'])
        for (const direction of ['after', 'before'] as const)
          for (const [from, to] of ranges) {
            const reference = pathReach(
              await store.recordings.funnelSessions(funnelSite.id, from, to),
              page,
              direction,
            );
            const bySessions = (r: PathReach) => ({
              sessions: r.sessions,
              rows: r.rows
                .map((row) => [row.page, row.sessions])
                .sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
            });
            for (const [k, cohort] of [
              [2, 2],
              [2, 6],
              [3, 1000],
            ] as const) {
              const kept = await store.signals.pathReach(
                funnelSite.id,
                from,
                to,
                page,
                direction,
                [],
                k,
                Math.max(k, cohort),
              );
              const where = JSON.stringify({ page, direction, from, to, k, cohort });
              expect(bySessions(kept), where).toEqual(bySessions(reference));
              expect(kAnonymousPaths(kept, k, cohort), where).toEqual(kAnonymousPaths(reference, k, cohort));
            }
            reachedSomething += reference.rows.length;
          }
      return reachedSomething;
    };
    expect(await compare()).toBeGreaterThan(0);
    const all = await store.signals.funnelReach(
      funnelSite.id,
      T - DAY,
      T + 5 * DAY,
      [{ page: '/**' }],
      {},
      1,
    );
    // Sessions go with their funnel sequences: deleted, erased, purged.
    await store.recordings.delete('sess_funnel_001', Number.POSITIVE_INFINITY);
    await store.subjects.eraseSessions(['sess_funnel_002', 'sess_funnel_003']);
    await store.retention.purge(['sess_funnel_004'], funnelSite.id, T + 10 * DAY, T + 10 * DAY);
    await compare();
    const after = await store.signals.funnelReach(
      funnelSite.id,
      T - DAY,
      T + 5 * DAY,
      [{ page: '/**' }],
      {},
      1,
    );
    expect((all.sessions[0] ?? 0) - (after.sessions[0] ?? 0)).toBeGreaterThan(0);
    expect(ids).toHaveLength(48);
  }, 120_000); // 48 sessions compared in 300 ways on each engine: minutes on a loaded machine

  it('counts the visitors of a funnel where one visitor has many sessions (no early answer)', async () => {
    const oneSite = await newSite('_one_visitor', 'One visitor', 'https://one.example');
    for (let n = 0; n < 40; n++)
      await ingestSession({
        siteId: oneSite.id,
        sessionId: `sess_one_visitor_${n}`,
        visitorId: n < 38 ? 'vis_regular' : `vis_other_${n}`,
        receivedAt: T + n,
        startedAt: T,
        pages: homeThenCart('https://one.example', 375),
      });
    const steps: FunnelStep[] = [{ page: '/' }, { page: '/cart' }];
    // The first 32 sessions (2 x 16) of a step may all be the regular visitor's.
    expect(await store.signals.funnelReach(oneSite.id, T - 1, T + 100, steps, {}, 2)).toEqual({
      sessions: [40, 40],
      visitors: [2, 2],
    });
    expect(await store.signals.funnelReach(oneSite.id, T - 1, T + 100, steps, {}, 5)).toEqual({
      sessions: [40, 40],
      visitors: [3, 3],
    });
    // The session list keeps the sessions whose kept sequence reaches a step.
    const reachedStep = async (funnelSteps: FunnelStep[], reached: number) =>
      (
        await store.recordings.list({
          siteId: oneSite.id,
          funnel: { steps: funnelSteps, reached },
          limit: 100,
        })
      ).length;
    expect(await reachedStep(steps, 2)).toBe(40);
    expect(await reachedStep([{ page: '/cart' }, { page: '/' }], 1)).toBe(40);
    expect(await reachedStep([{ page: '/cart' }, { page: '/' }], 2)).toBe(0);
    // Top paths alike: the cohort and the row after / both count the one visitor once.
    for (const [enough, visitors] of [
      [2, 2],
      [5, 3],
    ] as const)
      expect(await store.signals.pathReach(oneSite.id, T - 1, T + 100, '/', 'after', [], 2, enough)).toEqual({
        sessions: 40,
        visitors,
        rows: [{ page: '/cart', sessions: 40, visitors }],
      });
  });

  it("withholds a segment's funnel whose rest within a coarser segment is a few visitors", async () => {
    const restSite = await newSite('_funnel_rest', 'Rest', 'https://rest.example');
    // 22 desktop visitors and 2 mobile ones, each one session from / to /cart.
    for (let n = 0; n < 24; n++)
      await ingestSession({
        siteId: restSite.id,
        sessionId: `sess_rest_${n}`,
        visitorId: `vis_rest_${n}`,
        receivedAt: T + n,
        startedAt: T,
        pages: homeThenCart('https://rest.example', n < 22 ? 1280 : 375),
      });
    const steps: FunnelStep[] = [{ page: '/' }, { page: '/cart' }];
    const desktop = await store.signals.funnelReach(
      restSite.id,
      T - 1,
      T + 100,
      steps,
      { device: 'desktop' },
      2 ** 31 - 1,
    );
    expect(desktop).toEqual({ sessions: [22, 22], visitors: [22, 22] });
    const all = await store.signals.funnelReach(restSite.id, T - 1, T + 100, steps, {}, 22 + 20);
    const rest = funnelRest(desktop, all);
    expect(rest).toEqual({ sessions: [2, 2], visitors: [2, 2] });
    // On its own the desktop funnel holds the cohort; all minus it would be the 2 mobile visitors.
    expect(kAnonymousFunnel(steps, desktop, 5, 20).cohortShown).toBe(true);
    const shown = kAnonymousFunnel(steps, desktop, 5, 20, [rest]);
    expect(shown.cohortShown).toBe(false);
    expect(shown.steps.map((s) => s.sessions)).toEqual([null, null]);
  });
});
