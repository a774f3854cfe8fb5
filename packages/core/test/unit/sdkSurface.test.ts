import { readFileSync } from 'node:fs';
import {
  BATCH_FLUSH_INTERVAL_MS,
  BATCH_TARGET_BYTES,
  createMaskers,
  MASKED_INPUT_VALUE,
  MAX_BATCH_COMPRESSED_BYTES,
  MAX_BATCH_DECOMPRESSED_BYTES,
  MAX_EVENTS_PER_BATCH,
  recordPrivacyOptions,
  SESSION_FINALISE_AFTER_MS,
  SESSION_IDLE_TIMEOUT_MS,
  VeilCustomTag,
} from '@veil/core';
import { describe, expect, it } from 'vitest';

// The browser SDK holds only the policy fields it reads (no zod in the page): these entry points
// accept exactly those fields.
describe('policy subsets used by the browser SDK', () => {
  it('recordPrivacyOptions needs only blockSelectors and allowIframes', () => {
    const options = recordPrivacyOptions({ blockSelectors: ['.secret'], allowIframes: [] });
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

describe('wire limits', () => {
  it('are exported from the index with their values', () => {
    expect({
      MAX_BATCH_COMPRESSED_BYTES,
      MAX_BATCH_DECOMPRESSED_BYTES,
      MAX_EVENTS_PER_BATCH,
      BATCH_FLUSH_INTERVAL_MS,
      BATCH_TARGET_BYTES,
      SESSION_IDLE_TIMEOUT_MS,
      SESSION_FINALISE_AFTER_MS,
    }).toEqual({
      MAX_BATCH_COMPRESSED_BYTES: 1024 * 1024,
      MAX_BATCH_DECOMPRESSED_BYTES: 16 * 1024 * 1024,
      MAX_EVENTS_PER_BATCH: 50_000,
      BATCH_FLUSH_INTERVAL_MS: 5_000,
      BATCH_TARGET_BYTES: 256 * 1024,
      SESSION_IDLE_TIMEOUT_MS: 30 * 60 * 1000,
      SESSION_FINALISE_AFTER_MS: 30 * 60 * 1000,
    });
  });
  it('live in a module without zod, so the browser bundle can import them alone', () => {
    const source = readFileSync(new URL('../../src/wire/limits.ts', import.meta.url), 'utf8');
    expect(source).not.toMatch(/from ['"]zod/);
    expect(source).not.toMatch(/^import /m);
  });
});
