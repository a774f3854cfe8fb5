import { describe, expect, it } from 'vitest';
import type { ConsentStatsRow } from '../../src/compliance/complianceApi';
import { consentBreakdown, consentSeries, formatRate, ratePath } from '../../src/compliance/consentSeries';
import { describeSelector, receivedAtFromDay, selectorFromForm } from '../../src/compliance/subjectForm';
import { matchRoute, paths } from '../../src/router/routes';

const DAY = 86_400_000;
const T = Date.UTC(2025, 4, 1);

const rows: ConsentStatsRow[] = [
  { start: T, source: 'banner', region: 'DE', granted: 3, denied: 1, withdrawn: 0 },
  { start: T, source: 'tcf', region: null, granted: 1, denied: 0, withdrawn: 0 },
  { start: T + 2 * DAY, source: 'tcf', region: 'FR', granted: 0, denied: 1, withdrawn: 1 },
];

describe('consent series', () => {
  it('fills every bucket of the window and computes opt-in and opt-out rates', () => {
    const points = consentSeries(
      rows,
      { from: T, to: T + 3 * DAY, bucketMs: DAY },
      { source: null, region: null },
    );
    expect(points).toEqual([
      { start: T, granted: 4, denied: 1, withdrawn: 0, optInRate: 0.8, optOutRate: 0.2 },
      { start: T + DAY, granted: 0, denied: 0, withdrawn: 0, optInRate: null, optOutRate: null },
      { start: T + 2 * DAY, granted: 0, denied: 1, withdrawn: 1, optInRate: 0, optOutRate: 1 },
    ]);
  });

  it('filters by source and region (the unknown region as an empty string)', () => {
    const window = { from: T, to: T + 3 * DAY, bucketMs: DAY };
    expect(consentSeries(rows, window, { source: 'tcf', region: null }).map((p) => p.granted)).toEqual([
      1, 0, 0,
    ]);
    expect(consentSeries(rows, window, { source: null, region: '' }).map((p) => p.granted)).toEqual([
      1, 0, 0,
    ]);
    expect(consentSeries(rows, window, { source: null, region: 'FR' }).map((p) => p.withdrawn)).toEqual([
      0, 0, 1,
    ]);
  });

  it('breaks down by source and by region, most decisions first', () => {
    expect(consentBreakdown(rows, 'source').map((b) => [b.key, b.granted, b.denied, b.withdrawn])).toEqual([
      ['banner', 3, 1, 0],
      ['tcf', 1, 1, 1],
    ]);
    expect(consentBreakdown(rows, 'region').map((b) => b.key)).toEqual(['DE', 'FR', '']);
    expect(formatRate(0.756)).toBe('76 %');
    expect(formatRate(null)).toBe('–');
  });

  it('draws a rate as a path that breaks where no one decided', () => {
    const points = consentSeries(
      rows,
      { from: T, to: T + 3 * DAY, bucketMs: DAY },
      { source: null, region: null },
    );
    const g = { width: 120, height: 110, padLeft: 10, padRight: 10, padTop: 5, padBottom: 5 };
    expect(ratePath(points, 'optInRate', g)).toBe('M10.0 25.0 M110.0 105.0');
    expect(ratePath(points, 'optOutRate', g)).toBe('M10.0 85.0 M110.0 5.0');
  });
});

describe('subject form', () => {
  it('turns the form into an API selector or names the problem', () => {
    expect(selectorFromForm('userId', ' alice@example.com ')).toEqual({
      kind: 'userId',
      userId: 'alice@example.com',
    });
    expect(selectorFromForm('tag', 'supplier=acme=x')).toEqual({
      kind: 'tag',
      key: 'supplier',
      value: 'acme=x',
    });
    expect(selectorFromForm('tag', 'supplier')).toHaveProperty('error');
    expect(selectorFromForm('visitorId', 'bad id')).toHaveProperty('error');
    expect(selectorFromForm('sessionId', '')).toHaveProperty('error');
    expect(describeSelector({ kind: 'userId', userHash: 'abcdef0123456789' })).toBe('user #abcdef0123');
    expect(receivedAtFromDay('2025-05-01')).toBe(new Date(2025, 4, 1).getTime());
    expect(receivedAtFromDay('')).toBeUndefined();
  });

  it('routes the consent and privacy-request screens', () => {
    expect(matchRoute(paths.consent('site_key_01'))).toEqual({ name: 'consent', siteKey: 'site_key_01' });
    expect(matchRoute(paths.privacyRequests())).toEqual({ name: 'privacyRequests' });
  });
});
