import { describe, expect, it } from 'vitest';
import { auditPagePath } from '../../src/access/accessApi';

const form = { q: ' ticket ', action: 'replay.viewed', actor: '', siteKey: 'site_A', from: '', to: '' };

describe('where the audit page reads a page of entries', () => {
  it('reads the instance-wide log with the site as a filter for a user of every site', () => {
    expect(auditPagePath(form, null, false)).toBe(
      '/audit?q=ticket&action=replay.viewed&siteKey=site_A&limit=100',
    );
    expect(auditPagePath({ ...form, siteKey: '' }, 42, false)).toBe(
      '/audit?q=ticket&action=replay.viewed&limit=100&before=42',
    );
  });

  it("reads one site's log, the site in the path and not the query, for a user restricted to sites", () => {
    expect(auditPagePath(form, null, true)).toBe(
      '/sites/site_A/audit?q=ticket&action=replay.viewed&limit=100',
    );
    expect(auditPagePath({ ...form, siteKey: 'a/b' }, 7, true)).toBe(
      '/sites/a%2Fb/audit?q=ticket&action=replay.viewed&limit=100&before=7',
    );
  });
});
