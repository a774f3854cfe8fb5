import {
  bucketsContainingDay,
  bucketsCovering,
  DEFAULT_PRIVACY_POLICY,
  type ParsedHeatmapEvent,
  parseHeatmapEvent,
  segmentKey,
  segmentKeysOf,
  utcDay,
} from '@veil/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EnvelopeCipher } from '../../src/crypto/EnvelopeCipher.js';
import { type DenseCounts, denseAt } from '../../src/heatmap/countsBlob.js';
import { collectDeltas, targetsOf } from '../../src/heatmap/heatmapDeltas.js';
import { openSnapshot, sealSnapshot } from '../../src/heatmap/representativeSnapshots.js';
import { SeenSet } from '../../src/heatmap/seenSet.js';
import { type BatchForPlan, planHeatmapBatch } from '../../src/heatmap/sessionPlan.js';
import { visitorCount } from '../../src/heatmap/visitorBitmap.js';
import { type AggregateSelection, TileKind } from '../../src/storage/heatmaps/HeatmapRepository.js';
import type { Store } from '../../src/storage/Store.js';
import type { SiteRecord } from '../../src/storage/sites/SiteRepository.js';
import { clickEvent, viewEvent } from '../support/heatmapEvents.js';
import { storeBackends } from '../support/storeBackends.js';

// The heatmap part of the Store, the same on SQLite and PostgreSQL: aggregates add up (also when
// writers race), the session state serialises its batches, snapshots round-trip sealed.

const T = Date.UTC(2025, 2, 3, 10);
const DAY = utcDay(T);
const UA =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36';
const cipher = new EnvelopeCipher(Buffer.alloc(32, 9));
const EL = 'main#main>button:nth-of-type(1)';

const parsed = (events: ReturnType<typeof clickEvent>[]): ParsedHeatmapEvent[] =>
  events.map((e) => parseHeatmapEvent(e) as ParsedHeatmapEvent);

/** One session's clicks as the ingest step writes them. */
function sessionWrite(
  path: string,
  clicks: Array<{
    x: number;
    y: number;
    el?: string;
    rx?: number;
    ry?: number;
    rage?: boolean;
    dead?: boolean;
  }>,
  segments: string[] = segmentKeysOf({ visitor: 'new', referrer: 'direct', region: null, tags: [] }),
) {
  const deltas = collectDeltas(
    parsed([
      viewEvent(T, { path }),
      ...clicks.map((c, i) =>
        clickEvent(T + i, {
          path,
          el: c.el ?? EL,
          x: c.x,
          y: c.y,
          rx: c.rx ?? 0.5,
          ry: c.ry ?? 0.5,
          rage: c.rage ?? false,
          dead: c.dead ?? false,
        }),
      ),
    ]),
    { pagePatterns: [], seen: new SeenSet() },
  );
  return { deltas, targets: targetsOf('desktop', segments, bucketsContainingDay(DAY)) };
}

const everyone = (day = DAY): AggregateSelection => ({
  devices: ['desktop'],
  segment: segmentKey({}),
  buckets: bucketsCovering(day - 29, day),
});

