import { DEFAULT_PRIVACY_POLICY } from '@veil/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/storage/Store.js';
import type { SiteRecord } from '../../src/storage/sites/SiteRepository.js';
import { storeBackends } from '../support/storeBackends.js';

// The alert repositories behave alike on SQLite and PostgreSQL.

const T = Date.UTC(2025, 0, 1);

describe.each(await storeBackends())('alert store: $name', (backend) => {
  let store: Store;
  let cleanup: () => Promise<void>;
  let site: SiteRecord;

  beforeAll(async () => {
    ({ store, cleanup } = await backend.open());
    site = await store.sites.create({
      siteKey: `site_${backend.name}_alerts`,
      name: 'Alerts',
      origins: ['https://a.example'],
      policy: { ...DEFAULT_PRIVACY_POLICY },
      createdAt: T,
    });
  });
  afterAll(async () => {
    await store?.close();
    await cleanup?.();
  });

  const alert = (fingerprint: string, at: number) => ({
    siteId: site.id,
    kind: 'scope_drift' as const,
    fingerprint,
    severity: 'medium' as const,
    summary: 'new page /x',
    details: { pagePattern: '/x', count: 1 },
    at,
  });

  it('folds a raise into the unresolved alert of its fingerprint, even when raised concurrently', async () => {
    const results = await Promise.all([1, 2, 3].map((i) => store.alerts.raise(alert('fp-1', T + i))));
    expect(results.filter((r) => r.created)).toHaveLength(1);
    const open = await store.alerts.findOpen(site.id, 'fp-1');
    expect(open).toMatchObject({
      occurrences: 3,
      lastSeenAt: T + 3,
      status: 'open',
      details: { pagePattern: '/x' },
    });
    expect(await store.alerts.acknowledge(open!.id, 'dpo', T + 10, 'seen')).toBe(true);
    expect(await store.alerts.acknowledge(open!.id, 'dpo', T + 11, 'seen')).toBe(false);
    expect((await store.alerts.raise(alert('fp-1', T + 12))).created).toBe(false);
    expect(await store.alerts.resolve(open!.id, 'dpo', T + 13, 'fixed')).toBe(true);
    expect(await store.alerts.resolve(open!.id, 'dpo', T + 14, 'fixed')).toBe(false);
    const anew = await store.alerts.raise(alert('fp-1', T + 15));
    expect(anew.created).toBe(true);
    const listed = await store.alerts.list({ siteIds: [site.id], status: 'unresolved', limit: 10 });
    expect(listed.map((a) => a.id)).toEqual([anew.alert.id]);
    expect(await store.alerts.list({ siteIds: [], limit: 10 })).toEqual([]);
    expect(
      (await store.alerts.list({ siteIds: 'all', status: 'resolved', kind: 'scope_drift', limit: 10 }))[0],
    ).toMatchObject({
      id: open!.id,
      resolvedBy: 'dpo',
      note: 'fixed',
    });
  });

  it('keeps sink names unique per site and deliveries claimable once', async () => {
    const sink = {
      id: crypto.randomUUID(),
      siteId: site.id,
      name: 'hook',
      type: 'webhook' as const,
      settings: { urlHost: 'hooks.example' },
      secretBox: Buffer.from([1, 2, 3]),
      enabled: true,
      createdAt: T,
      updatedAt: T,
    };
    const created = await store.alertSinks.create(sink);
    expect(created).toMatchObject({ name: 'hook', settings: { urlHost: 'hooks.example' }, enabled: true });
    expect(await store.alertSinks.create({ ...sink, id: crypto.randomUUID() })).toBe('conflict');
    expect(await store.alertSinks.update({ ...sink, enabled: false, updatedAt: T + 1 })).toMatchObject({
      enabled: false,
    });
    const { alert: a } = await store.alerts.raise(alert('fp-2', T));
    const delivery = {
      id: crypto.randomUUID(),
      siteId: site.id,
      sinkId: sink.id,
      kind: 'alert' as const,
      alertId: a.id,
      digestAlertIds: [],
      status: 'pending' as const,
      attempts: 0,
      nextAttemptAt: T,
      lastError: null,
      lastResponse: null,
      createdAt: T,
      deliveredAt: null,
    };
    await store.alertDeliveries.insert(delivery);
    await store.alertDeliveries.insert({ ...delivery, id: crypto.randomUUID(), status: 'held' });
    expect(await store.alertDeliveries.countSentSince(sink.id, T)).toBe(1);
    expect((await store.alertDeliveries.listDue(T, 10)).map((d) => d.id)).toEqual([delivery.id]);
    const claims = await Promise.all(
      [1, 2].map(() => store.alertDeliveries.claim(delivery.id, T, T + 60_000)),
    );
    expect(claims.filter(Boolean)).toHaveLength(1);
    await store.alertDeliveries.markAttemptFailed(delivery.id, 1, 'busy', '503', T + 1000);
    expect((await store.alertDeliveries.list(site.id, 10)).find((d) => d.id === delivery.id)).toMatchObject({
      status: 'pending',
      attempts: 1,
      nextAttemptAt: T + 1000,
      lastResponse: '503',
    });
    const held = await store.alertDeliveries.heldSinks();
    expect(held).toEqual([{ sinkId: sink.id, siteId: site.id, oldestAt: T }]);
    const heldRows = await store.alertDeliveries.listHeld(sink.id);
    expect(await store.alertDeliveries.markDigested(heldRows.map((r) => r.id))).toBe(1);
    expect(await store.alertDeliveries.markDigested(heldRows.map((r) => r.id))).toBe(0);
    expect(await store.alertSinks.delete(sink.id)).toBe(true);
    expect(await store.alertDeliveries.list(site.id, 10)).toEqual([]);
  });
});
