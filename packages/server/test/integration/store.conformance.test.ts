import { DEFAULT_PRIVACY_POLICY, emptySignalCounts, emptySignalState, type PrivacyPolicy } from '@veil/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EnvelopeCipher } from '../../src/crypto/EnvelopeCipher.js';
import { LATEST_SCHEMA_VERSION } from '../../src/storage/migrations/index.js';
import type {
  ChunkIngest,
  ChunkSealer,
  ChunkSignals,
} from '../../src/storage/recordings/RecordingRepository.js';
import type { Store } from '../../src/storage/Store.js';
import type { SiteRecord } from '../../src/storage/sites/SiteRepository.js';
import { storeBackends } from '../support/storeBackends.js';

const T = Date.UTC(2025, 0, 1);
const cipher = new EnvelopeCipher(Buffer.alloc(32, 7));

const backends = await storeBackends();
const withPostgres = backends.some((backend) => backend.name === 'postgres');

/** The real cipher, sealing for `sessionId` the way the ingest pipeline does. */
function sealer(sessionId: string, seq: number, text: string, titles: (string | null)[] = []): ChunkSealer {
  return {
    newWrappedDataKey: () => cipher.newWrappedDataKey(sessionId),
    seal: (wrapped) => {
      const key = cipher.unwrapDataKey(sessionId, wrapped);
      return {
        payload: cipher.sealChunk(key, sessionId, seq, Buffer.from(text)),
        titles: titles.map((t) => (t === null ? null : cipher.sealTitle(key, sessionId, t))),
      };
    },
  };
}

function chunk(
  site: SiteRecord,
  sessionId: string,
  seq: number,
  fields: Partial<ChunkIngest> = {},
): ChunkIngest {
  return {
    siteId: site.id,
    sessionId,
    visitorId: undefined,
    seq,
    receivedAt: T,
    eventCount: 2,
    firstTs: T,
    lastTs: T + 1000,
    pages: [],
    ...fields,
  };
}

const policy: PrivacyPolicy = {
  ...DEFAULT_PRIVACY_POLICY,
  samplingPercent: 55,
  allowedUrlParams: ['utm_source'],
};

