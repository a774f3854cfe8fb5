import { describe, expect, it } from 'vitest';
import { IngestReadCache } from '../../src/storage/IngestReadCache.js';

// The ingest hot path's repeated reads (consent grant, user hashes, heatmap state) are remembered
// for a moment; what could let a batch through that should be refused is never remembered longer.

function counter<V>(values: V[]) {
  let reads = 0;
  return {
    load: async () => values[Math.min(reads++, values.length - 1)] as V,
    get reads() {
      return reads;
    },
  };
}

describe('IngestReadCache', () => {
  it('reads once per key within the time to live, again after it', async () => {
    let now = 0;
    const cache = new IngestReadCache<string>(
      () => true,
      () => now,
      1_000,
    );
    const source = counter(['a', 'b']);
    expect(await cache.get('k', source.load)).toBe('a');
    now = 999;
    expect(await cache.get('k', source.load)).toBe('a');
    expect(source.reads).toBe(1);
    now = 1_000;
    expect(await cache.get('k', source.load)).toBe('b');
    expect(source.reads).toBe(2);
  });

  it('shares a read in flight between concurrent callers', async () => {
    const cache = new IngestReadCache<number>(
      () => true,
      () => 0,
    );
    const source = counter([1]);
    const [a, b] = await Promise.all([cache.get('k', source.load), cache.get('k', source.load)]);
    expect([a, b, source.reads]).toEqual([1, 1, 1]);
  });

  it('never remembers what `keep` refuses, nor a failed read', async () => {
    const cache = new IngestReadCache<string | undefined>(
      (v) => v !== undefined,
      () => 0,
    );
    const source = counter([undefined, 'found']);
    expect(await cache.get('k', source.load)).toBeUndefined();
    expect(await cache.get('k', source.load)).toBe('found');
    let failing = true;
    const flaky = async () => {
      if (failing) throw new Error('down');
      return 'up';
    };
    await expect(cache.get('f', flaky)).rejects.toThrow('down');
    failing = false;
    expect(await cache.get('f', flaky)).toBe('up');
  });

  it('drops every entry and every read in flight on invalidate; one key on forget', async () => {
    const cache = new IngestReadCache<string>(
      () => true,
      () => 0,
    );
    let release: (v: string) => void = () => {};
    const slow = () =>
      new Promise<string>((resolve) => {
        release = resolve;
      });
    const inFlight = cache.get('k', slow);
    cache.invalidate();
    release('stale');
    expect(await inFlight).toBe('stale');
    // The read that started before the invalidation is not used after it.
    expect(await cache.get('k', async () => 'fresh')).toBe('fresh');
    expect(await cache.get('k', async () => 'other')).toBe('fresh');
    cache.forget('k');
    expect(await cache.get('k', async () => 'other')).toBe('other');
  });

  it('drops entries before and after a write (`around`), also when it fails', async () => {
    const cache = new IngestReadCache<string>(
      () => true,
      () => 0,
    );
    await cache.get('k', async () => 'before');
    let during: string | undefined;
    await cache.around(async () => {
      during = await cache.get('k', async () => 'during');
    });
    expect(during).toBe('during');
    // Read while the write ran: not trusted once it is done.
    expect(await cache.get('k', async () => 'after')).toBe('after');
    await expect(
      cache.around(async () => {
        throw new Error('write failed');
      }),
    ).rejects.toThrow('write failed');
    expect(await cache.get('k', async () => 'again')).toBe('again');
  });

  it('empties itself when full (a spray of ids cannot grow it)', async () => {
    const cache = new IngestReadCache<number>(
      () => true,
      () => 0,
      1_000,
      3,
    );
    for (const k of ['a', 'b', 'c']) await cache.get(k, async () => 1);
    await cache.get('d', async () => 2);
    expect(await cache.get('a', async () => 3)).toBe(3);
  });
});
