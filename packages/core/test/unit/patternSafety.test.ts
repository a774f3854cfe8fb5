import {
  checkCustomPattern,
  compileCustomPattern,
  MAX_CUSTOM_PATTERN_REPEAT,
  PRIVACY_PRESETS,
  parsePrivacyPolicy,
} from '@veil/core';
import { describe, expect, it } from 'vitest';

describe('custom pattern safety', () => {
  it.each([
    ['student id', 'S-\\d{4}-\\d{5}'],
    ['supplier code', '\\bSUP-\\d{5}-[A-Z]{2}\\b'],
    ['dotted id', '(?:\\d{1,3}\\.){3}\\d{1,3}'],
    ['bounded alternatives', '(?:foo|bar){1,6}'],
    ['named group', '(?<kind>AB|CD)-\\d{6}'],
    ['lookahead', 'X\\d{6}(?!\\d)'],
    ['classes and escapes', '[A-Z]{2}[\\s\\-_]?\\d{4}\\x41\\u0042'],
    ['case-insensitive', 'cal-\\d{4}'],
  ])('accepts a %s', (_, pattern) => {
    expect(checkCustomPattern(pattern, 'i')).toMatchObject({ ok: true });
  });

  it('bounds unbounded repetition at MAX_CUSTOM_PATTERN_REPEAT', () => {
    expect(checkCustomPattern('[A-Z]+-\\d+')).toEqual({
      ok: true,
      source: `[A-Z]{1,${MAX_CUSTOM_PATTERN_REPEAT}}-\\d{1,${MAX_CUSTOM_PATTERN_REPEAT}}`,
    });
    expect(checkCustomPattern('a*?b')).toEqual({ ok: true, source: `a{0,${MAX_CUSTOM_PATTERN_REPEAT}}?b` });
    expect(checkCustomPattern('x{3,}')).toEqual({ ok: true, source: `x{3,${MAX_CUSTOM_PATTERN_REPEAT}}` });
    const d = compileCustomPattern({ label: 'id', pattern: 'ID\\d+' });
    expect(d.candidate.exec(`ID${'1'.repeat(100)}`)?.[0]).toHaveLength(2 + MAX_CUSTOM_PATTERN_REPEAT);
  });

  it.each([
    ['nested quantifier', '(a+)+', /nested repetition/],
    ['quantified alternation', '(?:a|b)*c', /nested repetition/],
    ['overlapping neighbours', '\\w+\\d+', /quadratic/],
    ['overlap through an optional part', '\\d+-?\\d+', /quadratic/],
    ['dot-star around a word', '.*secret.*', /quadratic/],
    ['backreference', '(\\w)\\1', /backreference/],
    ['named backreference', '(?<a>x)\\k<a>', /backreference/],
    ['lookbehind', '(?<=x)\\d{4}', /lookbehind/],
    ['huge bound', 'a{1,1000}', /exceeds/],
    ['invalid syntax', '(abc', /not a valid regular expression/],
    ['empty match only', '\\b', /empty/],
    [
      'too many alternatives',
      '(a|b|c|d)(a|b|c|d)(a|b|c|d)(a|b|c|d)(a|b|c|d)(a|b|c|d)(a|b|c|d)',
      /alternatives/,
    ],
  ])('refuses a %s', (_, pattern, problem) => {
    const check = checkCustomPattern(pattern);
    expect(check.ok).toBe(false);
    expect(check.ok ? '' : check.problem).toMatch(problem);
  });

  it('the policy schema refuses unsafe patterns with the reason', () => {
    expect(() => parsePrivacyPolicy({ customPatterns: [{ label: 'bad', pattern: '(x+)+y' }] })).toThrow(
      /nested repetition/,
    );
    expect(() => parsePrivacyPolicy({ customPatterns: [{ label: 'bad label!', pattern: 'x' }] })).toThrow();
    expect(
      parsePrivacyPolicy({ customPatterns: [{ label: 'vin_fleet', pattern: 'FLT-\\d{6}' }] }).customPatterns,
    ).toHaveLength(1);
  });

  it('every preset pattern passes', () => {
    for (const preset of Object.values(PRIVACY_PRESETS)) {
      for (const p of preset.customPatterns)
        expect(checkCustomPattern(p.pattern, p.flags ?? '').ok, p.label).toBe(true);
    }
  });
});
