import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_PRIVACY_POLICY, emptySignalState, type FunnelStep, funnelReach } from '@veil/core';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { EnvelopeCipher } from '../../src/crypto/EnvelopeCipher.js';
import { openSqliteStore } from '../../src/storage/sqlite/openSqliteStore.js';

const T = Date.UTC(2025, 0, 1);
const cipher = new EnvelopeCipher(Buffer.alloc(32, 3));

// Migration 019 fills session_funnels from the page views and clicks stored before it.
describe('migration session_funnels', () => {
  const dir = mkdtempSync(join(tmpdir(), 'veil-funnel-migration-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('rebuilds the sequences of sessions stored before it', async () => {
    const file = join(dir, 'veil.sqlite');
    let store = await openSqliteStore(file);
    const site = await store.sites.create({
      siteKey: 'site_funnel_migration',
      name: 'Migration',
      origins: ['https://m.example'],
      policy: { ...DEFAULT_PRIVACY_POLICY },
      createdAt: T,
    });
    for (let n = 0; n < 6; n++) {
      const id = `sess_migrated_${n}`;
      const pages = ['/', '/item/1', n % 2 ? '/cart' : '/about'].map((p, i) => ({
        url: `https://m.example${p}`,
        ts: T + i * 1_000,
        viewportWidth: 1280,
      }));
      await store.recordings.ingestChunk(
        {
          siteId: site.id,
          sessionId: id,
          visitorId: `vis_${n % 4}`,
          seq: 0,
          receivedAt: T + n,
          eventCount: 1,
          firstTs: T,
          lastTs: T + 5_000,
          pages,
        },
        {
          newWrappedDataKey: () => cipher.newWrappedDataKey(id),
          seal: (wrapped) => {
            const key = cipher.unwrapDataKey(id, wrapped);
            return {
              payload: cipher.sealChunk(key, id, 0, Buffer.from('[]')),
              titles: pages.map(() => null),
            };
          },
        },
      );
      await store.signals.ingest(
        { sessionId: id, siteId: site.id, seq: 0 },
        (s) => s ?? emptySignalState(),
        T,
        [{ ts: T + 2_500, page: '/cart', element: 'button#pay' }],
      );
    }
    const steps: FunnelStep[] = [{ page: '/' }, { page: '/cart' }, { page: '/cart', click: 'button#pay' }];
    const expected = funnelReach(await store.recordings.funnelSessions(site.id, T - 1, T + 10), steps);
    expect(expected.sessions).toEqual([6, 3, 3]);
    await store.close();
    const raw = new BetterSqlite3(file);
    // The database as it was before migration 019: later migrations undone too (the runner only
    // applies versions above the highest one recorded).
    raw.exec(`drop table session_funnels;
      drop table session_funnel_sources;
      alter table heatmap_element_stats drop column visitors;
      alter table heatmap_tiles drop column visitors;
      alter table heatmap_totals drop column scroll_visitors;
      alter table heatmap_totals drop column signal_visitors;
      drop table heatmap_day_outcomes;
      drop table heatmap_day_versions;
      delete from schema_version where version >= 19`);
    expect(raw.prepare('select max(version) as v from schema_version').get()).toEqual({ v: 18 });
    raw.close();
    store = await openSqliteStore(file);
    try {
      expect(await store.signals.funnelReach(site.id, T - 1, T + 10, steps, {}, 100)).toEqual(expected);
    } finally {
      await store.close();
    }
  });
});
