import { describe, expect, it } from 'vitest';
import { accessReportPath } from '../../src/access/accessApi';

describe('where the access report page reads the report', () => {
  it('reads the instance-wide report with the site as a filter for a user of every site', () => {
    expect(accessReportPath({ user: '', siteKey: '' }, false)).toBe('/audit/access-report');
    expect(accessReportPath({ user: 'u-1', siteKey: ' site_A ' }, false)).toBe(
      '/audit/access-report?user=u-1&siteKey=site_A',
    );
  });

  it("reads one site's report, the site in the path and not the query, for a user restricted to sites", () => {
    expect(accessReportPath({ user: '', siteKey: 'site_A' }, true)).toBe('/sites/site_A/access-report');
    expect(accessReportPath({ user: 'u 1', siteKey: 'a/b' }, true)).toBe(
      '/sites/a%2Fb/access-report?user=u+1',
    );
  });
});
