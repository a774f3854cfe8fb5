import { MS_PER_DAY, ROLES } from '@veil/core';
import { z } from 'zod';
import type { ApiClient } from '../api/client';
import { decoder } from '../api/decoder';

const none = () => undefined;

const sites = z.union([z.literal('all'), z.array(z.string())]);

const providersSchema = z.object({
  password: z.boolean(),
  oidc: z.object({ label: z.string(), startUrl: z.string() }).nullable(),
});

const totpSetupSchema = z.object({ secret: z.string(), otpauthUri: z.string() });

const managedUser = z.object({
  id: z.string(),
  email: z.string(),
  role: z.enum(ROLES),
  sites,
  totpEnabled: z.boolean(),
  sso: z.boolean(),
  lockedUntil: z.number().nullable(),
  createdAt: z.number(),
});
export type ManagedUser = z.infer<typeof managedUser>;

const apiToken = z.object({
  id: z.string(),
  name: z.string(),
  role: z.enum(ROLES),
  sites,
  createdBy: z.string().nullable(),
  createdAt: z.number(),
  lastUsedAt: z.number().nullable(),
  expiresAt: z.number().nullable(),
  revokedAt: z.number().nullable(),
});
export type ApiToken = z.infer<typeof apiToken>;

const auditEntry = z.object({
  seq: z.number(),
  at: z.number(),
  actor: z.object({ type: z.string(), id: z.string().nullable(), label: z.string().nullable() }),
  action: z.string(),
  siteKey: z.string().nullable(),
  target: z.object({ type: z.string(), id: z.string() }).nullable(),
  details: z.record(z.string(), z.unknown()),
  prevHash: z.string(),
  hash: z.string(),
});
export type AuditEntryView = z.infer<typeof auditEntry>;

const auditPage = z.object({
  entries: z.array(auditEntry),
  nextBefore: z.number().nullable(),
  actions: z.array(z.string()),
});

const verifyReport = z.union([
  z.object({
    ok: z.literal(true),
    headSeq: z.number(),
    entries: z.number(),
    checkpoints: z.number(),
    uncheckpointed: z.number(),
  }),
  z.object({
    ok: z.literal(false),
    problem: z.object({ kind: z.string(), seq: z.number(), message: z.string() }),
  }),
]);
export type VerifyReport = z.infer<typeof verifyReport>;

const accessActor = z.object({ type: z.string(), id: z.string(), label: z.string() });
const accessReport = z.object({
  grants: z.array(
    z.object({
      id: z.string(),
      actor: accessActor,
      sessionId: z.string(),
      siteKey: z.string().nullable(),
      purpose: z.string(),
      ticket: z.string().nullable(),
      at: z.number(),
      expiresAt: z.number(),
    }),
  ),
  totals: z.array(z.object({ actor: accessActor, count: z.number() })),
});
export type AccessReport = z.infer<typeof accessReport>;

const accessAlert = z.object({
  id: z.string(),
  kind: z.string(),
  siteKey: z.string().nullable(),
  actor: z.object({ userId: z.string().nullable(), tokenId: z.string().nullable(), label: z.string() }),
  count: z.number(),
  threshold: z.number(),
  windowStart: z.number(),
  createdAt: z.number(),
  acknowledgedAt: z.number().nullable(),
  acknowledgedBy: z.string().nullable(),
  note: z.string().nullable(),
});
export type AccessAlert = z.infer<typeof accessAlert>;

/** Filters of the audit view and export, as the API names them. */
export interface AuditFilterForm {
  q: string;
  action: string;
  actor: string;
  siteKey: string;
  from: string;
  to: string;
}

export function auditQuery(f: AuditFilterForm): URLSearchParams {
  const params = new URLSearchParams();
  if (f.q.trim()) params.set('q', f.q.trim());
  if (f.action) params.set('action', f.action);
  if (f.actor.trim()) params.set('actor', f.actor.trim());
  if (f.siteKey.trim()) params.set('siteKey', f.siteKey.trim());
  const from = f.from ? Date.parse(f.from) : Number.NaN;
  const to = f.to ? Date.parse(f.to) : Number.NaN;
  if (Number.isFinite(from)) params.set('from', String(from));
  if (Number.isFinite(to)) params.set('to', String(to + MS_PER_DAY - 1));
  return params;
}

