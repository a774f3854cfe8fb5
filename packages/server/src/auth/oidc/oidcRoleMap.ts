import { isRole, type Role } from '@veil/core';

/** One `group=role` pair of VEIL_OIDC_ROLE_MAP, in the order given (first match wins). */
export interface OidcRoleRule {
  group: string;
  role: Role;
}

/**
 * Parses `group=role;group=role` (semicolons or newlines, since directory group names hold commas;
 * spaces around names ignored; the role is after the last `=`). Throws naming the bad pair. Groups
 * are matched exactly, case-sensitively, as the identity provider sends them.
 */
export function parseOidcRoleMap(text: string): OidcRoleRule[] {
  const rules: OidcRoleRule[] = [];
  for (const pair of text.split(/[;\n]/)) {
    const trimmed = pair.trim();
    if (trimmed === '') continue;
    const at = trimmed.lastIndexOf('=');
    const group = trimmed.slice(0, at).trim();
    const role = trimmed.slice(at + 1).trim();
    if (at <= 0 || group === '') throw new Error(`"${trimmed}" is not group=role`);
    if (!isRole(role)) throw new Error(`"${trimmed}": ${role} is not a role`);
    rules.push({ group, role });
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

/** The groups claim as a list: an array of strings, one string, or a space-separated string. */
export function groupsFromClaim(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((g): g is string => typeof g === 'string');
  if (typeof value === 'string') return value.split(/[\s,]+/).filter((g) => g !== '');
  return [];
}
