import { DEFAULT_PRIVACY_POLICY } from '@veil/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NewInventoryItem } from '../../src/storage/inventory/InventoryRepository.js';
import type { Store } from '../../src/storage/Store.js';
import type { SiteRecord } from '../../src/storage/sites/SiteRepository.js';
import { storeBackends } from '../support/storeBackends.js';

// The inventory repository behaves alike on SQLite and PostgreSQL.

const T = Date.UTC(2025, 0, 1);

describe.each(await storeBackends())('inventory store: $name', (backend) => {
  let store: Store;
  let cleanup: () => Promise<void>;
  let site: SiteRecord;

  beforeAll(async () => {
    ({ store, cleanup } = await backend.open());
    site = await store.sites.create({
      siteKey: `site_${backend.name}_inventory`,
      name: 'Inventory',
      origins: ['https://i.example'],
      policy: { ...DEFAULT_PRIVACY_POLICY },
      createdAt: T,
    });
  });
  afterAll(async () => {
    await store?.close();
    await cleanup?.();
  });

  const page = (pattern: string, at: number): NewInventoryItem => ({
    siteId: site.id,
    kind: 'page',
    pagePattern: pattern,
    path: '',
    tag: null,
    name: null,
    elementId: null,
    inputType: null,
    autocomplete: null,
    label: null,
    capture: null,
    sensitive: null,
    at,
  });
  const field = (pattern: string, path: string, at: number): NewInventoryItem => ({
    ...page(pattern, at),
    kind: 'field',
    path,
    tag: 'input',
    name: 'ssn',
    elementId: 'ssn',
    inputType: 'text',
    autocomplete: 'off',
    label: 'Social security number',
    capture: 'masked',
    sensitive: 'ssn',
  });

  it('files each item once, pending, even when discovered concurrently', async () => {
    const batches = await Promise.all(
      [1, 2, 3].map((i) =>
        store.inventory.discover([
          page('/intake', T + i),
          field('/intake', 'form#f>input:nth-of-type(1)', T + i),
        ]),
      ),
    );
    expect(batches.flat()).toHaveLength(2);
    const items = await store.inventory.list(site.id);
    expect(items.map((i) => [i.kind, i.pagePattern, i.path, i.status])).toEqual([
      ['page', '/intake', '', 'pending'],
      ['field', '/intake', 'form#f>input:nth-of-type(1)', 'pending'],
    ]);
    expect(items[1]).toMatchObject({
      name: 'ssn',
      label: 'Social security number',
      capture: 'masked',
      sensitive: 'ssn',
      sessions: 0,
      reviewedAt: null,
    });
    expect(await store.inventory.count(site.id)).toBe(2);
    expect(await store.inventory.discover([page('/intake', T + 9)])).toEqual([]);
  });

  it('counts sessions and network payloads of a page and never moves its last seen back', async () => {
    await store.inventory.touchPage(site.id, '/intake', {
      at: T + 100,
      newSessions: 1,
      networkPayloadEvents: 2,
    });
    await store.inventory.touchPage(site.id, '/intake', {
      at: T + 50,
      newSessions: 1,
      networkPayloadEvents: 0,
    });
    const [p] = await store.inventory.list(site.id, { pagePattern: '/intake' });
    expect(p).toMatchObject({ kind: 'page', sessions: 2, networkPayloadEvents: 2, lastSeenAt: T + 100 });
    expect(p!.firstSeenAt).toBeLessThanOrEqual(T + 3);
  });

  it('changes the capture of an element only when it differs', async () => {
    const path = 'form#f>input:nth-of-type(1)';
    expect(
      await store.inventory.setCapture(site.id, 'field', '/intake', path, 'masked', T + 200),
    ).toBeUndefined();
    const changed = await store.inventory.setCapture(site.id, 'field', '/intake', path, 'blocked', T + 201);
    expect(changed).toMatchObject({ capture: 'blocked', lastSeenAt: T + 201 });
    expect(
      await store.inventory.setCapture(site.id, 'field', '/other', path, 'blocked', T + 202),
    ).toBeUndefined();
  });

  it('reviews an item once from the states allowed, and filters by status', async () => {
    const [, f] = await store.inventory.list(site.id, { pagePattern: '/intake' });
    const review = {
      status: 'excluded' as const,
      by: 'dpo@i.example',
      at: T + 300,
      note: 'not needed for analytics',
      policyVersion: 2,
      rule: 'blockSelectors: input[name="ssn"]',
    };
    expect(await store.inventory.review(f!.id, { ...review, from: ['pending', 'approved'] })).toBe(true);
    expect(await store.inventory.review(f!.id, { ...review, from: ['pending', 'approved'] })).toBe(false);
    expect(await store.inventory.findById(f!.id)).toMatchObject({
      status: 'excluded',
      reviewedBy: 'dpo@i.example',
      reviewedAt: T + 300,
      reviewNote: 'not needed for analytics',
      policyVersion: 2,
      rule: 'blockSelectors: input[name="ssn"]',
    });
    expect((await store.inventory.list(site.id, { status: 'pending' })).map((i) => i.kind)).toEqual(['page']);
    expect(await store.inventory.findById('nope')).toBeUndefined();
  });
});
