import { z } from 'zod';
import type { AuditAnchorSetting } from '../audit/anchor/auditAnchorSetting.js';
import type { OidcSettings } from '../auth/oidc/OidcClient.js';
import { type OidcRoleRule, parseOidcRoleMap } from '../auth/oidc/oidcRoleMap.js';

/** Access control and audit settings of `VeilConfig`. */
export interface AccessConfig {
  audit: {
    /** 32-byte Ed25519 seed from VEIL_AUDIT_SIGNING_KEY; otherwise the key file in the data directory. */
    signingKey: Buffer | undefined;
    /** VEIL_AUDIT_SIGNING_KEY_FILE (absolute): a key file kept outside the data directory. */
    signingKeyFile: string | undefined;
    /** VEIL_AUDIT_ANCHOR: where checkpoints are written besides the database and the application log. */
    anchor: AuditAnchorSetting | undefined;
    /** Raw 32-byte public keys of retired signing keys, trusted for verification only. */
    trustedPublicKeys: Buffer[];
  };
  /** VEIL_ADMIN_TOTP_SECRET: the bootstrapped owner starts enrolled in TOTP with this base32 secret. */
  adminTotpSecret: string | undefined;
  /** Single sign-on, when VEIL_OIDC_ISSUER is set. */
  oidc: OidcSettings | undefined;
}

const base64Of32 = (what: string) =>
  z
    .string()
    .trim()
    .refine((s) => /^[A-Za-z0-9+/_-]+={0,2}$/.test(s) && Buffer.from(s, 'base64').length === 32, {
      message: `must be the base64 of exactly 32 bytes (${what})`,
    })
    .transform((s) => Buffer.from(s, 'base64'));

const boolWord = z
  .string()
  .trim()
  .toLowerCase()
  .refine((s) => ['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'].includes(s), 'expected true or false')
  .transform((s) => ['true', '1', 'yes', 'on'].includes(s));

/** The environment variables of this part; spread into config.ts's schema. */
export const accessEnvShape = {
  VEIL_AUDIT_SIGNING_KEY: base64Of32('e.g. `openssl rand -base64 32`').optional(),
  VEIL_AUDIT_SIGNING_KEY_FILE: z.string().trim().min(1).optional(),
  VEIL_AUDIT_ANCHOR: z.string().trim().min(1).optional(),
  VEIL_AUDIT_TRUSTED_KEYS: z
    .string()
    .trim()
    .transform((s, ctx) => {
      const keys: Buffer[] = [];
      for (const part of s
        .split(',')
        .map((p) => p.trim())
        .filter((p) => p !== '')) {
        const raw = Buffer.from(part, 'base64');
        if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(part) || raw.length !== 32) {
          ctx.addIssue({ code: 'custom', message: `"${part}" is not the base64 of a 32-byte public key` });
          return z.NEVER;
        }
        keys.push(raw);
      }
      return keys;
    })
    .optional(),
  VEIL_ADMIN_TOTP_SECRET: z
    .string()
    .trim()
    .transform((s) => s.replace(/[\s=]/g, '').toUpperCase())
    .refine((s) => /^[A-Z2-7]{16,}$/.test(s), 'must be base32 of at least 80 bits (16 characters)')
    .optional(),
  VEIL_OIDC_ISSUER: z.url().optional(),
  VEIL_OIDC_CLIENT_ID: z.string().trim().min(1).optional(),
  VEIL_OIDC_CLIENT_SECRET: z.string().min(1).optional(),
  VEIL_OIDC_REDIRECT_URL: z.url().optional(),
  VEIL_OIDC_SCOPES: z.string().trim().min(1).default('openid email profile groups'),
  VEIL_OIDC_GROUPS_CLAIM: z.string().trim().min(1).default('groups'),
  VEIL_OIDC_ROLE_MAP: z
    .string()
    .transform((s, ctx): OidcRoleRule[] => {
      try {
        return parseOidcRoleMap(s);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: (error as Error).message });
        return z.NEVER;
      }
    })
    .optional(),
  VEIL_OIDC_LABEL: z.string().trim().min(1).max(60).default('Single sign-on'),
  VEIL_OIDC_TRUST_MFA: boolWord.default(false),
};

type AccessEnv = z.output<z.ZodObject<typeof accessEnvShape>>;

/** Builds the access part of the configuration; returns the problems instead when it is incomplete. */
export function accessConfigFrom(e: AccessEnv): { config: AccessConfig; problems: string[] } {
  const problems: string[] = [];
  let oidc: OidcSettings | undefined;
  if (e.VEIL_OIDC_ISSUER !== undefined) {
    if (!e.VEIL_OIDC_CLIENT_ID) problems.push('VEIL_OIDC_CLIENT_ID: required with VEIL_OIDC_ISSUER');
    if (!e.VEIL_OIDC_REDIRECT_URL)
      problems.push('VEIL_OIDC_REDIRECT_URL: required with VEIL_OIDC_ISSUER (…/api/v1/auth/oidc/callback)');
    if (!e.VEIL_OIDC_ROLE_MAP || e.VEIL_OIDC_ROLE_MAP.length === 0)
      problems.push('VEIL_OIDC_ROLE_MAP: required with VEIL_OIDC_ISSUER (group=role;group=role)');
    if (e.VEIL_OIDC_CLIENT_ID && e.VEIL_OIDC_REDIRECT_URL && e.VEIL_OIDC_ROLE_MAP) {
      oidc = {
        issuer: new URL(e.VEIL_OIDC_ISSUER),
        clientId: e.VEIL_OIDC_CLIENT_ID,
        clientSecret: e.VEIL_OIDC_CLIENT_SECRET,
        redirectUri: e.VEIL_OIDC_REDIRECT_URL,
        scopes: e.VEIL_OIDC_SCOPES,
        groupsClaim: e.VEIL_OIDC_GROUPS_CLAIM,
        roleRules: e.VEIL_OIDC_ROLE_MAP,
        label: e.VEIL_OIDC_LABEL,
        trustProviderMfa: e.VEIL_OIDC_TRUST_MFA,
      };
    }
  }
  return {
    config: {
      // Paths (the key file, a file anchor) are resolved against the working directory by config.ts.
      audit: {
        signingKey: e.VEIL_AUDIT_SIGNING_KEY,
        signingKeyFile: undefined,
        anchor: undefined,
        trustedPublicKeys: e.VEIL_AUDIT_TRUSTED_KEYS ?? [],
      },
      adminTotpSecret: e.VEIL_ADMIN_TOTP_SECRET,
      oidc,
    },
    problems,
  };
}
