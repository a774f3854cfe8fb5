import { isRole, type Role } from '@veil/core';

/** Every site, in `group=role@*`. */
export const EVERY_SITE_MARK = '*';

/**
 * One `group=role` or `group=role@siteKey` pair of VEIL_OIDC_ROLE_MAP, in the order given (first
 * match wins the role). `site` is a site key, `*` for every site, or absent: no site.
 */
export interface OidcRoleRule {
  group: string;
  role: Role;
  site?: string;
}

/** What the provider's groups map to: a role and the sites (keys, or every site). */
export interface OidcMapping {
  role: Role;
  sites: 'all' | string[];
}

/**
 * Parses `group=role;group=role@siteKey` (semicolons or newlines, since directory group names hold
 * commas; spaces around names ignored; the role is after the last `=`, a site key or `*` after an
 * `@`). Throws naming the bad pair. Groups are matched exactly, case-sensitively, as the identity
 * provider sends them.
 */
export function parseOidcRoleMap(text: string): OidcRoleRule[] {
  const rules: OidcRoleRule[] = [];
  for (const pair of text.split(/[;\n]/)) {
    const trimmed = pair.trim();
    if (trimmed === '') continue;
    const at = trimmed.lastIndexOf('=');
    const group = trimmed.slice(0, at).trim();
    const [role = '', site, ...rest] = trimmed
      .slice(at + 1)
      .split('@')
      .map((part) => part.trim());
    if (at <= 0 || group === '') throw new Error(`"${trimmed}" is not group=role`);
    if (!isRole(role)) throw new Error(`"${trimmed}": ${role} is not a role`);
    if (rest.length > 0 || (site !== undefined && !/^(\*|[A-Za-z0-9_-]{8,64})$/.test(site)))
      throw new Error(`"${trimmed}": after @ comes one site key or *`);
    rules.push(site === undefined ? { group, role } : { group, role, site });
  }
  return rules;
}

/**
 * The role of a user in `groups`: the first rule whose group they are in, so the map is written
 * in order of precedence. `undefined` when no rule matches: that user may not sign in.
 */
export function roleForGroups(groups: readonly string[], rules: readonly OidcRoleRule[]): Role | undefined {
  const member = new Set(groups);
  return rules.find((rule) => member.has(rule.group))?.role;
}

/**
 * The role and sites of a user in `groups`: the role of the first matching rule; the sites of every
 * matching rule of that role (`*`: every site). A user whose rules name no site gets no sites.
 * `undefined` when no rule matches.
 */
export function mappingForGroups(
  groups: readonly string[],
  rules: readonly OidcRoleRule[],
): OidcMapping | undefined {
  const role = roleForGroups(groups, rules);
  if (role === undefined) return undefined;
  const member = new Set(groups);
  const sites = new Set<string>();
  for (const rule of rules) {
    if (rule.role !== role || !member.has(rule.group) || rule.site === undefined) continue;
    if (rule.site === EVERY_SITE_MARK) return { role, sites: 'all' };
    sites.add(rule.site);
  }
  return { role, sites: [...sites].sort() };
}

/** The groups claim as a list: an array of strings, one string, or a space-separated string. */
export function groupsFromClaim(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((g): g is string => typeof g === 'string');
  if (typeof value === 'string') return value.split(/[\s,]+/).filter((g) => g !== '');
  return [];
}
