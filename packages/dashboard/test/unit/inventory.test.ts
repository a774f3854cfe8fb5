import type { InventoryItem, InventoryResponse } from '@veil/core';
import { flowGraph } from '@veil/core';
import { describe, expect, it } from 'vitest';

const base: InventoryItem = {
  id: 'p1',
  kind: 'page',
  pagePattern: '/intake',
  path: '',
  tag: null,
  name: null,
  elementId: null,
  inputType: null,
  autocomplete: null,
  label: null,
  capture: null,
  sensitive: null,
  status: 'pending',
  firstSeenAt: 1,
  lastSeenAt: 2,
  sessions: 3,
  networkPayloadEvents: 0,
  reviewedAt: null,
  reviewedBy: null,
  reviewNote: null,
  policyVersion: null,
  rule: null,
};
const field = (
  id: string,
  page: string,
  name: string,
  capture: 'masked' | 'blocked' | 'captured',
  sensitive: string | null = null,
): InventoryItem => ({
  ...base,
  id,
  kind: 'field',
  pagePattern: page,
  path: `form>input#${id}`,
  tag: 'input',
  name,
  capture,
  sensitive,
});
const inventory: InventoryResponse = {
  siteKey: 'k',
  siteName: 'Clinic',
  storage: {
    engine: 'postgres',
    encryption: 'AES-256-GCM',
    retentionDays: 14,
    policyVersion: 4,
    networkPayloadsCaptured: false,
  },
  items: [
    base,
    field('f1', '/intake', 'ssn', 'masked', 'ssn'),
    field('f2', '/intake', 'notes', 'blocked'),
    { ...base, id: 'p2', pagePattern: '/other' },
    field('f3', '/other', 'dob', 'captured', 'dob'),
  ],
};

describe('flowGraph', () => {
  it('draws pages → fields → capture → storage → retention; blocked data stops at its capture', () => {
    const g = flowGraph(inventory, null);
    expect(g.nodes.map((n) => [n.column, n.label])).toEqual([
      ['page', '/intake'],
      ['page', '/other'],
      ['field', 'ssn'],
      ['field', 'notes'],
      ['field', 'dob'],
      ['capture', 'masked'],
      ['capture', 'blocked'],
      ['capture', 'captured'],
      ['storage', 'storage: PostgreSQL'],
      ['retention', 'retention: 14 days'],
    ]);
    const edges = g.edges.map((e) => `${e.from} → ${e.to}`);
    expect(edges).toContain('page:p1 → field:f1');
    expect(edges).toContain('field:f2 → capture:blocked');
    expect(edges).not.toContain('capture:blocked → storage');
    expect(edges).toContain('capture:captured → storage');
    expect(edges).toContain('storage → retention');
    expect(g.nodes.find((n) => n.id === 'field:f3')?.warning).toBe(true);
    expect(g.nodes.find((n) => n.id === 'field:f1')?.warning).toBe(false);
  });

  it('keeps one page and its fields when filtered', () => {
    const g = flowGraph(inventory, '/other');
    expect(g.nodes.filter((n) => n.column === 'page' || n.column === 'field').map((n) => n.label)).toEqual([
      '/other',
      'dob',
    ]);
    expect(g.nodes.map((n) => n.label)).not.toContain('masked');
  });
});
