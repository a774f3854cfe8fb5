import { DEFAULT_PRIVACY_POLICY } from '@veil/core';
import { describe, expect, it } from 'vitest';
import { parseSiteConfig } from '../../src/shared/siteConfig.js';

const valid = {
  siteKey: 'site_unit_01',
  lawfulBasis: 'consent',
  samplingPercent: 20,
  policy: { ...DEFAULT_PRIVACY_POLICY, customPatterns: [{ label: 'student id', pattern: 'S\\d{7}' }] },
};

describe('parseSiteConfig', () => {
  it('keeps the fields the SDK reads', () => {
    const config = parseSiteConfig(valid);
    expect(config).toMatchObject({ siteKey: 'site_unit_01', lawfulBasis: 'consent', samplingPercent: 20 });
    expect(config?.policy).toEqual({
      lawfulBasis: 'consent',
      samplingPercent: 20,
      honourGlobalPrivacyControl: true,
      maskAllText: false,
      pageAllowList: [],
      pageDenyList: [],
      blockSelectors: [],
      maskTextSelectors: [],
      unmaskSelectors: [],
      allowIframes: [],
      allowedUrlParams: [],
      customPatterns: [{ label: 'student id', pattern: 'S\\d{7}' }],
      heatmapOnly: false,
      heatmapOnlyPages: [],
      captureErrors: true,
      captureNetworkMetadata: true,
      recordOnError: {
        enabled: false,
        windowSeconds: 30,
        afterSeconds: 10,
        triggers: ['error', 'rejection'],
      },
    });
  });

  it('reads record-on-error: absent is off, malformed or out of bounds refuses the config', () => {
    const { recordOnError: _r, ...older } = valid.policy;
    expect(parseSiteConfig({ ...valid, policy: older })?.policy.recordOnError.enabled).toBe(false);
    const on = { enabled: true, windowSeconds: 20, afterSeconds: 5, triggers: ['console'] };
    expect(
      parseSiteConfig({ ...valid, policy: { ...valid.policy, recordOnError: on } })?.policy.recordOnError,
    ).toEqual(on);
    for (const bad of [
      'yes',
      { ...on, enabled: 'true' },
      { ...on, windowSeconds: 121 },
      { ...on, windowSeconds: 4 },
      { ...on, windowSeconds: 10.5 },
      { ...on, afterSeconds: 61 },
      { ...on, triggers: [] },
      { ...on, triggers: ['error', 'warning'] },
    ]) {
      expect(
        parseSiteConfig({ ...valid, policy: { ...valid.policy, recordOnError: bad } }),
        JSON.stringify(bad),
      ).toBeNull();
    }
  });

  it('turns error and network capture off when the config does not say on (an older server)', () => {
    const { captureErrors: _e, captureNetworkMetadata: _n, ...older } = valid.policy;
    const config = parseSiteConfig({ ...valid, policy: { ...older, captureErrors: 'yes' } });
    expect(config?.policy).toMatchObject({ captureErrors: false, captureNetworkMetadata: false });
  });

  it('takes lawful basis and sampling from the policy when the top level has none', () => {
    const { lawfulBasis: _l, samplingPercent: _s, ...rest } = valid;
    expect(parseSiteConfig(rest)).toMatchObject({ lawfulBasis: 'consent', samplingPercent: 20 });
  });

  it('fails closed on anything missing or malformed', () => {
    const broken: unknown[] = [
      null,
      'config',
      [],
      { ...valid, policy: undefined },
      { ...valid, siteKey: 42 },
      { ...valid, lawfulBasis: 'vibes' },
      { ...valid, samplingPercent: 101 },
      { ...valid, policy: { ...valid.policy, maskAllText: 'no' } },
      { ...valid, policy: { ...valid.policy, blockSelectors: ['.a', 1] } },
      { ...valid, policy: { ...valid.policy, unmaskSelectors: undefined } },
      { ...valid, policy: { ...valid.policy, honourGlobalPrivacyControl: undefined } },
      { ...valid, policy: { ...valid.policy, customPatterns: [{ label: 'x' }] } },
    ];
    for (const input of broken) expect(parseSiteConfig(input)).toBeNull();
  });
});
