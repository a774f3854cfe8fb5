import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';

describe('access configuration', () => {
  const oidc = {
    VEIL_OIDC_ISSUER: 'https://login.example.com',
    VEIL_OIDC_CLIENT_ID: 'veil',
    VEIL_OIDC_REDIRECT_URL: 'https://veil.example.com/api/v1/auth/oidc/callback',
    VEIL_OIDC_ROLE_MAP: 'dpo=compliance_officer;staff=analyst',
  };

  it('is off by default', () => {
    const config = loadConfig({}, '/x');
    expect(config.oidc).toBeUndefined();
    expect(config.audit).toEqual({ signingKey: undefined, trustedPublicKeys: [] });
    expect(config.adminTotpSecret).toBeUndefined();
  });

  it('parses single sign-on, keys and the owner TOTP secret', () => {
    const config = loadConfig(
      {
        ...oidc,
        VEIL_OIDC_TRUST_MFA: 'true',
        VEIL_AUDIT_SIGNING_KEY: Buffer.alloc(32, 3).toString('base64'),
        VEIL_AUDIT_TRUSTED_KEYS: `${Buffer.alloc(32, 4).toString('base64')}, ${Buffer.alloc(32, 5).toString('base64')}`,
        VEIL_ADMIN_TOTP_SECRET: 'jbsw y3dp ehpk 3pxp',
      },
      '/x',
    );
    expect(config.oidc).toMatchObject({
      clientId: 'veil',
      scopes: 'openid email profile groups',
      groupsClaim: 'groups',
      label: 'Single sign-on',
      trustProviderMfa: true,
      roleRules: [
        { group: 'dpo', role: 'compliance_officer' },
        { group: 'staff', role: 'analyst' },
      ],
    });
    expect(config.audit.signingKey).toEqual(Buffer.alloc(32, 3));
    expect(config.audit.trustedPublicKeys).toHaveLength(2);
    expect(config.adminTotpSecret).toBe('JBSWY3DPEHPK3PXP');
  });

  it('names what is missing or wrong', () => {
    expect(() => loadConfig({ VEIL_OIDC_ISSUER: 'https://login.example.com' }, '/x')).toThrow(
      /VEIL_OIDC_CLIENT_ID[\s\S]*VEIL_OIDC_REDIRECT_URL[\s\S]*VEIL_OIDC_ROLE_MAP/,
    );
    expect(() => loadConfig({ ...oidc, VEIL_OIDC_ROLE_MAP: 'x=root' }, '/x')).toThrow(/root is not a role/);
    expect(() => loadConfig({ VEIL_AUDIT_SIGNING_KEY: 'short' }, '/x')).toThrow(/VEIL_AUDIT_SIGNING_KEY/);
    expect(() => loadConfig({ VEIL_AUDIT_TRUSTED_KEYS: 'nope' }, '/x')).toThrow(/VEIL_AUDIT_TRUSTED_KEYS/);
    expect(() => loadConfig({ VEIL_ADMIN_TOTP_SECRET: 'ABC' }, '/x')).toThrow(/VEIL_ADMIN_TOTP_SECRET/);
  });
});
