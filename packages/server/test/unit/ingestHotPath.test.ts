import { EventType, NodeType, type RecordedEvent, RedactionContext, redactEvents } from '@veil/core';
import { describe, expect, it } from 'vitest';
import { GroupCommit } from '../../src/ingest/GroupCommit.js';
import { redactionStateBytes, SessionPrivacyStates } from '../../src/privacy/SessionPrivacyStates.js';
import { SiteLookupCache } from '../../src/storage/sites/SiteLookupCache.js';
import type { SiteRecord } from '../../src/storage/sites/SiteRepository.js';

const tick = () => new Promise((r) => setImmediate(r));

describe('GroupCommit', () => {
  it('writes the batches of one turn together and settles each only after its group is written', async () => {
    const groups: number[][] = [];
    let finish: (() => void) | undefined;
    const commit = new GroupCommit<number, string>(async (items) => {
      groups.push([...items]);
      await new Promise<void>((r) => {
        finish = r;
      });
      return items.map((i) => (i === 3 ? new Error('batch 3 failed') : `stored ${i}`));
    });
    const settled: string[] = [];
    const first = [1, 2, 3].map((i) =>
      commit.submit(i).then(
        (v) => settled.push(v),
        (e: Error) => settled.push(e.message),
      ),
    );
    await tick();
    expect(groups).toEqual([[1, 2, 3]]);
    // Submitted while the first group is being written: the next group.
    const later = [4, 5].map((i) => commit.submit(i).then((v) => settled.push(v)));
    await tick();
    expect(settled).toEqual([]);
    finish?.();
    await Promise.all(first);
    expect(settled).toEqual(['stored 1', 'stored 2', 'batch 3 failed']);
    await tick();
    expect(groups).toEqual([
      [1, 2, 3],
      [4, 5],
    ]);
    finish?.();
    await Promise.all(later);
    await commit.drained();
    expect(settled.slice(3)).toEqual(['stored 4', 'stored 5']);
  });

  it('fails every batch of a group whose write throws, and goes on with the next group', async () => {
    let calls = 0;
    const commit = new GroupCommit<number, number>(async (items) => {
      calls += 1;
      if (calls === 1) throw new Error('database is locked');
      return [...items];
    });
    const a = commit.submit(1);
    const b = commit.submit(2);
    await expect(a).rejects.toThrow('database is locked');
    await expect(b).rejects.toThrow('database is locked');
    await expect(commit.submit(3)).resolves.toBe(3);
  });

  it('splits a long queue into groups of at most the maximum', async () => {
    const sizes: number[] = [];
    const commit = new GroupCommit<number, number>(async (items) => {
      sizes.push(items.length);
      return [...items];
    }, 4);
    await Promise.all(Array.from({ length: 10 }, (_, i) => commit.submit(i)));
    expect(sizes).toEqual([4, 4, 2]);
  });
});

describe('SiteLookupCache', () => {
  const site = (policyVersion: number): SiteRecord =>
    ({
      id: 'site-1',
      siteKey: 'key_1',
      name: `v${policyVersion}`,
      origins: [],
      createdAt: 0,
    }) as unknown as SiteRecord;

  it('reads a site once per TTL, shares a lookup in flight, and reads again after invalidate()', async () => {
    let now = 0;
    let loads = 0;
    const cache = new SiteLookupCache(
      async (key) => {
        loads += 1;
        return key === 'key_1' ? site(loads) : undefined;
      },
      () => now,
      2_000,
    );
    const [a, b] = await Promise.all([cache.findByKey('key_1'), cache.findByKey('key_1')]);
    expect(loads).toBe(1);
    expect(a).toBe(b);
    now = 1_999;
    expect((await cache.findByKey('key_1'))?.name).toBe('v1');
    now = 2_000;
    expect((await cache.findByKey('key_1'))?.name).toBe('v2');
    cache.invalidate();
    expect((await cache.findByKey('key_1'))?.name).toBe('v3');
    // Unknown keys are not remembered: a site created elsewhere is found on its first batch.
    expect(await cache.findByKey('nope')).toBeUndefined();
    await cache.findByKey('nope');
    expect(loads).toBe(5);
  });
});

/** A full snapshot of `n` text nodes of `chars` characters each. */
function snapshot(n: number, chars: number): RecordedEvent {
  let id = 2;
  return {
    type: EventType.FullSnapshot,
    timestamp: 1,
    data: {
      node: {
        type: NodeType.Document,
        id: 1,
        childNodes: Array.from({ length: n }, () => ({
          type: NodeType.Element,
          id: id++,
          tagName: 'p',
          attributes: {},
          childNodes: [{ type: NodeType.Text, id: id++, textContent: 'x'.repeat(chars) }],
        })),
      },
      initialOffset: { top: 0, left: 0 },
    },
  } as RecordedEvent;
}

describe('SessionPrivacyStates', () => {
  it('measures a session by its node tree and remembered text', () => {
    const small = new RedactionContext();
    redactEvents([snapshot(10, 10)], { inPlace: true, context: small });
    const large = new RedactionContext();
    redactEvents([snapshot(5_000, 40)], { inPlace: true, context: large });
    expect(redactionStateBytes(large)).toBeGreaterThan(redactionStateBytes(small) + 5_000 * 40);
  });

  it('forgets the least recently used sessions when their bytes exceed the bound, keeping the one in use', () => {
    const states = new SessionPrivacyStates(1_000, 1024 * 1024);
    for (let i = 0; i < 20; i++) {
      const id = `s${i}`;
      const state = states.get(id);
      redactEvents([snapshot(2_000, 40)], { inPlace: true, context: state.redaction });
      states.measure(id);
      expect(states.bytes).toBeLessThanOrEqual(1024 * 1024 + redactionStateBytes(state.redaction));
      expect(states.peek(id)).toBe(state);
    }
    expect(states.size).toBeLessThan(20);
    expect(states.peek('s0')).toBeUndefined();
    expect(states.peek('s19')).toBeDefined();
    let sum = 0;
    for (let i = 0; i < 20; i++) {
      const s = states.peek(`s${i}`);
      if (s) sum += redactionStateBytes(s.redaction);
    }
    expect(states.bytes).toBe(sum);
  });

  it('still bounds the count', () => {
    const states = new SessionPrivacyStates(3);
    for (const id of ['a', 'b', 'c', 'd']) states.get(id);
    expect(states.size).toBe(3);
    expect(states.peek('a')).toBeUndefined();
  });
});
