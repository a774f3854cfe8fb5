import { describe, expect, it } from 'vitest';
import { groupsFromClaim, parseOidcRoleMap, roleForGroups } from '../../src/auth/oidc/oidcRoleMap.js';

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
