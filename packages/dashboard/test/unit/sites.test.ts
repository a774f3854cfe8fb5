import { describe, expect, it } from 'vitest';
import { canAddSites } from '../../src/sites/installSnippet';

describe('who is offered to add a site', () => {
  it('only a user with sites:write and every site; a site-restricted admin is not', () => {
    expect(canAddSites('owner', 'all')).toBe(true);
    expect(canAddSites('admin', 'all')).toBe(true);
    expect(canAddSites('admin', ['site_a'])).toBe(false);
    expect(canAddSites('admin', [])).toBe(false);
    expect(canAddSites('admin', undefined)).toBe(false);
    expect(canAddSites('analyst', 'all')).toBe(false);
    expect(canAddSites('compliance_officer', 'all')).toBe(false);
  });
});
