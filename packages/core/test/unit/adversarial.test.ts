import {
  BUILTIN_DETECTORS,
  checkCustomPattern,
  compileCustomPatterns,
  PRIVACY_PRESETS,
  redactEvents,
  redactText,
} from '@veil/core';
import { describe, expect, it } from 'vitest';
import { CORPUS_CUSTOM_PATTERNS } from '../../../../test/privacy/plantedPii.js';

// Linear time on hostile input: every detector, and every accepted custom pattern, on strings
// built to make backtracking regexes explode. Bounds are generous (these machines are noisy):
// catastrophic backtracking takes minutes, not the fraction of a second allowed here.

/** Strings of ~100 000 characters aimed at the detectors' candidates. */
function hostileInputs(): Record<string, string> {
  const n = 100_000;
  return {
    digits: '1'.repeat(n),
    spacedDigits: '1 '.repeat(n / 2),
    dashedDigits: '12-'.repeat(n / 3),
    dottedDigits: '1.'.repeat(n / 2),
    nearEmail: `${'a'.repeat(n / 2)}@${'b.'.repeat(n / 4)}`,
    manyAts: 'a@'.repeat(n / 2),
    colons: ':'.repeat(n),
    hexColons: 'ab:'.repeat(n / 3),
    plusDigits: '+1 '.repeat(n / 3),
    parens: '(12) '.repeat(n / 5),
    upperAlnum: 'A1'.repeat(n / 2),
    ibanLike: `DE89 ${'3704 '.repeat(n / 5)}`,
    keywordRun: 'tel '.repeat(n / 4) + '1'.repeat(20),
    mixed: '+49 (0)30 1234-5678 x'.repeat(n / 22),
  };
}

function timed(fn: () => void): number {
  const started = performance.now();
  fn();
  return performance.now() - started;
}

describe('adversarial input', () => {
  const inputs = hostileInputs();

  it.each(Object.keys(inputs))('built-in detectors stay linear on %s', (name) => {
    const text = inputs[name]!;
    expect(timed(() => redactText(text))).toBeLessThan(3_000);
  });

  it('each detector scales linearly: 4x the input takes well under 16x the time', () => {
    for (const detector of BUILTIN_DETECTORS) {
      for (const [name, base] of Object.entries(inputs)) {
        const small = base.slice(0, 10_000);
        const large = base.slice(0, 40_000);
        const run = (t: string) => {
          const re = new RegExp(detector.candidate.source, detector.candidate.flags);
          return timed(() => {
            for (let m = re.exec(t); m; m = re.exec(t)) if (m[0].length === 0) re.lastIndex++;
          });
        };
        // The fastest of a few runs each: another job on the machine, a GC pause or a preemption only
        // adds time to a run, so the minimum is the detector's own cost (a spike broke a single run).
        const fastest = (t: string) => Math.min(run(t), run(t), run(t));
        run(small); // warm up
        const a = Math.max(fastest(small), 1);
        const b = fastest(large);
        expect(b, `${detector.label} on ${name}`).toBeLessThan(a * 16 + 50);
      }
    }
  });

  it('the presets’ and the corpus’s custom patterns stay linear on strings of their own characters', () => {
    const patterns = [...PRIVACY_PRESETS.tisax.customPatterns, ...CORPUS_CUSTOM_PATTERNS];
    const detectors = compileCustomPatterns(patterns);
    const own = ['A1 ', 'CAL-1', 'TRC-A', 'S-2024-', 'SUP-1', 'A123.456.'];
    for (const unit of own) {
      const text = unit.repeat(Math.ceil(100_000 / unit.length));
      expect(
        timed(() => redactText(text, detectors)),
        unit,
      ).toBeLessThan(3_000);
    }
  });

  it('a pattern that would backtrack catastrophically is refused before it ever runs', () => {
    for (const evil of [
      '(a+)+$',
      '(a|a)*$',
      '(a|aa)+b',
      '(\\d+)*x',
      '(.*a){12}',
      '(\\w+\\s?)+$',
      '^(([a-z])+.)+[A-Z]([a-z])+$',
    ]) {
      expect(checkCustomPattern(evil).ok, evil).toBe(false);
      expect(() => compileCustomPatterns([{ label: 'evil', pattern: evil }])).toThrow(/refused/);
    }
  });

  it('a batch of hostile strings in every event position is redacted in bounded time', () => {
    const long = inputs.spacedDigits!.slice(0, 50_000);
    const events = [
      {
        type: 2,
        timestamp: 1,
        data: {
          node: {
            type: 0,
            id: 1,
            childNodes: [
              {
                type: 2,
                id: 2,
                tagName: 'p',
                attributes: { title: long, 'data-x': inputs.nearEmail, href: `/a/${long}` },
                childNodes: [
                  { type: 3, id: 3, textContent: long },
                  { type: 3, id: 4, textContent: inputs.hexColons },
                ],
              },
            ],
          },
        },
      },
      { type: 3, timestamp: 2, data: { source: 5, id: 2, text: inputs.mixed } },
    ];
    expect(timed(() => redactEvents(events))).toBeLessThan(10_000);
  });
});
