import { describe, expect, it } from 'vitest';
import {
  INVALID_SELECTORS,
  STRICTER_THAN_BROWSERS,
  VALID_SELECTORS,
} from '../../../../test/privacy/selectorCases.js';
import { BLOCK_SELECTORS, MASK_TEXT_SELECTORS, UNMASK_SELECTORS } from '../../src/policy/captureSelectors.js';
import { PRIVACY_PRESETS } from '../../src/policy/presets.js';
import { selectorProblem, validateSelectors } from '../../src/policy/validateSelectors.js';

describe('validateSelectors', () => {
  it.each(VALID_SELECTORS)('accepts %s', (s) => {
    expect(selectorProblem(s)).toBeNull();
  });
  it.each([...INVALID_SELECTORS, ...STRICTER_THAN_BROWSERS])('refuses %j', (s) => {
    expect(selectorProblem(s)).not.toBeNull();
  });
  it('names every bad selector of a list, and none of the good ones', () => {
    const problems = validateSelectors(['.ok', 'div[[bad', '#fine', 'p:nosuch']);
    expect(problems.map((p) => p.selector)).toEqual(['div[[bad', 'p:nosuch']);
    expect(problems[0]!.problem).toMatch(/^invalid selector: expected/);
  });
  it("accepts Veil's own selectors and every preset's", () => {
    const all = [...BLOCK_SELECTORS, ...MASK_TEXT_SELECTORS, ...UNMASK_SELECTORS];
    for (const p of Object.values(PRIVACY_PRESETS)) all.push(...p.blockSelectors, ...p.maskTextSelectors);
    expect(validateSelectors(all)).toEqual([]);
  });
});
