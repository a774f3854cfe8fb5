import { ROLES, roleHasPermission, roleRequiresSecondFactor, roleWithin } from '@veil/core';
import { describe, expect, it } from 'vitest';

describe('roles', () => {
  it('demand a second factor of whoever can watch raw replays or change policy', () => {
    const required = ROLES.filter(roleRequiresSecondFactor);
    expect(required).toEqual(['owner', 'admin', 'compliance_officer', 'replay_viewer']);
    expect(roleHasPermission('analyst', 'replay:raw')).toBe(false);
  });

  it('let nobody hand out a role with more than their own', () => {
    expect(roleWithin('analyst', 'admin')).toBe(true);
    expect(roleWithin('admin', 'admin')).toBe(true);
    expect(roleWithin('replay_viewer', 'admin')).toBe(false);
    expect(roleWithin('owner', 'admin')).toBe(false);
    for (const role of ROLES) expect(roleWithin(role, 'owner')).toBe(true);
  });

  it('keep analysts away from raw events and the audit log', () => {
    expect(roleHasPermission('analyst', 'heatmaps:read')).toBe(true);
    expect(roleHasPermission('analyst', 'audit:read')).toBe(false);
    expect(roleHasPermission('auditor', 'audit:read')).toBe(true);
    expect(roleHasPermission('auditor', 'replay:raw')).toBe(false);
  });
});
