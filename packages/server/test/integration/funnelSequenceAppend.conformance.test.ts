import {
  DEFAULT_PRIVACY_POLICY,
  decodeFunnelItems,
  emptySignalState,
  funnelItems,
  type SessionSignalState,
  urlPath,
} from '@veil/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EnvelopeCipher } from '../../src/crypto/EnvelopeCipher.js';
import type { ChunkIngest, ChunkSealer } from '../../src/storage/recordings/RecordingRepository.js';
import type { Store } from '../../src/storage/Store.js';
import type { FunnelClick } from '../../src/storage/signals/SignalRepository.js';
import type { SiteRecord } from '../../src/storage/sites/SiteRepository.js';
import { type OpenedBackend, storeBackends } from '../support/storeBackends.js';

// A session's `session_funnels` row is kept up to date batch by batch from only that batch's page
// views and clicks (issue 16), on SQLite and PostgreSQL alike: after every batch, in whatever order
// the batches arrive, retried or not, it is the row a rebuild from every stored page view and
// click gives.

const T = Date.UTC(2025, 0, 1);
const cipher = new EnvelopeCipher(Buffer.alloc(32, 5));
const keep = (state: SessionSignalState | undefined) => state ?? emptySignalState();

function sealer(sessionId: string, seq: number, titles: number): ChunkSealer {
  return {
    newWrappedDataKey: () => cipher.newWrappedDataKey(sessionId),
    seal: (wrapped) => {
      const key = cipher.unwrapDataKey(sessionId, wrapped);
      return {
        payload: cipher.sealChunk(key, sessionId, seq, Buffer.from('[]')),
        titles: Array.from({ length: titles }, () => null),
      };
    },
  };
}

interface Batch {
  seq: number;
  pages: Array<{ url: string; ts: number; viewportWidth: number }>;
  clicks: FunnelClick[];
}