/** The access-control and audit endpoints of docs/api.md. */
export function accessApi(api: ApiClient) {
  return {
    providers: (signal?: AbortSignal) => api.request('/auth/providers', decoder(providersSchema), { signal }),
    totpSetup: () => api.request('/auth/totp/setup', decoder(totpSetupSchema), { method: 'POST' }),
    totpEnable: (code: string) => api.request('/auth/totp/enable', none, { method: 'POST', body: { code } }),
    totpVerify: (code: string) => api.request('/auth/totp/verify', none, { method: 'POST', body: { code } }),
    logoutEverywhere: () =>
      api.request('/auth/logout-everywhere', decoder(z.object({ sessionsEnded: z.number() })), {
        method: 'POST',
      }),

    users: (signal?: AbortSignal) =>
      api
        .request('/users', decoder(z.object({ users: z.array(managedUser) })), { signal })
        .then((b) => b.users),
    createUser: (body: { email: string; role: string; sites: string[] | null }) =>
      api.request('/users', decoder(z.object({ user: managedUser, password: z.string().optional() })), {
        method: 'POST',
        body,
      }),
    updateUser: (id: string, body: { role?: string; sites?: string[] | null }) =>
      api.request(`/users/${encodeURIComponent(id)}`, decoder(z.object({ user: managedUser })), {
        method: 'PATCH',
        body,
      }),
    deleteUser: (id: string) => api.request(`/users/${encodeURIComponent(id)}`, none, { method: 'DELETE' }),
    resetTotp: (id: string) =>
      api.request(`/users/${encodeURIComponent(id)}/totp-reset`, none, { method: 'POST', body: {} }),
    logoutUser: (id: string) =>
      api.request(
        `/users/${encodeURIComponent(id)}/logout-everywhere`,
        decoder(z.object({ sessionsEnded: z.number() })),
        { method: 'POST', body: {} },
      ),

    tokens: (signal?: AbortSignal) =>
      api
        .request('/tokens', decoder(z.object({ tokens: z.array(apiToken) })), { signal })
        .then((b) => b.tokens),
    createToken: (body: { name: string; role: string; sites: string[] | null; expiresInDays: number }) =>
      api.request('/tokens', decoder(z.object({ token: z.string(), record: apiToken })), {
        method: 'POST',
        body,
      }),
    revokeToken: (id: string) => api.request(`/tokens/${encodeURIComponent(id)}`, none, { method: 'DELETE' }),

    audit: (filters: AuditFilterForm, before: number | null, signal?: AbortSignal) => {
      const params = auditQuery(filters);
      params.set('limit', '100');
      if (before !== null) params.set('before', String(before));
      return api.request(`/audit?${params.toString()}`, decoder(auditPage), { signal });
    },
    verify: (signal?: AbortSignal) => api.request('/audit/verify', decoder(verifyReport), { signal }),
    /** The export is a POST (the server records it in the audit log): the file comes back as a Blob. */
    exportFile: (format: 'jsonl' | 'csv', filters: AuditFilterForm) =>
      api.download('/audit/export', {
        method: 'POST',
        body: { ...Object.fromEntries(auditQuery(filters)), format },
      }),
    accessReport: (user: string, signal?: AbortSignal) =>
      api.request(
        `/audit/access-report${user ? `?user=${encodeURIComponent(user)}` : ''}`,
        decoder(accessReport),
        {
          signal,
        },
      ),
    alerts: (signal?: AbortSignal) =>
      api
        .request('/alerts/access', decoder(z.object({ alerts: z.array(accessAlert) })), { signal })
        .then((b) => b.alerts),
    acknowledgeAlert: (id: string, note: string) =>
      api.request(`/alerts/access/${encodeURIComponent(id)}/acknowledge`, none, {
        method: 'POST',
        body: note ? { note } : {},
      }),
  };
}
export type AccessApi = ReturnType<typeof accessApi>;
