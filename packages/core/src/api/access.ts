import { z } from 'zod';
import { ROLES } from '../access/permissions.js';
import { auditActorSchema } from '../audit/auditExportSchemas.js';

/**
 * The answers of the access-control endpoints (users, API tokens, the audit log, the access report,
 * access alerts, two-factor set-up), in one place: the server declares its routes with them (and
 * the OpenAPI document), the dashboard decodes with them.
 */

/** The sites a user or token may see: `all`, or site keys. */
export const grantedSitesSchema = z.union([z.literal('all'), z.array(z.string())]);

/** `GET /auth/providers`. */
export const authProvidersResponseSchema = z.object({
  password: z.boolean(),
  oidc: z.object({ label: z.string(), startUrl: z.string() }).nullable(),
});
export type AuthProvidersResponse = z.output<typeof authProvidersResponseSchema>;

/** `POST /auth/totp/setup`. */
export const totpSetupResponseSchema = z.object({ secret: z.string(), otpauthUri: z.string() });

/** `POST /auth/logout-everywhere`, `POST /users/{id}/logout-everywhere`. */
export const sessionsEndedResponseSchema = z.object({ sessionsEnded: z.number() });

/** A user as an owner or admin manages it. */
export const managedUserSchema = z
  .object({
    id: z.string(),
    email: z.string(),
    role: z.enum(ROLES),
    sites: grantedSitesSchema,
    totpEnabled: z.boolean(),
    sso: z.boolean(),
    ssoLinkAllowed: z.boolean().describe('single sign-on may link this account by its email (once)'),
    lockedUntil: z.number().nullable(),
    createdAt: z.number(),
  })
  .meta({ id: 'ManagedUser' });
export type ManagedUserResponse = z.output<typeof managedUserSchema>;

/** `GET /users`. */
export const userListResponseSchema = z.object({ users: z.array(managedUserSchema) });
/** `POST /users`: the password only when one was generated. */
export const createdUserResponseSchema = z.object({
  user: managedUserSchema,
  password: z.string().optional(),
});
/** `PATCH /users/{id}`. */
export const managedUserEnvelopeSchema = z.object({ user: managedUserSchema });

/** An API token (never its secret). */
export const apiTokenSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    role: z.enum(ROLES),
    sites: grantedSitesSchema,
    createdBy: z.string().nullable(),
    createdAt: z.number(),
    lastUsedAt: z.number().nullable(),
    expiresAt: z.number().nullable(),
    revokedAt: z.number().nullable(),
  })
  .meta({ id: 'ApiToken' });
export type ApiTokenResponse = z.output<typeof apiTokenSchema>;

/** `GET /tokens`. */
export const tokenListResponseSchema = z.object({ tokens: z.array(apiTokenSchema) });
/** `POST /tokens`: the secret, shown once. */
export const createdTokenResponseSchema = z.object({ token: z.string(), record: apiTokenSchema });

/** One entry of the audit log as the API shows it. */
export const auditEntryViewSchema = z
  .object({
    seq: z.number(),
    at: z.number(),
    actor: auditActorSchema,
    action: z.string(),
    siteKey: z.string().nullable(),
    target: z.object({ type: z.string(), id: z.string() }).nullable(),
    details: z.record(z.string(), z.unknown()),
    prevHash: z.string(),
    hash: z.string(),
  })
  .meta({ id: 'AuditEntry' });
export type AuditEntryViewResponse = z.output<typeof auditEntryViewSchema>;

/** `GET /audit`: one page, newest first. */
export const auditPageResponseSchema = z.object({
  entries: z.array(auditEntryViewSchema),
  nextBefore: z.number().nullable(),
  actions: z.array(z.string()),
});
export type AuditPageResponse = z.output<typeof auditPageResponseSchema>;

/** `GET /audit/verify`: the chain's report (`ok: false` names the first problem). */
export const auditVerifyResponseSchema = z.discriminatedUnion('ok', [
  z
    .object({
      ok: z.literal(true),
      firstSeq: z.number(),
      headSeq: z.number(),
      headHash: z.string(),
      entries: z.number(),
      links: z.number(),
      checkpoints: z.number(),
      lastCheckpointSeq: z.number().nullable(),
      uncheckpointed: z.number(),
      recordedHead: z.object({ seq: z.number(), hash: z.string() }),
    })
    .loose(),
  z
    .object({
      ok: z.literal(false),
      problem: z.object({ kind: z.string(), seq: z.number(), message: z.string() }),
      checked: z.number(),
      recordedHead: z.object({ seq: z.number(), hash: z.string() }),
    })
    .loose(),
]);
export type AuditVerifyResponse = z.output<typeof auditVerifyResponseSchema>;

/** `GET /audit/access-report`: raw replay grants (newest first) and totals per person. */
export const accessReportResponseSchema = z.object({
  grants: z.array(
    z.object({
      id: z.string(),
      actor: z.object({ type: z.enum(['user', 'token']), id: z.string(), label: z.string() }),
      sessionId: z.string(),
      siteKey: z.string().nullable(),
      purpose: z.string(),
      ticket: z.string().nullable(),
      at: z.number(),
      expiresAt: z.number(),
    }),
  ),
  /** Grants the filters match; `grants` lists the newest `limit` of them. */
  total: z.number(),
  /** Per person, over every grant the filters match (not only those listed), most first. */
  totals: z.array(
    z.object({
      actor: z.object({ type: z.string(), id: z.string(), label: z.string() }),
      count: z.number(),
    }),
  ),
});
export type AccessReportResponse = z.output<typeof accessReportResponseSchema>;

/** An access-anomaly alert: more raw replays in an hour than the site allows one person. */
export const accessAlertSchema = z
  .object({
    id: z.string(),
    kind: z.literal('raw_replay_rate'),
    siteKey: z.string().nullable(),
    actor: z.object({ userId: z.string().nullable(), tokenId: z.string().nullable(), label: z.string() }),
    count: z.number(),
    threshold: z.number(),
    windowStart: z.number(),
    createdAt: z.number(),
    acknowledgedAt: z.number().nullable(),
    acknowledgedBy: z.string().nullable(),
    note: z.string().nullable(),
  })
  .meta({ id: 'AccessAlert' });
export type AccessAlertResponse = z.output<typeof accessAlertSchema>;

/** `GET /alerts/access`. */
export const accessAlertListResponseSchema = z.object({ alerts: z.array(accessAlertSchema) });
