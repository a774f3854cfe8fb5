import { describe, expect, it } from 'vitest';
import { jsonNestsDeeperThan, MAX_BATCH_NESTING_DEPTH, scanJson } from '../../src/ingest/jsonNesting.js';

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

describe('scanJson', () => {
  const scan = (text: string) => scanJson(bytes(text), MAX_BATCH_NESTING_DEPTH);
  it('finds what jsonNestsDeeperThan finds, in the same pass', () => {
    expect(scanJson(bytes('[{"a":[1]}]'), 3).tooDeep).toBe(false);
    expect(scanJson(bytes('[{"a":[[1]]}]'), 3).tooDeep).toBe(true);
    expect(scanJson(bytes('["\\\\", [[1]]]'), 2).tooDeep).toBe(true);
    expect(scanJson(bytes('["[[[[", "\\"[[[[", "\\\\"]'), 1).tooDeep).toBe(false);
  });

  it('calls faithful only text that holds exactly its parse', () => {
    const faithful = [
      '{"a":1,"b":{"a":2},"c":[{"a":1},{"a":1}]}',
      '{"a":"x","ab":"a","b":"a"}',
      '[{"k":"v"},{"k":"v"}]',
      '{"a":"\\"a\\":1"}',
      '{}',
      '{"":1,"a":{"":2}}',
    ];
    for (const text of faithful) expect(scan(text).faithful, text).toBe(true);
    const not = [
      '{"a":1,"a":2}',
      '{"a":{"b":1},"c":2,"a":3}',
      '[{"x":[{"k":1,"k":1}]}]',
      '{"a":1,"\\u0061":2}',
      '{"a\\n":1}',
      '{"a": 1}',
      '{"a":1}\n',
      '[1,\t2]',
      '{"":1,"":2}',
    ];
    for (const text of not) expect(scan(text).faithful, text).toBe(false);
  });

  it('is not faithful beyond its key limits rather than wrong', () => {
    const wide = `{${Array.from({ length: 300 }, (_, i) => `"k${i}":1`).join(',')}}`;
    expect(scan(wide).faithful).toBe(false);
    const fine = `{${Array.from({ length: 200 }, (_, i) => `"k${i}":1`).join(',')}}`;
    expect(scan(fine).faithful).toBe(true);
  });
});
