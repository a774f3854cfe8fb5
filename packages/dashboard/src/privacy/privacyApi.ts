import { NOTICE_LANGUAGES, type NoticeFormat, type NoticeLanguage, privacyPolicySchema } from '@veil/core';
import { z } from 'zod';
import type { ApiClient } from '../api/client';
import { decoder } from '../api/decoder';

const change = z.object({
  field: z.string(),
  kind: z.enum(['changed', 'added', 'removed']),
  // Absent when the field was added or removed.
  before: z.unknown().optional(),
  after: z.unknown().optional(),
  added: z.array(z.unknown()).optional(),
  removed: z.array(z.unknown()).optional(),
});
const version = z.object({
  version: z.number(),
  author: z.object({ type: z.string(), id: z.string().nullable(), label: z.string() }),
  reason: z.string(),
  createdAt: z.number(),
  changes: z.array(change),
  diffText: z.string(),
});
export type PolicyVersionView = z.infer<typeof version>;
const preset = z.object({ preset: z.string(), changes: z.array(change), text: z.string() });

const currentSchema = z.object({ policy: privacyPolicySchema, version, preset });
export type CurrentPolicy = z.infer<typeof currentSchema>;
const previewSchema = z.object({
  policy: privacyPolicySchema,
  baseVersion: z.number(),
  changes: z.array(change),
  diffText: z.string(),
  preset,
  /** What the next purge run removes under the proposed retention (absent from older servers). */
  retention: z
    .object({
      currentDays: z.number(),
      proposedDays: z.number(),
      sessionsNow: z.number(),
      sessionsProposed: z.number(),
      bytesProposed: z.number(),
    })
    .optional(),
});
export type PolicyPreview = z.infer<typeof previewSchema>;

const failure = z.object({
  pagePattern: z.string(),
  elementPath: z.string().nullable(),
  label: z.string(),
  location: z.string(),
  count: z.number(),
  firstSeenAt: z.number(),
  lastSeenAt: z.number(),
});
export type MaskingFailureView = z.infer<typeof failure>;
const alert = z.object({
  id: z.string(),
  kind: z.string(),
  label: z.string(),
  count: z.number(),
  sessionId: z.string().nullable(),
  pagePattern: z.string(),
  createdAt: z.number(),
  acknowledgedAt: z.number().nullable(),
  acknowledgedBy: z.string().nullable(),
});
export type PrivacyAlertView = z.infer<typeof alert>;
const drop = z.object({ day: z.string(), reason: z.string(), count: z.number() });
export type PrivacyDropView = z.infer<typeof drop>;

const noticeSchema = z.object({
  siteKey: z.string(),
  policyVersion: z.number(),
  language: z.enum(NOTICE_LANGUAGES as [NoticeLanguage, ...NoticeLanguage[]]),
  format: z.enum(['html', 'markdown']),
  text: z.string(),
});
export type NoticeView = z.infer<typeof noticeSchema>;

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
        decoder(noticeSchema),
        { signal },
      ),
    current: (siteKey: string, signal?: AbortSignal) =>
      api.request(`${site(siteKey)}/policy`, decoder(currentSchema), { signal }),
    versions: (siteKey: string, signal?: AbortSignal) =>
      api
        .request(
          `${site(siteKey)}/policy/versions?limit=100`,
          decoder(z.object({ versions: z.array(version) })),
          {
            signal,
          },
        )
        .then((r) => r.versions),
    preview: (siteKey: string, policy: unknown) =>
      api.request(`${site(siteKey)}/policy/preview`, decoder(previewSchema), {
        method: 'POST',
        body: { policy },
      }),
    publish: (siteKey: string, policy: unknown, reason: string, baseVersion: number) =>
      api.request(`${site(siteKey)}/policy`, decoder(z.object({ policy: privacyPolicySchema, version })), {
        method: 'PUT',
        body: { policy, reason, baseVersion },
      }),
    maskingFailures: (siteKey: string, signal?: AbortSignal) =>
      api
        .request(
          `${site(siteKey)}/masking-failures?limit=500`,
          decoder(z.object({ failures: z.array(failure) })),
          {
            signal,
          },
        )
        .then((r) => r.failures),
    alerts: (siteKey: string, signal?: AbortSignal) =>
      api
        .request(`${site(siteKey)}/privacy-alerts?limit=100`, decoder(z.object({ alerts: z.array(alert) })), {
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
        .request(`${site(siteKey)}/privacy-drops?days=30`, decoder(z.object({ drops: z.array(drop) })), {
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
