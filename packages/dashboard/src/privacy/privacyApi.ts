import {
  type CurrentPolicyResponse,
  currentPolicyResponseSchema,
  type DisclosureNoticeResponse,
  disclosureNoticeResponseSchema,
  type MaskingFailureViewResponse,
  maskingFailureListResponseSchema,
  type NoticeFormat,
  type NoticeLanguage,
  type PolicyPreviewResponse,
  type PolicyVersionResponse,
  type PrivacyAlertResponse,
  type PrivacyDropResponse,
  policyPreviewResponseSchema,
  policyVersionEnvelopeSchema,
  policyVersionListResponseSchema,
  privacyAlertListResponseSchema,
  privacyDropListResponseSchema,
} from '@veil/core';
import type { ApiClient } from '../api/client';
import { decoder } from '../api/decoder';

// Response schemas are the server's own, from @veil/core.
export type PolicyVersionView = PolicyVersionResponse;
export type CurrentPolicy = CurrentPolicyResponse;
export type PolicyPreview = PolicyPreviewResponse;
export type MaskingFailureView = MaskingFailureViewResponse;
export type PrivacyAlertView = PrivacyAlertResponse;
export type PrivacyDropView = PrivacyDropResponse;
export type NoticeView = DisclosureNoticeResponse;

const site = (siteKey: string) => `/sites/${encodeURIComponent(siteKey)}`;

/** The privacy-policy endpoints of docs/api.md. */
export function privacyApi(api: ApiClient) {
  return {
    /** The disclosure notice generated from the current policy version (`GET …/notice`). */
    notice: (
      siteKey: string,
      options: { language: NoticeLanguage; format: NoticeFormat },
      signal?: AbortSignal,
    ) =>
      api.request(
        `${site(siteKey)}/notice?${new URLSearchParams({ lang: options.language, format: options.format })}`,
        decoder(disclosureNoticeResponseSchema),
        { signal },
      ),
    current: (siteKey: string, signal?: AbortSignal) =>
      api.request(`${site(siteKey)}/policy`, decoder(currentPolicyResponseSchema), { signal }),
    versions: (siteKey: string, signal?: AbortSignal) =>
      api
        .request(`${site(siteKey)}/policy/versions?limit=100`, decoder(policyVersionListResponseSchema), {
          signal,
        })
        .then((r) => r.versions),
    preview: (siteKey: string, policy: unknown) =>
      api.request(`${site(siteKey)}/policy/preview`, decoder(policyPreviewResponseSchema), {
        method: 'POST',
        body: { policy },
      }),
    publish: (siteKey: string, policy: unknown, reason: string, baseVersion: number) =>
      api.request(`${site(siteKey)}/policy`, decoder(policyVersionEnvelopeSchema), {
        method: 'PUT',
        body: { policy, reason, baseVersion },
      }),
    maskingFailures: (siteKey: string, signal?: AbortSignal) =>
      api
        .request(`${site(siteKey)}/masking-failures?limit=500`, decoder(maskingFailureListResponseSchema), {
          signal,
        })
        .then((r) => r.failures),
    alerts: (siteKey: string, signal?: AbortSignal) =>
      api
        .request(`${site(siteKey)}/privacy-alerts?limit=100`, decoder(privacyAlertListResponseSchema), {
          signal,
        })
        .then((r) => r.alerts),
    acknowledge: (siteKey: string, id: string, note: string) =>
      api.request(`${site(siteKey)}/privacy-alerts/${encodeURIComponent(id)}/acknowledge`, () => undefined, {
        method: 'POST',
        body: { note },
      }),
    drops: (siteKey: string, signal?: AbortSignal) =>
      api
        .request(`${site(siteKey)}/privacy-drops?days=30`, decoder(privacyDropListResponseSchema), {
          signal,
        })
        .then((r) => r.drops),
  };
}

/** Masking failures grouped by page pattern, most frequent first: what to fix where. */
export function failuresByPage(
  failures: readonly MaskingFailureView[],
): Array<{ page: string; total: number; rows: MaskingFailureView[] }> {
  const groups = new Map<string, MaskingFailureView[]>();
  for (const f of failures) {
    const page = f.pagePattern || '(unknown page)';
    groups.set(page, [...(groups.get(page) ?? []), f]);
  }
  return [...groups]
    .map(([page, rows]) => ({
      page,
      total: rows.reduce((n, r) => n + r.count, 0),
      rows: [...rows].sort((a, b) => b.count - a.count),
    }))
    .sort((a, b) => b.total - a.total);
}