describe.each(await storeBackends())('heatmap store: $name', (backend) => {
  let store: Store;
  let cleanup: () => Promise<void>;
  let site: SiteRecord;
  let other: SiteRecord;

  beforeAll(async () => {
    ({ store, cleanup } = await backend.open());
    const create = (siteKey: string) =>
      store.sites.create({
        siteKey,
        name: siteKey,
        origins: ['https://h.example'],
        policy: DEFAULT_PRIVACY_POLICY,
        createdAt: T,
      });
    site = await create('heatmap_store_site');
    other = await create('heatmap_store_other');
  });
  afterAll(async () => {
    await store?.close();
    await cleanup?.();
  });

  it('keeps distinct visitors per page, device class and day: a visitor again adds no one', async () => {
    const own = await store.sites.create({
      siteKey: 'heatmap_store_visitors',
      name: 'visitors',
      origins: ['https://v.example'],
      policy: DEFAULT_PRIVACY_POLICY,
      createdAt: T,
    });
    // Visitor 7 rage-clicks in two sessions, 4095 dead-clicks: the page's rage and dead visitors.
    const write = (visitorBit: number, signal: { rage?: boolean; dead?: boolean } = {}) => ({
      ...sessionWrite('/visitors', [{ x: 1, y: 1, ...signal }]),
      visitorBit,
    });
    await store.heatmaps.addAggregates(own.id, [write(7, { rage: true }), write(8)], T);
    await store.heatmaps.addAggregates(own.id, [write(7, { rage: true }), write(4095, { dead: true })], T);
    await store.heatmaps.addAggregates(own.id, [sessionWrite('/visitors', [{ x: 1, y: 1, rage: true }])], T);
    const days = { devices: ['desktop'] as const, segment: segmentKey({}), days: [DAY - 1, DAY, DAY + 1] };
    const rows = await store.heatmaps.dayCohorts(own.id, '/visitors', days);
    expect(
      rows.map((r) => ({
        ...r,
        visitors: visitorCount(r.visitors),
        signalVisitors: [...r.signalVisitors].map(([part, bits]) => [part, [...bits]]),
      })),
    ).toEqual([
      {
        pattern: '/visitors',
        segment: segmentKey({}),
        device: 'desktop',
        day: DAY,
        sessions: 5,
        visitors: 3,
        rage: 3,
        dead: 1,
        signalVisitors: [
          [0, [7]],
          [1, [4095]],
        ],
      },
    ]);
    // The rows of every key of one dimension, by prefix (the values of a tag key).
    const tagged = (value: string) => ({
      ...sessionWrite('/visitors', [{ x: 1, y: 1 }], [segmentKey({ tag: ['plan', value] })]),
      visitorBit: 9,
    });
    await store.heatmaps.addAggregates(own.id, [tagged('free'), tagged('pro')], T);
    const byPrefix = await store.heatmaps.dayCohorts(own.id, '/visitors', {
      ...days,
      segment: { prefix: segmentKey({ tag: ['plan', ''] }) },
    });
    expect(byPrefix.map((r) => r.segment).sort()).toEqual([
      segmentKey({ tag: ['plan', 'free'] }),
      segmentKey({ tag: ['plan', 'pro'] }),
    ]);
    expect((await store.heatmaps.dayCohorts(own.id, null, days)).map((r) => r.pattern)).toEqual([
      '/visitors',
    ]);
    expect(await store.heatmaps.dayCohorts(other.id, null, days)).toEqual([]);
  });

  it('adds aggregates up, per element, grid cell, page cell and bucket, and reads them back summed', async () => {
    await store.heatmaps.addAggregates(
      site.id,
      [
        sessionWrite('/a', [
          { x: 10, y: 10, rx: 0.1, ry: 0.1 },
          { x: 300, y: 10 },
        ]),
      ],
      T,
    );
    await store.heatmaps.addAggregates(
      site.id,
      [sessionWrite('/a', [{ x: 12, y: 12, rx: 0.1, ry: 0.1 }])],
      T,
    );
    const pageId = (await store.heatmaps.pageId(site.id, '/a'))!;
    expect(pageId).toBeGreaterThan(0);
    const totals = await store.heatmaps.totals(pageId, everyone());
    expect(totals).toMatchObject({ views: 2, sessions: 2, clicks: 3 });
    const [el] = await store.heatmaps.elements(pageId, everyone());
    expect(el).toMatchObject({ path: EL, clicks: 3, sessions: 2 });
    const cells = (d: DenseCounts) =>
      [...Array(d.size).keys()]
        .filter((i) => d.values[i * d.metrics]! > 0)
        .map((i) => [i, [...denseAt(d, i)]]);
    expect(cells(el!.grid)).toEqual([
      [0, [2, 0, 0]],
      [36, [1, 0, 0]],
    ]);
    const tiles = await store.heatmaps.tiles(pageId, TileKind.Clicks, everyone());
    expect([...denseAt(tiles.get(0)!, 0)]).toEqual([2, 2, 0, 0, 0, 0]);
    expect([...denseAt(tiles.get(1)!, 2)]).toEqual([1, 1, 0, 0, 0, 0]); // x=300 → cell 18 → tile 1, index 2
    // Only the selected segment, device and days count.
    expect(
      (await store.heatmaps.totals(pageId, { ...everyone(), segment: segmentKey({ visitor: 'returning' }) }))
        .clicks,
    ).toBe(0);
    expect((await store.heatmaps.totals(pageId, { ...everyone(), devices: ['mobile'] })).clicks).toBe(0);
    expect((await store.heatmaps.totals(pageId, everyone(DAY - 40))).clicks).toBe(0);
    expect(await store.heatmaps.pages(site.id, everyone())).toEqual([
      expect.objectContaining({ pattern: '/a', views: 2, sessions: 2, clicks: 3 }),
    ]);
    expect(await store.heatmaps.pageId(other.id, '/a')).toBeUndefined();
  });

  it('loses no count when writers race for the same rows', async () => {
    await Promise.all(
      Array.from({ length: 12 }, () =>
        store.heatmaps.addAggregates(site.id, [sessionWrite('/race', [{ x: 5, y: 5 }])], T),
      ),
    );
    const pageId = (await store.heatmaps.pageId(site.id, '/race'))!;
    expect((await store.heatmaps.totals(pageId, everyone())).clicks).toBe(12);
    expect((await store.heatmaps.elements(pageId, everyone()))[0]).toMatchObject({
      clicks: 12,
      sessions: 12,
    });
    expect([
      ...denseAt((await store.heatmaps.tiles(pageId, TileKind.Clicks, everyone())).get(0)!, 0),
    ]).toEqual([12, 12, 0, 0, 0, 0]);
  });

  it("serialises one session's batches and counts each (session, seq) once", async () => {
    const batch = (seq: number): BatchForPlan => ({
      sessionId: 'sess_store_0001',
      siteId: site.id,
      seq,
      receivedAt: T,
      events: parsed(
        seq === 0
          ? [viewEvent(T, { path: '/s' }), clickEvent(T + 4_000, { path: '/s' })]
          : [clickEvent(T + 4_000 + seq, { path: '/s' })],
      ),
      tags: [],
      firstTs: T,
      lastTs: T + 4_000 + seq,
      userAgent: UA,
      region: null,
      minSessionMs: 3_000,
      pagePatterns: [],
    });
    const key = { sessionId: 'sess_store_0001', siteId: site.id };
    expect((await store.heatmaps.ingest(key, (s) => planHeatmapBatch(s, batch(0)), T)).outcome).toBe(
      'counted',
    );
    const results = await Promise.all(
      [1, 2, 3, 3, 2, 4].map((seq) => store.heatmaps.ingest(key, (s) => planHeatmapBatch(s, batch(seq)), T)),
    );
    expect(results.map((r) => r.outcome).sort()).toEqual([
      'counted',
      'counted',
      'counted',
      'counted',
      'duplicate',
      'duplicate',
    ]);
    const pageId = (await store.heatmaps.pageId(site.id, '/s'))!;
    expect(await store.heatmaps.totals(pageId, everyone())).toMatchObject({
      clicks: 5,
      sessions: 1,
      views: 1,
    });
    expect(await store.heatmaps.hasSession('sess_store_0001')).toBe(true);
    // The session belongs to its site.
    const conflict = await store.heatmaps.ingest(
      { sessionId: 'sess_store_0001', siteId: other.id },
      () => {
        throw new Error('not called');
      },
      T,
    );
    expect(conflict.outcome).toBe('conflict');
    // State goes once the session is over; the counts stay.
    expect(await store.heatmaps.deleteIdleSessions(T - 1, 100)).toBe(0);
    expect(await store.heatmaps.deleteIdleSessions(T + 1, 100)).toBe(1);
    expect(await store.heatmaps.hasSession('sess_store_0001')).toBe(false);
    expect((await store.heatmaps.totals(pageId, everyone())).clicks).toBe(5);
  });

  it('undoes a batch whose counting fails midway: none of its counts stay, the next batch counts', async () => {
    const sessionId = 'sess_store_fail1';
    const batch: BatchForPlan = {
      sessionId,
      siteId: site.id,
      seq: 0,
      receivedAt: T,
      events: parsed([viewEvent(T, { path: '/undone' }), clickEvent(T + 4_000, { path: '/undone' })]),
      tags: [],
      firstTs: T,
      lastTs: T + 4_000,
      userAgent: UA,
      region: null,
      minSessionMs: 3_000,
      pagePatterns: [],
    };
    const key = { sessionId, siteId: site.id };
    // The aggregates are written, then the session row cannot be (its segment does not serialise).
    const failing = store.heatmaps.ingest(
      key,
      (s) => {
        const planned = planHeatmapBatch(s, batch);
        return {
          ...planned,
          state: { ...planned.state, segment: { broken: 1n } },
        } as unknown as typeof planned;
      },
      T,
    );
    await expect(failing).rejects.toThrow();
    expect(await store.heatmaps.hasSession(sessionId)).toBe(false);
    expect((await store.heatmaps.ingest(key, (s) => planHeatmapBatch(s, batch), T)).outcome).toBe('counted');
    const pageId = (await store.heatmaps.pageId(site.id, '/undone'))!;
    expect(await store.heatmaps.totals(pageId, everyone())).toMatchObject({
      clicks: 1,
      sessions: 1,
      views: 1,
    });
  });

  it('keeps one sealed snapshot per page and device class, replaced by newer ones', async () => {
    const node = { type: 0, id: 1, childNodes: [{ type: 3, id: 2, textContent: '*** ***' }] };
    const candidate = {
      pattern: '/snap',
      device: 'mobile' as const,
      width: 390,
      height: 900,
      source: 'heatmap' as const,
      node,
    };
    const sealed = (await sealSnapshot(cipher, candidate, T))!;
    expect(sealed.payload.includes(Buffer.from('*** ***'))).toBe(false);
    await store.heatmaps.putSnapshot(site.id, '/snap', 'mobile', sealed, T);
    expect(await store.heatmaps.snapshotCapturedAt(site.id, '/snap', 'mobile')).toBe(T);
    expect(await store.heatmaps.snapshotCapturedAt(site.id, '/snap', 'desktop')).toBeUndefined();
    await store.heatmaps.putSnapshot(
      site.id,
      '/snap',
      'mobile',
      (await sealSnapshot(cipher, { ...candidate, width: 400 }, T + 5))!,
      T + 5,
    );
    const pageId = (await store.heatmaps.pageId(site.id, '/snap'))!;
    const stored = (await store.heatmaps.snapshot(pageId, 'mobile'))!;
    expect(stored).toMatchObject({ capturedAt: T + 5, width: 400, source: 'heatmap' });
    expect(await openSnapshot(cipher, stored)).toEqual(node);
    // Sealed to itself: another snapshot's key does not open it.
    await expect(openSnapshot(cipher, { ...stored, snapshotId: sealed.snapshotId })).rejects.toThrow();
  });
});
