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
  ],
  analyst: ['sites:read', 'sessions:read', 'heatmaps:read'],
  replay_viewer: ['sites:read', 'sessions:read', 'heatmaps:read', 'replay:raw'],
  auditor: ['sites:read', 'policy:read', 'audit:read', 'users:read'],
};

export function roleHasPermission(role: Role, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role].includes(permission);
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}
