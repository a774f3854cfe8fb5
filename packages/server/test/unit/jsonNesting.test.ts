import { describe, expect, it } from 'vitest';
import { jsonNestsDeeperThan, MAX_BATCH_NESTING_DEPTH } from '../../src/ingest/jsonNesting.js';

const bytes = (s: string) => Buffer.from(s);

describe('jsonNestsDeeperThan', () => {
  it('counts objects and arrays alike, up to the limit inclusive', () => {
    expect(jsonNestsDeeperThan(bytes('[{"a":[1]}]'), 3)).toBe(false);
    expect(jsonNestsDeeperThan(bytes('[{"a":[[1]]}]'), 3)).toBe(true);
    expect(jsonNestsDeeperThan(bytes('1'), 0)).toBe(false);
  });

  it('ignores brackets inside strings, escaped quotes included', () => {
    expect(jsonNestsDeeperThan(bytes('["[[[[", "\\"[[[[", "\\\\"]'), 1)).toBe(false);
    expect(jsonNestsDeeperThan(bytes('["\\\\", [[1]]]'), 2)).toBe(true);
  });

  it('returns to the outer depth after a closed sibling', () => {
    const siblings = `[${Array.from({ length: 100 }, () => '[[1]]').join(',')}]`;
    expect(jsonNestsDeeperThan(bytes(siblings), 3)).toBe(false);
  });

  it('refuses what JSON.stringify could not write back (a stack overflow at a few thousand levels)', () => {
    const deep = `${'['.repeat(5_000)}${']'.repeat(5_000)}`;
    expect(jsonNestsDeeperThan(bytes(deep), MAX_BATCH_NESTING_DEPTH)).toBe(true);
    const allowed = `${'['.repeat(MAX_BATCH_NESTING_DEPTH)}${']'.repeat(MAX_BATCH_NESTING_DEPTH)}`;
    expect(jsonNestsDeeperThan(bytes(allowed), MAX_BATCH_NESTING_DEPTH)).toBe(false);
    expect(() => JSON.stringify(JSON.parse(allowed))).not.toThrow();
  });
});
