import {
  DEFAULT_PRIVACY_POLICY,
  diffPolicies,
  formatPolicyDiff,
  ipBlocked,
  ipMatchesRule,
  ipRuleProblem,
  isValidIpRule,
  PRIVACY_PRESETS,
  parsePrivacyPolicy,
  presetPolicy,
  tightenPolicy,
} from '@veil/core';
import { describe, expect, it } from 'vitest';

describe('presets', () => {
  it('are all valid policies', () => {
    for (const [name, policy] of Object.entries(PRIVACY_PRESETS)) {
      expect(parsePrivacyPolicy(policy).preset).toBe(name);
    }
  });
  it('ferpa and hipaa mask all text; pci-dss blocks card entry; tisax adds patterns and short retention', () => {
    expect(PRIVACY_PRESETS.ferpa.maskAllText).toBe(true);
    expect(PRIVACY_PRESETS.ferpa.pageDenyList.length).toBeGreaterThan(0);
    expect(PRIVACY_PRESETS.hipaa.maskAllText).toBe(true);
    expect(PRIVACY_PRESETS['pci-dss'].blockSelectors).toContain('[autocomplete^="cc-"]');
    expect(PRIVACY_PRESETS.tisax.customPatterns.map((p) => p.label)).toContain('part_number');
    expect(PRIVACY_PRESETS.tisax.retentionDays).toBeLessThan(DEFAULT_PRIVACY_POLICY.retentionDays);
  });
  it('presetPolicy returns a copy', () => {
    const p = presetPolicy('strict');
    p.blockSelectors.push('#x');
    expect(PRIVACY_PRESETS.strict.blockSelectors).toEqual([]);
  });
});

describe('diffPolicies', () => {
  it('names changed fields and list entries', () => {
    const before = presetPolicy('strict');
    const after = { ...before, retentionDays: 14, blockSelectors: ['#payment'] };
    const diff = diffPolicies(before, after);
    expect(diff.map((d) => d.field)).toEqual(['blockSelectors', 'retentionDays']);
    expect(formatPolicyDiff(diff)).toBe('+ blockSelectors: "#payment"\n~ retentionDays: 30 → 14');
    expect(formatPolicyDiff(diffPolicies(before, before))).toBe('no changes');
  });
});

describe('tightenPolicy', () => {
  const server = {
    ...presetPolicy('strict'),
    samplingPercent: 50,
    allowedUrlParams: ['utm_source'],
    unmaskSelectors: ['#qty'],
  };
  it('never loosens', () => {
    const t = tightenPolicy(server, {
      samplingPercent: 100,
      retentionDays: 90,
      captureNetworkPayloads: true,
      allowedUrlParams: ['utm_source', 'email'],
      unmaskSelectors: ['#qty', '#email'],
      maskAllText: false,
    });
    expect(t.samplingPercent).toBe(50);
    expect(t.retentionDays).toBe(30);
    expect(t.captureNetworkPayloads).toBe(false);
    expect(t.allowedUrlParams).toEqual(['utm_source']);
    expect(t.unmaskSelectors).toEqual(['#qty']);
  });
  it('does tighten', () => {
    const t = tightenPolicy(server, {
      samplingPercent: 10,
      blockSelectors: ['#x'],
      maskAllText: true,
      retentionDays: 7,
    });
    expect(t.samplingPercent).toBe(10);
    expect(t.blockSelectors).toEqual(['#x']);
    expect(t.maskAllText).toBe(true);
    expect(t.retentionDays).toBe(7);
  });
});

describe('ip block list', () => {
  it('matches exact, wildcard and CIDR rules in v4 and v6', () => {
    expect(ipMatchesRule('203.0.113.7', '203.0.113.7')).toBe(true);
    expect(ipMatchesRule('203.0.113.7', '203.0.113.*')).toBe(true);
    expect(ipMatchesRule('203.0.114.7', '203.0.113.*')).toBe(false);
    expect(ipMatchesRule('192.0.2.200', '192.0.2.128/25')).toBe(true);
    expect(ipMatchesRule('192.0.2.100', '192.0.2.128/25')).toBe(false);
    expect(ipMatchesRule('2001:db8:1::5', '2001:db8::/32')).toBe(true);
    expect(ipMatchesRule('2001:db9::5', '2001:db8::/32')).toBe(false);
    expect(ipMatchesRule('::ffff:203.0.113.7', '203.0.113.0/24')).toBe(true);
    expect(ipMatchesRule('2001:db8::1', '2001:0db8:0000::0001')).toBe(true);
    expect(ipBlocked('10.1.2.3', ['192.0.2.1', '10.0.0.0/8'])).toBe(true);
    expect(ipBlocked('not-an-ip', ['0.0.0.0/0'])).toBe(false);
  });
  it('validates rules', () => {
    for (const ok of ['203.0.113.7', '203.0.113.*', '10.0.0.0/8', '2001:db8::/32', '::1'])
      expect(isValidIpRule(ok)).toBe(true);
    for (const bad of ['203.0.113', '10.0.0.0/33', 'example.org', '2001:db8::/129'])
      expect(isValidIpRule(bad)).toBe(false);
  });
  it('refuses typos that would match nothing (or everything) and names why', () => {
    for (const bad of [
      '10.0.0.0/',
      '10.0.0.0/ 8',
      '10.0.0.0/8.5',
      '203.0.113.*/24',
      '999.*.*.*',
      '10.*.*',
      '',
    ]) {
      expect(isValidIpRule(bad), bad).toBe(false);
      expect(ipRuleProblem(bad), bad).toEqual(expect.any(String));
    }
    expect(ipRuleProblem('2001:db8::/200')).toMatch(/0 to 128/);
    expect(ipRuleProblem('10.0.0.0/8')).toBeNull();
    // A rule that is not valid matches nothing, even a prefix that once parsed as /0.
    expect(ipMatchesRule('198.51.100.1', '10.0.0.0/')).toBe(false);
    expect(ipMatchesRule('::ffff:203.0.113.7', '203.0.113.*')).toBe(true);
  });
});
