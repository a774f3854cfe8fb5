/** Roles of DESIGN.md; every route names one permission, anything undeclared is denied. */
export const ROLES = ['owner', 'admin', 'compliance_officer', 'analyst', 'replay_viewer', 'auditor'] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = [
  'sites:read',
  'sites:write',
  'sessions:read',
  'replay:raw',
  'heatmaps:read',
  'policy:read',
  'policy:write',
  'users:read',
  'users:write',
  'tokens:write',
  'audit:read',
  'erasure:write',
  'alerts:read',
  'alerts:write',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

export const ROLE_PERMISSIONS: Readonly<Record<Role, readonly Permission[]>> = {
  owner: PERMISSIONS,
  admin: [
    'sites:read',
    'sites:write',
    'sessions:read',
    'heatmaps:read',
    'policy:read',
    'policy:write',
    'users:read',
    'users:write',
    'tokens:write',
  ],
  compliance_officer: [
    'sites:read',
    'sessions:read',
    'heatmaps:read',
    'policy:read',
    'policy:write',
    'audit:read',
    'erasure:write',
    'users:read',
    'alerts:read',
    'alerts:write',
  ],
  analyst: ['sites:read', 'sessions:read', 'heatmaps:read'],
  replay_viewer: ['sites:read', 'sessions:read', 'heatmaps:read', 'replay:raw'],
  auditor: ['sites:read', 'policy:read', 'audit:read', 'users:read', 'alerts:read'],
};

export function roleHasPermission(role: Role, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role].includes(permission);
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/**
 * Permissions whose holders must sign in with a second factor (TOTP or, when trusted, the identity
 * provider's): whoever can watch raw recordings or loosen the privacy policy.
 */
export const SECOND_FACTOR_PERMISSIONS: readonly Permission[] = ['replay:raw', 'policy:write'];

export function roleRequiresSecondFactor(role: Role): boolean {
  return SECOND_FACTOR_PERMISSIONS.some((p) => roleHasPermission(role, p));
}

/** True when every permission of `granted` is also one of `granter`'s: nobody hands out more than they hold. */
export function roleWithin(granted: Role, granter: Role): boolean {
  return ROLE_PERMISSIONS[granted].every((p) => roleHasPermission(granter, p));
}