describe.each(await storeBackends())('funnel sequences kept batch by batch: $name', (backend) => {
  let opened: OpenedBackend;
  let store: Store;
  let site: SiteRecord;

  beforeAll(async () => {
    opened = await backend.open();
    store = opened.store;
    site = await store.sites.create({
      siteKey: `site_${backend.name}_funnel_append`,
      name: 'Funnel append',
      origins: ['https://f.example'],
      policy: { ...DEFAULT_PRIVACY_POLICY },
      createdAt: T,
    });
  });
  afterAll(async () => {
    await store?.close();
    await opened?.cleanup();
  });

  const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;

  /** The session's row as kept, and the row a rebuild from every stored page view and click gives. */
  async function rowAndRebuild(sessionId: string) {
    const id = quote(sessionId);
    const [funnels = [], sessions = [], pages = [], clicks = []] = await opened.query(
      `select items, visitor, device_class, day, received_at from session_funnels where session_id = ${id}`,
      `select created_at, visitor_id, device_class from recording_sessions where id = ${id}`,
      `select ts, url from session_pages where session_id = ${id} order by ts, seq, idx`,
      `select ts, page, element from session_clicks where session_id = ${id} order by ts, seq, idx`,
    );
    const [row] = funnels;
    const [session] = sessions;
    const receivedAt = Number(session?.created_at);
    const rebuild = {
      items: funnelItems(
        pages.map((p) => ({ ts: Number(p.ts), path: urlPath(String(p.url)) || String(p.url) })),
        clicks.map((c) => ({ ts: Number(c.ts), page: String(c.page), element: String(c.element) })),
      ),
      visitor: (session?.visitor_id as string | null) ?? `session:${sessionId}`,
      device_class: session?.device_class ?? null,
      day: Math.floor(receivedAt / 86_400_000),
      received_at: receivedAt,
    };
    const kept = row && {
      items: decodeFunnelItems(String(row.items)),
      visitor: row.visitor,
      device_class: row.device_class ?? null,
      day: Number(row.day),
      received_at: Number(row.received_at),
    };
    return { kept, rebuild };
  }

  async function store1(sessionId: string, visitor: string | undefined, b: Batch, grouped: boolean) {
    const chunk: ChunkIngest = {
      siteId: site.id,
      sessionId,
      visitorId: visitor,
      seq: b.seq,
      receivedAt: T + b.seq,
      eventCount: 1,
      firstTs: b.pages[0]?.ts ?? T,
      lastTs: (b.pages[b.pages.length - 1]?.ts ?? T) + 1,
      pages: b.pages,
    };
    if (grouped) {
      // As ingest writes a batch: chunk, page views, signals and clicks in one group commit.
      const [outcome] = await store.recordings.ingestChunks([
        {
          chunk,
          sealer: sealer(sessionId, b.seq, b.pages.length),
          signals: { fold: keep, clicks: b.clicks },
        },
      ]);
      expect(outcome).not.toBeInstanceOf(Error);
    } else {
      await store.recordings.ingestChunk(chunk, sealer(sessionId, b.seq, b.pages.length));
      await store.signals.ingest({ sessionId, siteId: site.id, seq: b.seq }, keep, T, b.clicks);
    }
  }

  it('is the rebuilt row after every batch, batches in random order, retried, past the item limit', async () => {
    let seed = 11;
    const rand = (n: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return Math.floor(seed / 65_536) % n;
    };
    const paths = ['/', '/item/1', '/cart', '/checkout'];
    for (let n = 0; n < 12; n++) {
      const sessionId = `sess_append_${n}`;
      const visitor = n % 3 === 0 ? undefined : `vis_${n % 5}`;
      const long = n === 0;
      const start = T + n * 10_000_000;
      const batches: Batch[] = Array.from({ length: long ? 14 : 3 + rand(5) }, (_, seq) => {
        const size = long ? 40 : 4;
        return {
          seq,
          // Few distinct instants and paths: ties between batches, repeated pages, a batch's first
          // page repeating the page before it.
          pages: Array.from({ length: rand(size) }, () => ({
            url: `https://f.example${paths[rand(paths.length)]}${rand(2) ? '?q=1' : ''}`,
            ts: start + rand(30) * 1_000,
            viewportWidth: [375, 1280][rand(2)] ?? 1280,
          })).sort((a, b) => a.ts - b.ts),
          clicks: Array.from({ length: rand(size) }, () => ({
            ts: start + rand(30) * 1_000,
            page: paths[rand(paths.length)] ?? '/',
            element: ['button#pay', 'a#help'][rand(2)] ?? 'a#help',
          })),
        };
      });
      // Random order, now and then a batch sent again.
      const order = batches
        .map((b) => ({ b, k: rand(1000) }))
        .sort((x, y) => x.k - y.k)
        .map((x) => x.b);
      const sends = order.flatMap((b) => (rand(5) === 0 ? [b, b] : [b]));
      for (const b of sends) {
        await store1(sessionId, visitor, b, n % 2 === 0);
        const { kept, rebuild } = await rowAndRebuild(sessionId);
        expect(kept, `${sessionId} after seq ${b.seq}`).toEqual(rebuild);
      }
      if (long) expect((await rowAndRebuild(sessionId)).kept?.items.length).toBe(400);
    }
  }, 180_000);

  it('reads only the batch: page views and clicks of earlier batches are not read again', async () => {
    const sessionId = 'sess_append_only';
    const page = (path: string, ts: number) => ({ url: `https://f.example${path}`, ts, viewportWidth: 1280 });
    await store1(sessionId, 'vis_only', { seq: 0, pages: [page('/', T)], clicks: [] }, true);
    await store1(
      sessionId,
      'vis_only',
      {
        seq: 1,
        pages: [page('/cart', T + 10)],
        clicks: [{ ts: T + 11, page: '/cart', element: 'button#pay' }],
      },
      false,
    );
    // Behind the store's back: a rebuild would now find neither; a batch that reads only itself
    // still has them in its row.
    await opened.exec(`delete from session_pages where session_id = '${sessionId}'`);
    await opened.exec(`delete from session_clicks where session_id = '${sessionId}'`);
    await store1(sessionId, 'vis_only', { seq: 2, pages: [page('/checkout', T + 20)], clicks: [] }, true);
    const { kept } = await rowAndRebuild(sessionId);
    expect(kept?.items).toEqual([
      { page: '/' },
      { page: '/cart' },
      { page: '/cart', click: 'button#pay' },
      { page: '/checkout' },
    ]);
  });

  it('rebuilds a row without kept sources (stored before they were kept) or with unreadable ones', async () => {
    const sessionId = 'sess_append_rebuild';
    const page = (path: string, ts: number) => ({ url: `https://f.example${path}`, ts, viewportWidth: 800 });
    await store1(
      sessionId,
      undefined,
      { seq: 0, pages: [page('/', T), page('/cart', T + 5)], clicks: [] },
      true,
    );
    await opened.exec(`delete from session_funnel_sources where session_id = '${sessionId}'`);
    await store1(sessionId, undefined, { seq: 1, pages: [page('/item/1', T + 2)], clicks: [] }, false);
    let { kept, rebuild } = await rowAndRebuild(sessionId);
    expect(kept).toEqual(rebuild);
    expect(kept?.items.map((i) => i.page)).toEqual(['/', '/item/1', '/cart']);
    await opened.exec(
      `update session_funnel_sources set sources = 'not json' where session_id = '${sessionId}'`,
    );
    await store1(
      sessionId,
      undefined,
      {
        seq: 2,
        pages: [page('/checkout', T + 1)],
        clicks: [{ ts: T + 1, page: '/checkout', element: 'a#x' }],
      },
      true,
    );
    ({ kept, rebuild } = await rowAndRebuild(sessionId));
    expect(kept).toEqual(rebuild);
    expect(kept?.items.map((i) => i.page)).toEqual(['/', '/checkout', '/checkout', '/item/1', '/cart']);
  });

  it('goes with its session (deleted, erased, purged)', async () => {
    const count = async (id: string) =>
      (await opened.query(`select session_id from session_funnel_sources where session_id = '${id}'`))[0]
        ?.length;
    for (const id of ['sess_append_1', 'sess_append_2', 'sess_append_3']) expect(await count(id)).toBe(1);
    await store.recordings.delete('sess_append_1', Number.POSITIVE_INFINITY);
    await store.subjects.eraseSessions(['sess_append_2']);
    await store.retention.purge(['sess_append_3'], site.id, T + 1e9, T + 1e9);
    for (const id of ['sess_append_1', 'sess_append_2', 'sess_append_3']) expect(await count(id)).toBe(0);
  });
});
