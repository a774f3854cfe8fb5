import { createMaskers, MASKED_INPUT_VALUE, recordPrivacyOptions, VeilCustomTag } from '@veil/core';
import { describe, expect, it } from 'vitest';

// The browser SDK holds only the policy fields it reads (no zod in the page): these entry points
// accept exactly those fields.
describe('policy subsets used by the browser SDK', () => {
  it('recordPrivacyOptions needs only blockSelectors', () => {
    const options = recordPrivacyOptions({ blockSelectors: ['.secret'] });
    expect(options.blockSelector).toContain('.secret');
    expect(options.maskInputOptions.password).toBe(true);
  });
  it('createMaskers needs only the masking fields', () => {
    const maskers = createMaskers({
      customPatterns: [],
      maskTextSelectors: [],
      unmaskSelectors: [],
      maskAllText: true,
    });
    expect(maskers.maskTextFn('hello', null)).toBe('*****');
    expect(maskers.maskInputFn('x', null)).toBe(MASKED_INPUT_VALUE);
  });
});

describe('VeilCustomTag', () => {
  it('names the identify event', () => {
    expect(VeilCustomTag).toMatchObject({
      PageView: 'veil.pageview',
      Tag: 'veil.tag',
      Identify: 'veil.identify',
    });
  });
});