describe.each(backends)('Store conformance: $name', (backend) => {
  let store: Store;
  let reopen: () => Promise<Store>;
  let cleanup: () => Promise<void>;
  let site: SiteRecord;
  let other: SiteRecord;

  beforeAll(async () => {
    ({ store, reopen, cleanup } = await backend.open());
    site = await store.sites.create({
      siteKey: 'conformance_site',
      name: 'Site',
      origins: ['https://b.example', 'https://a.example'],
      policy,
      createdAt: T,
    });
    other = await store.sites.create({
      siteKey: 'conformance_other',
      name: 'Other',
      origins: ['https://o.example'],
      policy,
      createdAt: T + 1,
    });
  });
  afterAll(async () => {
    await store?.close();
    await cleanup?.();
  });

  it('migrates to the latest schema, idempotently', async () => {
    expect(await store.schemaVersion()).toBe(LATEST_SCHEMA_VERSION);
    const second = await reopen();
    expect(await second.schemaVersion()).toBe(LATEST_SCHEMA_VERSION);
    await second.close();
    await store.ping();
  });

  it('keeps instance settings', async () => {
    expect(await store.settings.get('k')).toBeUndefined();
    expect(await store.settings.putIfAbsent('k', 'one')).toBe('one');
    expect(await store.settings.putIfAbsent('k', 'two')).toBe('one');
    await store.settings.put('k', 'three');
    expect(await store.settings.get('k')).toBe('three');
  });

  it('stores users with unique case-insensitive emails', async () => {
    const before = await store.users.count();
    const user = await store.users.create({
      email: 'Ada@Example.com',
      role: 'analyst',
      passwordHash: '$argon2id$x',
      createdAt: T,
    });
    expect(user).toMatchObject({ email: 'ada@example.com', role: 'analyst' });
    expect(
      await store.users.create({ email: 'ada@example.COM', role: 'owner', passwordHash: 'h', createdAt: T }),
    ).toBeUndefined();
    expect(await store.users.findByEmail('ADA@example.com')).toEqual(user);
    expect(await store.users.findById(user?.id ?? '')).toEqual(user);
    expect(await store.users.count()).toBe(before + 1);
  });

  it('stores login sessions by token hash and expires them', async () => {
    const user = await store.users.create({
      email: 'sess@example.com',
      role: 'admin',
      passwordHash: 'h',
      createdAt: T,
    });
    const s = await store.authSessions.create({
      tokenHash: 'hash-1',
      userId: user?.id ?? '',
      createdAt: T,
      expiresAt: T + 100,
    });
    const found = await store.authSessions.findByTokenHash('hash-1');
    expect(found?.session).toEqual(s);
    expect(found?.user.email).toBe('sess@example.com');
    await store.authSessions.touch(s.id, T + 50);
    expect((await store.authSessions.findByTokenHash('hash-1'))?.session.lastSeenAt).toBe(T + 50);
    await store.authSessions.create({
      tokenHash: 'hash-2',
      userId: user?.id ?? '',
      createdAt: T,
      expiresAt: T + 10_000,
    });
    expect(await store.authSessions.deleteExpired(T + 100, T - 1)).toBe(1);
    expect(await store.authSessions.findByTokenHash('hash-1')).toBeUndefined();
    const two = await store.authSessions.findByTokenHash('hash-2');
    await store.authSessions.delete(two?.session.id ?? '');
    expect(await store.authSessions.findByTokenHash('hash-2')).toBeUndefined();
  });

  it('stores API tokens by hash', async () => {
    const token = await store.apiTokens.create({
      name: 'ci',
      tokenHash: 'tok-hash',
      role: 'replay_viewer',
      createdBy: null,
      createdAt: T,
    });
    expect(await store.apiTokens.findActiveByHash('tok-hash')).toEqual(token);
    await store.apiTokens.touch(token.id, T + 5);
    expect((await store.apiTokens.findActiveByHash('tok-hash'))?.lastUsedAt).toBe(T + 5);
    expect(await store.apiTokens.findActiveByHash('other')).toBeUndefined();
  });

  it('stores sites with sorted origins and their policy', async () => {
    expect(site.origins).toEqual(['https://a.example', 'https://b.example']);
    expect(await store.sites.findByKey('conformance_site')).toEqual(site);
    expect(await store.sites.findById(site.id)).toEqual(site);
    expect((await store.sites.list()).map((s) => s.siteKey)).toEqual(
      expect.arrayContaining(['conformance_site', 'conformance_other']),
    );
    expect((await store.sites.findByKey('conformance_site'))?.policy).toEqual(policy);
    expect(await store.sites.isKnownOrigin('https://o.example')).toBe(true);
    expect(await store.sites.isKnownOrigin('https://x.example')).toBe(false);
    await store.sites.replaceOrigins(other.id, ['https://x.example']);
    expect((await store.sites.findById(other.id))?.origins).toEqual(['https://x.example']);
    expect(await store.sites.isKnownOrigin('https://x.example')).toBe(true);
    expect(await store.sites.findByKey('missing')).toBeUndefined();
    await expect(
      store.sites.create({ siteKey: 'conformance_site', name: 'dup', origins: [], policy, createdAt: T }),
    ).rejects.toThrow();
  });

  it('ingests chunks once per (session, seq) and derives the summary', async () => {
    const id = 'conf-session-1';
    const pages = [
      { url: 'https://a.example/', ts: T + 10, viewportWidth: 800 },
      { url: 'https://a.example/cart', ts: T + 500, viewportWidth: null },
    ];
    expect(
      await store.recordings.ingestChunk(
        chunk(site, id, 1, {
          firstTs: T + 10,
          lastTs: T + 900,
          eventCount: 3,
          pages,
          visitorId: 'visitor-1',
          receivedAt: T + 2,
        }),
        sealer(id, 1, 'chunk one', [null, 'Cart']),
      ),
    ).toBe('stored');
    expect(await store.recordings.ingestChunk(chunk(site, id, 1), sealer(id, 1, 'again'))).toBe('duplicate');
    // An earlier chunk arriving late moves the start and the entry page.
    expect(
      await store.recordings.ingestChunk(
        chunk(site, id, 0, {
          firstTs: T,
          lastTs: T + 5,
          eventCount: 2,
          pages: [{ url: 'https://a.example/landing', ts: T, viewportWidth: 1300 }],
          receivedAt: T + 3,
        }),
        sealer(id, 0, 'chunk zero'),
      ),
    ).toBe('stored');
    expect(await store.recordings.ingestChunk(chunk(other, id, 2), sealer(id, 2, 'x'))).toBe('conflict');

    expect(await store.recordings.get(id)).toEqual({
      id,
      siteId: site.id,
      siteKey: 'conformance_site',
      visitorId: 'visitor-1',
      startedAt: T,
      endedAt: T + 900,
      lastReceivedAt: T + 3,
      // When Veil first received the session (its age for retention), not when the page says.
      receivedAt: T + 2,
      // Counted at ingest by the `signals` step (these chunks went straight to the store).
      signals: emptySignalCounts(),
      durationMs: 900,
      pageCount: 3,
      entryUrl: 'https://a.example/landing',
      deviceClass: 'desktop',
      viewportWidth: 1300,
      eventCount: 5,
      chunkCount: 2,
      finalised: false,
      demo: false,
    });
    const stored = await store.recordings.chunks(id);
    expect(stored.map((c) => c.seq)).toEqual([0, 1]);
    const wrapped = await store.recordings.wrappedKey(id);
    expect(wrapped).toBeInstanceOf(Buffer);
    const key = cipher.unwrapDataKey(id, wrapped as Buffer);
    expect(stored.map((c) => cipher.openChunk(key, id, c.seq, c.payload).toString())).toEqual([
      'chunk zero',
      'chunk one',
    ]);
    const storedPages = await store.recordings.pages(id);
    expect(storedPages.map((p) => [p.url, p.ts, p.viewportWidth])).toEqual([
      ['https://a.example/landing', T, 1300],
      ['https://a.example/', T + 10, 800],
      ['https://a.example/cart', T + 500, null],
    ]);
    expect(storedPages.map((p) => (p.sealedTitle ? cipher.openTitle(key, id, p.sealedTitle) : null))).toEqual(
      [null, null, 'Cart'],
    );
  });

  it('merges a page view repeating the previous page into it', async () => {
    const id = 'conf-session-merge';
    await store.recordings.ingestChunk(
      chunk(site, id, 0, { pages: [{ url: 'https://a.example/p', ts: T, viewportWidth: null }] }),
      sealer(id, 0, 'a', [null]),
    );
    await store.recordings.ingestChunk(
      chunk(site, id, 1, {
        pages: [
          { url: 'https://a.example/p', ts: T + 5, viewportWidth: 500 },
          { url: 'https://a.example/q', ts: T + 9, viewportWidth: null },
        ],
      }),
      sealer(id, 1, 'b', ['P title', null]),
    );
    const pages = await store.recordings.pages(id);
    expect(pages.map((p) => [p.url, p.viewportWidth, p.sealedTitle !== null])).toEqual([
      ['https://a.example/p', 500, true],
      ['https://a.example/q', null, false],
    ]);
    expect((await store.recordings.get(id))?.deviceClass).toBe('mobile');
  });

  it('stores a chunk exactly once under concurrent retries', async () => {
    const id = 'conf-session-race';
    const outcomes = await Promise.all(
      Array.from({ length: 6 }, () =>
        store.recordings.ingestChunk(chunk(site, id, 0), sealer(id, 0, 'race')),
      ),
    );
    expect(outcomes.filter((o) => o === 'stored')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'duplicate')).toHaveLength(5);
    expect(await store.recordings.chunks(id)).toHaveLength(1);
    expect((await store.recordings.get(id))?.eventCount).toBe(2);
  });

  it('writes a group of chunks in one commit, each batch with its own outcome', async () => {
    const a = 'conf-group-a';
    const b = 'conf-group-b';
    await store.recordings.ingestChunk(chunk(site, b, 0), sealer(b, 0, 'b0'));
    const failing: ChunkSealer = {
      newWrappedDataKey: () => cipher.newWrappedDataKey('conf-group-c'),
      seal: () => {
        throw new Error('sealing failed');
      },
    };
    const outcomes = await store.recordings.ingestChunks([
      // Out of order on purpose: the group writes in (session, seq) order.
      {
        chunk: chunk(site, a, 1, {
          pages: [{ url: 'https://a.example/two', ts: T + 5, viewportWidth: null }],
        }),
        sealer: sealer(a, 1, 'a1', [null]),
      },
      {
        chunk: chunk(site, a, 0, { pages: [{ url: 'https://a.example/one', ts: T, viewportWidth: 400 }] }),
        sealer: sealer(a, 0, 'a0', ['One']),
      },
      { chunk: chunk(site, b, 0), sealer: sealer(b, 0, 'again') },
      { chunk: chunk(other, b, 1), sealer: sealer(b, 1, 'elsewhere') },
      { chunk: chunk(site, 'conf-group-c', 0), sealer: failing },
      { chunk: chunk(site, a, 1), sealer: sealer(a, 1, 'a1 twice') },
    ]);
    expect(outcomes.slice(0, 4)).toEqual(['stored', 'stored', 'duplicate', 'conflict']);
    expect(outcomes[4]).toBeInstanceOf(Error);
    expect(outcomes[5]).toBe('duplicate');
    // The failed batch left nothing behind; the others are committed.
    expect(await store.recordings.get('conf-group-c')).toBeUndefined();
    expect(await store.recordings.chunks('conf-group-c')).toEqual([]);
    const stored = await store.recordings.chunks(a);
    expect(stored.map((c) => c.seq)).toEqual([0, 1]);
    const key = cipher.unwrapDataKey(a, (await store.recordings.wrappedKey(a)) as Buffer);
    expect(stored.map((c) => cipher.openChunk(key, a, c.seq, c.payload).toString())).toEqual(['a0', 'a1']);
    expect(await store.recordings.get(a)).toMatchObject({
      chunkCount: 2,
      eventCount: 4,
      pageCount: 2,
      entryUrl: 'https://a.example/one',
      viewportWidth: 400,
    });
    expect((await store.recordings.get(b))?.chunkCount).toBe(1);
  });

  it("counts a group's signals in its chunks' transaction: once per (session, seq), never for a conflict or a failed batch", async () => {
    const id = 'conf-group-signals';
    const owned = 'conf-group-signals-other';
    await store.recordings.ingestChunk(chunk(other, owned, 0), sealer(owned, 0, 'elsewhere'));
    const plusError: ChunkSignals = {
      fold: (state) => {
        const s = state ?? emptySignalState();
        return { ...s, counts: { ...s.counts, jsErrors: s.counts.jsErrors + 1 } };
      },
      clicks: [{ ts: T + 1, page: '/cart', element: 'button#pay' }],
    };
    const failing: ChunkSealer = {
      newWrappedDataKey: () => cipher.newWrappedDataKey(id),
      seal: () => {
        throw new Error('sealing failed');
      },
    };
    const outcomes = await store.recordings.ingestChunks([
      { chunk: chunk(site, id, 0), sealer: sealer(id, 0, 'zero'), signals: plusError },
      // The same batch again in the group, then retried later: counted once.
      { chunk: chunk(site, id, 0), sealer: sealer(id, 0, 'zero'), signals: plusError },
      { chunk: chunk(site, id, 1), sealer: failing, signals: plusError },
      { chunk: chunk(site, owned, 1), sealer: sealer(owned, 1, 'not ours'), signals: plusError },
    ]);
    expect(outcomes[0]).toBe('stored');
    expect(outcomes[1]).toBe('duplicate');
    expect(outcomes[2]).toBeInstanceOf(Error);
    expect(outcomes[3]).toBe('conflict');
    expect(
      await store.recordings.ingestChunks([
        { chunk: chunk(site, id, 0), sealer: sealer(id, 0, 'zero'), signals: plusError },
      ]),
    ).toEqual(['duplicate']);
    expect((await store.signals.counts(id))?.jsErrors).toBe(1);
    expect(await store.signals.counts(owned)).toBeUndefined();
    // A chunk stored before its signals were counted (an older write path): the retry counts them.
    const earlier = 'conf-group-signals-earlier';
    await store.recordings.ingestChunk(chunk(site, earlier, 0), sealer(earlier, 0, 'zero'));
    expect(
      await store.recordings.ingestChunks([
        { chunk: chunk(site, earlier, 0), sealer: sealer(earlier, 0, 'zero'), signals: plusError },
      ]),
    ).toEqual(['duplicate']);
    expect((await store.signals.counts(earlier))?.jsErrors).toBe(1);
    // Out of the way of the idle-session tests below.
    for (const s of [id, owned, earlier]) await store.recordings.delete(s, Number.POSITIVE_INFINITY);
  });

  it('lists with filters and keyset pagination, newest first', async () => {
    const s = await store.sites.create({
      siteKey: 'conformance_list',
      name: 'List',
      origins: ['https://l.example'],
      policy,
      createdAt: T,
    });
    const specs: [string, number, number, number, string][] = [
      ['list-a', T + 1000, 500, 390, 'https://l.example/a_b'],
      ['list-b', T + 2000, 5000, 800, 'https://l.example/100%'],
      ['list-c', T + 2000, 9000, 1400, 'https://l.example/CHECKOUT'],
      ['list-d', T + 3000, 20000, 1400, 'https://l.example/home'],
    ];
    for (const [id, start, duration, width, url] of specs) {
      await store.recordings.ingestChunk(
        chunk(s, id, 0, {
          firstTs: start,
          lastTs: start + duration,
          pages: [{ url, ts: start, viewportWidth: width }],
        }),
        sealer(id, 0, id),
      );
    }
    const ids = async (q: Partial<Parameters<Store['recordings']['list']>[0]>) =>
      (await store.recordings.list({ siteId: s.id, limit: 50, ...q })).map((r) => r.id);
    expect(await ids({})).toEqual(['list-d', 'list-c', 'list-b', 'list-a']);
    expect(await ids({ from: T + 2000, to: T + 2000 })).toEqual(['list-c', 'list-b']);
    expect(await ids({ device: 'desktop' })).toEqual(['list-d', 'list-c']);
    expect(await ids({ minDurationMs: 5000 })).toEqual(['list-d', 'list-c', 'list-b']);
    expect(await ids({ page: 'checkout' })).toEqual(['list-c']);
    expect(await ids({ page: '%' })).toEqual(['list-b']);
    expect(await ids({ page: '_' })).toEqual(['list-a']);
    expect(await ids({ limit: 2 })).toEqual(['list-d', 'list-c']);
    expect(await ids({ limit: 2, after: { startedAt: T + 2000, id: 'list-c' } })).toEqual([
      'list-b',
      'list-a',
    ]);
  });

  it('finalises idle sessions and deletes short ones with their key, chunks and pages', async () => {
    const s = await store.sites.create({
      siteKey: 'conformance_final',
      name: 'F',
      origins: ['https://f.example'],
      policy,
      createdAt: T,
    });
    await store.recordings.ingestChunk(
      chunk(s, 'final-a', 0, {
        receivedAt: T + 100,
        pages: [{ url: 'https://f.example/', ts: T, viewportWidth: 1 }],
      }),
      sealer('final-a', 0, 'a', [null]),
    );
    await store.recordings.ingestChunk(
      chunk(s, 'final-b', 0, { receivedAt: T + 200 }),
      sealer('final-b', 0, 'b'),
    );
    const idle = (await store.recordings.findIdle(T + 150, 10)).filter((i) => i.siteId === s.id);
    expect(idle).toEqual([{ id: 'final-a', siteId: s.id, durationMs: 1000 }]);
    expect(await store.recordings.finalise('final-b', T + 150)).toBe(false);
    expect(await store.recordings.finalise('final-b', T + 200)).toBe(true);
    expect(await store.recordings.finalise('final-b', T + 200)).toBe(false);
    expect((await store.recordings.get('final-b'))?.finalised).toBe(true);
    expect(await store.recordings.delete('final-a', T + 99)).toBe(false);
    expect(await store.recordings.delete('final-a', T + 100)).toBe(true);
    expect(await store.recordings.get('final-a')).toBeUndefined();
    expect(await store.recordings.chunks('final-a')).toEqual([]);
    expect(await store.recordings.pages('final-a')).toEqual([]);
    expect(await store.recordings.wrappedKey('final-a')).toBeUndefined();
    expect(await store.recordings.delete('final-b', Number.POSITIVE_INFINITY)).toBe(true);
    expect(await store.recordings.delete('final-b', Number.POSITIVE_INFINITY)).toBe(false);
  });

  it('keeps the replay access log beyond the recording it names', async () => {
    const entry = await store.accessLog.record({
      userId: null,
      apiTokenId: 'token-1',
      sessionId: 'gone-session',
      siteId: site.id,
      purpose: 'audit sample',
      accessedAt: T + 9,
    });
    await store.accessLog.record({
      userId: 'u',
      apiTokenId: null,
      sessionId: 'gone-session',
      siteId: null,
      purpose: 'second',
      accessedAt: T + 10,
    });
    expect((await store.accessLog.listForSession('gone-session')).map((e) => e.purpose)).toEqual([
      'audit sample',
      'second',
    ]);
    expect((await store.accessLog.listForSession('gone-session'))[0]).toEqual(entry);
  });

  it('flags sessions of the demo site as demo data; the demo selector names only them', async () => {
    const demoSite = await store.sites.create({
      siteKey: 'conformance_demo',
      name: 'Demo',
      origins: ['https://demo.example'],
      policy,
      createdAt: T,
    });
    expect((await store.sites.findByKey('conformance_demo'))?.demo).toBe(false);
    await store.sites.markDemo(demoSite.id);
    expect((await store.sites.findByKey('conformance_demo'))?.demo).toBe(true);
    expect((await store.sites.findByKeyCached('conformance_demo'))?.demo).toBe(true);
    const real = 'conformance-demo-real-1';
    const demo = 'conformance-demo-demo-1';
    expect(await store.recordings.ingestChunk(chunk(demoSite, real, 0), sealer(real, 0, 'r'))).toBe('stored');
    expect(
      await store.recordings.ingestChunk(chunk(demoSite, demo, 0, { demo: true }), sealer(demo, 0, 'd')),
    ).toBe('stored');
    // Later batches do not change the flag.
    expect(await store.recordings.ingestChunk(chunk(demoSite, demo, 1), sealer(demo, 1, 'd'))).toBe('stored');
    expect((await store.recordings.get(real))?.demo).toBe(false);
    expect((await store.recordings.get(demo))?.demo).toBe(true);
    expect(await store.subjects.sessionIds(demoSite.id, { kind: 'demo' })).toEqual([demo]);
    expect(await store.subjects.sessionIds(site.id, { kind: 'demo' })).toEqual([]);
  });
});

it.runIf(!withPostgres)('PostgreSQL is unreachable: its conformance run is skipped (never in CI)', () => {
  expect(process.env.CI).toBeFalsy();
});
