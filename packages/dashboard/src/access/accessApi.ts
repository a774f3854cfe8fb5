import {
  type AccessAlertResponse,
  type AccessReportResponse,
  type ApiTokenResponse,
  type AuditEntryViewResponse,
  type AuditVerifyResponse,
  accessAlertListResponseSchema,
  accessReportResponseSchema,
  auditPageResponseSchema,
  auditVerifyResponseSchema,
  authProvidersResponseSchema,
  createdTokenResponseSchema,
  createdUserResponseSchema,
  type ManagedUserResponse,
  MS_PER_DAY,
  managedUserEnvelopeSchema,
  sessionsEndedResponseSchema,
  tokenListResponseSchema,
  totpSetupResponseSchema,
  userListResponseSchema,
} from '@veil/core';
import type { ApiClient } from '../api/client';
import { decoder } from '../api/decoder';

const none = () => undefined;

// Response schemas are the server's own, from @veil/core.
export type ManagedUser = ManagedUserResponse;
export type ApiToken = ApiTokenResponse;
export type AuditEntryView = AuditEntryViewResponse;
export type VerifyReport = AuditVerifyResponse;
export type AccessReport = AccessReportResponse;
export type AccessAlert = AccessAlertResponse;

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

/** Entries of one page of the audit view. */
export const AUDIT_PAGE_SIZE = 100;

/**
 * Where the audit view reads one page: the instance-wide log (`/audit`, `siteKey` a filter) for a
 * user of every site, or one site's log (`/sites/{siteKey}/audit`, the same filters but the site)
 * for a user restricted to sites, who may not read the instance-wide log.
 */
export function auditPagePath(filters: AuditFilterForm, before: number | null, perSite: boolean): string {
  const params = auditQuery(filters);
  params.set('limit', String(AUDIT_PAGE_SIZE));
  if (before !== null) params.set('before', String(before));
  if (!perSite) return `/audit?${params.toString()}`;
  params.delete('siteKey');
  return `/sites/${encodeURIComponent(filters.siteKey.trim())}/audit?${params.toString()}`;
}

/**
 * Where the access report is read: the instance-wide report (`/audit/access-report`, `siteKey` a
 * filter, empty for every site) for a user of every site, or one site's report
 * (`/sites/{siteKey}/access-report`, the same filters but the site) for a user restricted to
 * sites, who may not read the instance-wide one.
 */
export function accessReportPath(filters: { user: string; siteKey: string }, perSite: boolean): string {
  const params = new URLSearchParams();
  if (filters.user) params.set('user', filters.user);
  const siteKey = filters.siteKey.trim();
  if (!perSite && siteKey) params.set('siteKey', siteKey);
  const query = params.toString() ? `?${params.toString()}` : '';
  return perSite
    ? `/sites/${encodeURIComponent(siteKey)}/access-report${query}`
    : `/audit/access-report${query}`;
}

/** The access-control and audit endpoints of docs/api.md. */
export function accessApi(api: ApiClient) {
  return {
    providers: (signal?: AbortSignal) =>
      api.request('/auth/providers', decoder(authProvidersResponseSchema), { signal }),
    totpSetup: () => api.request('/auth/totp/setup', decoder(totpSetupResponseSchema), { method: 'POST' }),
    totpEnable: (code: string) => api.request('/auth/totp/enable', none, { method: 'POST', body: { code } }),
    totpVerify: (code: string) => api.request('/auth/totp/verify', none, { method: 'POST', body: { code } }),
    logoutEverywhere: () =>
      api.request('/auth/logout-everywhere', decoder(sessionsEndedResponseSchema), {
        method: 'POST',
      }),

    users: (signal?: AbortSignal) =>
      api.request('/users', decoder(userListResponseSchema), { signal }).then((b) => b.users),
    createUser: (body: { email: string; role: string; sites: string[] | null }) =>
      api.request('/users', decoder(createdUserResponseSchema), {
        method: 'POST',
        body,
      }),
    updateUser: (id: string, body: { role?: string; sites?: string[] | null }) =>
      api.request(`/users/${encodeURIComponent(id)}`, decoder(managedUserEnvelopeSchema), {
        method: 'PATCH',
        body,
      }),
    deleteUser: (id: string) => api.request(`/users/${encodeURIComponent(id)}`, none, { method: 'DELETE' }),
    resetTotp: (id: string) =>
      api.request(`/users/${encodeURIComponent(id)}/totp-reset`, none, { method: 'POST', body: {} }),
    logoutUser: (id: string) =>
      api.request(
        `/users/${encodeURIComponent(id)}/logout-everywhere`,
        decoder(sessionsEndedResponseSchema),
        { method: 'POST', body: {} },
      ),

    tokens: (signal?: AbortSignal) =>
      api.request('/tokens', decoder(tokenListResponseSchema), { signal }).then((b) => b.tokens),
    createToken: (body: { name: string; role: string; sites: string[] | null; expiresInDays: number }) =>
      api.request('/tokens', decoder(createdTokenResponseSchema), {
        method: 'POST',
        body,
      }),
    revokeToken: (id: string) => api.request(`/tokens/${encodeURIComponent(id)}`, none, { method: 'DELETE' }),

    /** One page of the audit log; `perSite`: of the site `filters.siteKey` (see {@link auditPagePath}). */
    audit: (filters: AuditFilterForm, before: number | null, perSite: boolean, signal?: AbortSignal) =>
      api.request(auditPagePath(filters, before, perSite), decoder(auditPageResponseSchema), { signal }),
    verify: (signal?: AbortSignal) =>
      api.request('/audit/verify', decoder(auditVerifyResponseSchema), { signal }),
    /** The export is a POST (the server records it in the audit log): the file comes back as a Blob. */
    exportFile: (format: 'jsonl' | 'csv', filters: AuditFilterForm) =>
      api.download('/audit/export', {
        method: 'POST',
        body: { ...Object.fromEntries(auditQuery(filters)), format },
      }),
    /** The access report; `perSite`: of the site `filters.siteKey` (see {@link accessReportPath}). */
    accessReport: (filters: { user: string; siteKey: string }, perSite: boolean, signal?: AbortSignal) =>
      api.request(accessReportPath(filters, perSite), decoder(accessReportResponseSchema), { signal }),
    /** Access anomalies of one site (`siteKey`), or of every site the caller holds (`''`). */
    alerts: (siteKey: string, signal?: AbortSignal) =>
      api
        .request(
          siteKey === '' ? '/alerts/access' : `/sites/${encodeURIComponent(siteKey)}/access-alerts`,
          decoder(accessAlertListResponseSchema),
          { signal },
        )
        .then((b) => b.alerts),
    acknowledgeAlert: (id: string, note: string) =>
      api.request(`/alerts/access/${encodeURIComponent(id)}/acknowledge`, none, {
        method: 'POST',
        body: note ? { note } : {},
      }),
  };
}
export type AccessApi = ReturnType<typeof accessApi>;
