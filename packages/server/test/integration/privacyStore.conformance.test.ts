import { DEFAULT_PRIVACY_POLICY } from '@veil/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/storage/Store.js';
import type { SiteRecord } from '../../src/storage/sites/SiteRepository.js';
import { storeBackends } from '../support/storeBackends.js';

// The privacy repository behaves alike on SQLite and PostgreSQL.

const T = Date.UTC(2025, 0, 1);

describe.each(await storeBackends())('privacy store: $name', (backend) => {
  let store: Store;
  let exec: (text: string) => Promise<void>;
  let cleanup: () => Promise<void>;
  let site: SiteRecord;

  beforeAll(async () => {
    ({ store, exec, cleanup } = await backend.open());
    site = await store.sites.create({
      siteKey: `site_${backend.name}_privacy`,
      name: 'Privacy',
      origins: ['https://p.example'],
      policy: { ...DEFAULT_PRIVACY_POLICY },
      createdAt: T,
    });
  });
  afterAll(async () => {
    await store?.close();
    await cleanup?.();
  });

  it('appends versions in order, makes each current, refuses a stale base', async () => {
    const author = { type: 'user' as const, id: 'u1', label: 'dpo@p.example' };
    const v1 = await store.privacy.appendVersion({
      siteId: site.id,
      previousVersion: 0,
      policy: site.policy,
      author,
      reason: 'initial',
      diff: [],
      createdAt: T,
    });
    expect(v1).toMatchObject({ version: 1 });
    const tighter = { ...site.policy, retentionDays: 7 };
    const diff = [{ field: 'retentionDays' as const, kind: 'changed' as const, before: 30, after: 7 }];
    const v2 = await store.privacy.appendVersion({
      siteId: site.id,
      previousVersion: 1,
      policy: tighter,
      author,
      reason: 'shorter',
      diff,
      createdAt: T + 1,
    });
    expect(v2).toMatchObject({ version: 2, reason: 'shorter' });
    expect(
      await store.privacy.appendVersion({
        siteId: site.id,
        previousVersion: 1,
        policy: tighter,
        author,
        reason: 'stale',
        diff,
        createdAt: T + 2,
      }),
    ).toBe('conflict');
    expect((await store.sites.findById(site.id))?.policy.retentionDays).toBe(7);
    expect((await store.privacy.latestVersion(site.id))?.version).toBe(2);
    expect((await store.privacy.listVersions(site.id, 10)).map((v) => v.version)).toEqual([2, 1]);
    expect((await store.privacy.getVersion(site.id, 2))?.diff).toEqual(diff);
    expect((await store.privacy.getVersion(site.id, 1))?.policy.retentionDays).toBe(30);
  });

  it('lets only one of two concurrent appends through', async () => {
    const author = { type: 'system' as const, id: null, label: 'system' };
    const results = await Promise.all(
      [3, 5].map((days) =>
        store.privacy.appendVersion({
          siteId: site.id,
          previousVersion: 2,
          policy: { ...site.policy, retentionDays: days },
          author,
          reason: `race ${days}`,
          diff: [],
          createdAt: T + 3,
        }),
      ),
    );
    expect(results.filter((r) => r === 'conflict')).toHaveLength(1);
    expect((await store.privacy.listVersions(site.id, 10)).map((v) => v.version)).toEqual([3, 2, 1]);
  });

  it('refuses to change or delete a version at the engine', async () => {
    await expect(exec("update policy_versions set reason = 'x'")).rejects.toThrow(/append-only/);
    await expect(exec('delete from policy_versions')).rejects.toThrow(/append-only/);
  });

  it('adds masking failure counts per page, element, label and place', async () => {
    const f = {
      pagePattern: '/a/:id',
      elementPath: 'form#x>p:nth-of-type(1)',
      label: 'email',
      location: 'text',
      count: 2,
    };
    await store.privacy.recordMaskingFailures(
      site.id,
      [f, { ...f, elementPath: null, label: 'card', count: 1 }],
      T,
    );
    await store.privacy.recordMaskingFailures(site.id, [{ ...f, count: 3 }], T + 10);
    const list = await store.privacy.listMaskingFailures(site.id, 10);
    expect(list).toEqual([
      { ...f, count: 5, firstSeenAt: T, lastSeenAt: T + 10 },
      { ...f, elementPath: null, label: 'card', count: 1, firstSeenAt: T, lastSeenAt: T },
    ]);
  });

  it('raises, lists and acknowledges alerts; counts drops per day and reason', async () => {
    const alert = await store.privacy.raiseAlert({
      siteId: site.id,
      kind: 'canary',
      label: 'c1',
      count: 1,
      sessionId: 's1',
      pagePattern: '/',
      createdAt: T,
    });
    expect(await store.privacy.listAlerts(site.id, { unacknowledgedOnly: true, limit: 10 })).toEqual([alert]);
    expect(await store.privacy.acknowledgeAlert(alert.id, 'dpo', T + 1)).toBe(true);
    expect(await store.privacy.acknowledgeAlert(alert.id, 'dpo', T + 2)).toBe(false);
    expect(await store.privacy.listAlerts(site.id, { unacknowledgedOnly: true, limit: 10 })).toEqual([]);
    expect((await store.privacy.findAlert(alert.id))?.acknowledgedBy).toBe('dpo');
    await store.privacy.countDrop(site.id, 'ip_blocked', T);
    await store.privacy.countDrop(site.id, 'ip_blocked', T + 1000, 2);
    await store.privacy.countDrop(site.id, 'page_not_allowed', T + 86_400_000);
    expect(await store.privacy.dropCounts(site.id, '2025-01-01')).toEqual([
      { day: '2025-01-02', reason: 'page_not_allowed', count: 1 },
      { day: '2025-01-01', reason: 'ip_blocked', count: 3 },
    ]);
  });

  it('counts drops per clock hour atomically and prunes hours older than two days', async () => {
    const HOUR = 3_600_000;
    const totals = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        store.privacy.countDropInHour(site.id, 'region_restricted', T + i),
      ),
    );
    // Concurrent callers each see a different total: exactly one sees any given crossing.
    expect([...totals].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(await store.privacy.countDropInHour(site.id, 'region_restricted', T + HOUR - 1, 5)).toBe(15);
    expect(await store.privacy.countDropInHour(site.id, 'region_restricted', T + HOUR)).toBe(1);
    expect(await store.privacy.countDropInHour(site.id, 'ip_blocked', T + 10)).toBe(1);
    // The first count of an hour 49 hours on prunes the first hour (and keeps the other reason's).
    expect(await store.privacy.countDropInHour(site.id, 'region_restricted', T + 49 * HOUR)).toBe(1);
    expect(await store.privacy.countDropInHour(site.id, 'region_restricted', T)).toBe(1);
    expect(await store.privacy.countDropInHour(site.id, 'region_restricted', T + HOUR)).toBe(2);
    expect(await store.privacy.countDropInHour(site.id, 'ip_blocked', T + 20)).toBe(2);
  });
});
