import { cardNumberValid, compileCustomPatterns, PRIVACY_PRESETS, redactText } from '@veil/core';
import { describe, expect, it } from 'vitest';
import { falsePositiveCorpus } from '../../../../test/privacy/falsePositives.js';

// Order numbers, prices, timestamps, versions, tracking numbers, phone-like product codes, ids,
// measurements, code, and long bare numbers: the built-in detectors must leave them alone.
const MAX_FALSE_POSITIVE_RATE = 0.01;

describe('false-positive corpus', () => {
  const corpus = falsePositiveCorpus();

  it('is large and varied', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(1_000);
    expect(new Set(corpus.map((t) => t.category)).size).toBeGreaterThanOrEqual(10);
  });

  it(`flags under ${MAX_FALSE_POSITIVE_RATE * 100} % of benign texts (rate printed)`, () => {
    const flagged = corpus.filter((t) => redactText(t.text).findings.length > 0);
    const rate = flagged.length / corpus.length;
    const byCategory = new Map<string, number>();
    for (const t of flagged) byCategory.set(t.category, (byCategory.get(t.category) ?? 0) + 1);
    console.info(
      `false-positive rate: ${(rate * 100).toFixed(2)} % (${flagged.length} of ${corpus.length})` +
        (flagged.length > 0 ? `; by category: ${JSON.stringify(Object.fromEntries(byCategory))}` : ''),
    );
    expect(rate).toBeLessThan(MAX_FALSE_POSITIVE_RATE);
    // Only the indistinguishable kind may slip: a number that passes a card's issuer, length and
    // Luhn checks (a bare one, or one a context word such as "order" cannot clear: it is a card).
    const notCardLike = flagged.filter((t) => {
      if (t.category === 'bare number') return false;
      const { findings } = redactText(t.text);
      return !findings.every(
        (f) => f.label === 'card' && cardNumberValid(t.text.slice(f.start, f.end).replace(/\D/g, '')),
      );
    });
    expect(notCardLike.map((t) => t.text)).toEqual([]);
  });

  it('stays under the bound on other seeds too', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const other = falsePositiveCorpus(seed);
      const flagged = other.filter((t) => redactText(t.text).findings.length > 0).length;
      expect(flagged / other.length, `seed ${seed}`).toBeLessThan(MAX_FALSE_POSITIVE_RATE);
    }
  });

  it('the ferpa/hipaa/pci-dss presets add no patterns; tisax patterns only flag engineering ids', () => {
    const tisax = compileCustomPatterns(PRIVACY_PRESETS.tisax.customPatterns);
    expect(redactText('Part A123 456 78 ships', tisax).findings.map((f) => f.label)).toEqual(['part_number']);
    expect(redactText('Calibration CAL-20231 done', tisax).findings.map((f) => f.label)).toEqual([
      'calibration_id',
    ]);
    expect(redactText('Total: 123.45 incl. VAT on 2026-11-22', tisax).findings).toEqual([]);
  });
});
