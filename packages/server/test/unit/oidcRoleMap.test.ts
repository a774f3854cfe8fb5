import { describe, expect, it } from 'vitest';
import {
  groupsFromClaim,
  mappingForGroups,
  parseOidcRoleMap,
  roleForGroups,
} from '../../src/auth/oidc/oidcRoleMap.js';

describe('OIDC group-to-role map', () => {
  const rules = parseOidcRoleMap('veil-owners=owner; veil-dpo = compliance_officer\nveil=analyst;');

  it('parses pairs in order', () => {
    expect(rules).toEqual([
      { group: 'veil-owners', role: 'owner' },
      { group: 'veil-dpo', role: 'compliance_officer' },
      { group: 'veil', role: 'analyst' },
    ]);
    expect(parseOidcRoleMap('CN=Veil,OU=Groups=auditor')).toEqual([
      { group: 'CN=Veil,OU=Groups', role: 'auditor' },
    ]);
  });

  it('refuses unknown roles and pairs without a group', () => {
    expect(() => parseOidcRoleMap('a=superuser')).toThrow(/not a role/);
    expect(() => parseOidcRoleMap('=owner')).toThrow(/not group=role/);
    expect(() => parseOidcRoleMap('owner')).toThrow(/not group=role/);
  });

  it('gives the first matching rule, or nothing', () => {
    expect(roleForGroups(['veil', 'veil-dpo'], rules)).toBe('compliance_officer');
    expect(roleForGroups(['veil'], rules)).toBe('analyst');
    expect(roleForGroups(['Veil-Owners'], rules)).toBeUndefined();
    expect(roleForGroups([], rules)).toBeUndefined();
  });

  it('reads the groups claim in its usual shapes', () => {
    expect(groupsFromClaim(['a', 1, 'b'])).toEqual(['a', 'b']);
    expect(groupsFromClaim('a b,c')).toEqual(['a', 'b', 'c']);
    expect(groupsFromClaim(undefined)).toEqual([]);
  });
});

describe('OIDC group map with sites', () => {
  it('parses role@siteKey and role@*, and refuses anything else after @', () => {
    expect(parseOidcRoleMap('a=admin@site_key_1; b=auditor@*; c=analyst')).toEqual([
      { group: 'a', role: 'admin', site: 'site_key_1' },
      { group: 'b', role: 'auditor', site: '*' },
      { group: 'c', role: 'analyst' },
    ]);
    expect(() => parseOidcRoleMap('a=admin@')).toThrow(/site key/);
    expect(() => parseOidcRoleMap('a=admin@x@y')).toThrow(/site key/);
    expect(() => parseOidcRoleMap('a=admin@bad key!')).toThrow(/site key/);
  });

  it('maps the first role and the sites of every matching rule of that role; none when no rule names one', () => {
    const rules = parseOidcRoleMap(
      'x=admin@site_aaaa; y=admin@site_bbbb; z=analyst@site_cccc; w=analyst; all=auditor@*',
    );
    expect(mappingForGroups(['x', 'y', 'z'], rules)).toEqual({
      role: 'admin',
      sites: ['site_aaaa', 'site_bbbb'],
    });
    expect(mappingForGroups(['w'], rules)).toEqual({ role: 'analyst', sites: [] });
    expect(mappingForGroups(['z', 'w'], rules)).toEqual({ role: 'analyst', sites: ['site_cccc'] });
    expect(mappingForGroups(['all'], rules)).toEqual({ role: 'auditor', sites: 'all' });
    expect(mappingForGroups(['nobody'], rules)).toBeUndefined();
  });
});
