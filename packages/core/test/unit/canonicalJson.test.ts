import { canonicalJson, MAX_CANONICAL_JSON_DEPTH } from '@veil/core';
import { describe, expect, it } from 'vitest';

describe('canonicalJson (RFC 8785)', () => {
  it('sorts members, drops whitespace, nests', () => {
    expect(canonicalJson({ b: 1, a: { d: [true, null, 'x'], c: false } })).toBe(
      '{"a":{"c":false,"d":[true,null,"x"]},"b":1}',
    );
  });

  it('sorts member names by UTF-16 code units (RFC 8785 §3.2.3)', () => {
    const value = {
      '\u20ac': 'Euro Sign',
      '\r': 'Carriage Return',
      '\ufb33': 'Hebrew Letter Dalet With Dagesh',
      '1': 'One',
      '\ud83d\ude00': 'Emoji: Grinning Face',
      '\u0080': 'Control',
      '\u00f6': 'Latin Small Letter O With Diaeresis',
    };
    const order = Object.values(JSON.parse(canonicalJson(value)) as Record<string, string>);
    // JSON.parse keeps '1' first (an integer-like key); check the encoded text instead.
    const encoded = canonicalJson(value);
    const positions = ['"\\r"', '"1"', '"\u0080"', '"\u00f6"', '"\u20ac"', '"\ud83d\ude00"', '"\ufb33"'].map(
      (k) => encoded.indexOf(k),
    );
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    expect(order).toHaveLength(7);
  });

  it('serialises numbers as ECMAScript does (RFC 8785 §3.2.2.3 samples)', () => {
    expect(
      canonicalJson([0, -0, 1e21, 1e-7, 0.000001, 333333333.3333333, 4.5, -1.5e-300, 9007199254740991]),
    ).toBe('[0,0,1e+21,1e-7,0.000001,333333333.3333333,4.5,-1.5e-300,9007199254740991]');
  });

  it('escapes strings as RFC 8785 §3.2.2.2 does', () => {
    expect(canonicalJson('\u20ac$\u000F\u000aA\'\u0042\u0022\u005c\\"/')).toBe(
      '"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"',
    );
  });

  it('leaves out undefined members, as a JSON round trip does', () => {
    const value = { a: 1, b: undefined, c: [undefined, 2] };
    expect(canonicalJson(value)).toBe('{"a":1,"c":[null,2]}');
    expect(canonicalJson(JSON.parse(JSON.stringify(value)))).toBe(canonicalJson(value));
  });

  it('refuses what JSON cannot carry faithfully', () => {
    for (const bad of [
      Number.NaN,
      Number.POSITIVE_INFINITY,
      10n,
      () => 1,
      Symbol('x'),
      new Date(0),
      new Map(),
    ]) {
      expect(() => canonicalJson({ x: bad })).toThrow(TypeError);
    }
    expect(() => canonicalJson('\ud800')).toThrow(/lone surrogate/);
    expect(() => canonicalJson({ '\udc00': 1 })).toThrow(/lone surrogate/);
    expect(canonicalJson('\ud83d\ude00')).toBe('"\ud83d\ude00"');
  });

  it('refuses nesting past the limit', () => {
    let deep: unknown = 1;
    for (let i = 0; i < MAX_CANONICAL_JSON_DEPTH; i++) deep = [deep];
    expect(canonicalJson(deep)).toBe(
      `${'['.repeat(MAX_CANONICAL_JSON_DEPTH)}1${']'.repeat(MAX_CANONICAL_JSON_DEPTH)}`,
    );
    expect(() => canonicalJson([deep])).toThrow(/nested too deeply/);
  });

  it('accepts objects without a prototype', () => {
    const bare = Object.create(null) as Record<string, number>;
    bare.z = 1;
    bare.a = 2;
    expect(canonicalJson(bare)).toBe('{"a":2,"z":1}');
  });
});
