import { z } from 'zod';
import { privacyPolicySchema } from '../policy/privacyPolicy.js';

/**
 * The answers of the privacy-policy endpoints (`/api/v1/sites/{siteKey}/policy…`, masking failures,
 * privacy alerts and drops, the disclosure notice), in one place: the server declares its routes with
 * them (and the OpenAPI document), the dashboard decodes with them.
 */

/** A site's privacy policy as the API answers it. */
export const policyResponseSchema = privacyPolicySchema.meta({ id: 'PrivacyPolicy' });

/** One field a policy version or a preset comparison changes (`before`/`after` absent when added or removed). */
export const policyChangeSchema = z
  .object({
    field: z.string(),
    kind: z.enum(['changed', 'added', 'removed']),
    before: z.unknown().optional(),
    after: z.unknown().optional(),
    added: z.array(z.unknown()).optional(),
    removed: z.array(z.unknown()).optional(),
  })
  .meta({ id: 'PolicyChange' });

export const policyVersionSchema = z
  .object({
    version: z.number().int(),
    author: z.object({
      type: z.enum(['user', 'token', 'cli', 'system']),
      id: z.string().nullable(),
      label: z.string(),
    }),
    reason: z.string(),
    createdAt: z.number().int(),
    changes: z.array(policyChangeSchema),
    diffText: z.string(),
  })
  .meta({ id: 'PolicyVersion' });
export type PolicyVersionResponse = z.output<typeof policyVersionSchema>;

/** How a policy differs from its preset. */
export const presetComparisonSchema = z.object({
  preset: z.string(),
  changes: z.array(policyChangeSchema),
  text: z.string(),
});

/** `GET /sites/{siteKey}/policy`: the current (effective) policy. */
export const currentPolicyResponseSchema = z.object({
  policy: policyResponseSchema,
  version: policyVersionSchema,
  preset: presetComparisonSchema,
});
export type CurrentPolicyResponse = z.output<typeof currentPolicyResponseSchema>;

/** `GET /sites/{siteKey}/policy/versions`. */
export const policyVersionListResponseSchema = z.object({ versions: z.array(policyVersionSchema) });
/** `GET /sites/{siteKey}/policy/versions/{version}`, `PUT /sites/{siteKey}/policy`. */
export const policyVersionEnvelopeSchema = z.object({
  policy: policyResponseSchema,
  version: policyVersionSchema,
});

/** What the next purge run removes under a proposed retention, against the current one. */
export const retentionImpactSchema = z
  .object({
    currentDays: z.number().int(),
    proposedDays: z.number().int(),
    /** Sessions the next run removes under the current policy. */
    sessionsNow: z.number().int(),
    /** Sessions the next run removes under the proposed policy (held sessions excluded). */
    sessionsProposed: z.number().int(),
    bytesProposed: z.number().int(),
  })
  .meta({ id: 'RetentionImpact' });
export type RetentionImpact = z.output<typeof retentionImpactSchema>;

/** `POST /sites/{siteKey}/policy/preview`: nothing is saved. */
export const policyPreviewResponseSchema = z.object({
  policy: policyResponseSchema,
  baseVersion: z.number().int(),
  changes: z.array(policyChangeSchema),
  diffText: z.string(),
  preset: presetComparisonSchema,
  retention: retentionImpactSchema,
});
export type PolicyPreviewResponse = z.output<typeof policyPreviewResponseSchema>;

/** One masking failure: what the server had to redact that the browser should have masked. */
export const maskingFailureViewSchema = z.object({
  pagePattern: z.string(),
  elementPath: z.string().nullable(),
  label: z.string(),
  location: z.string(),
  count: z.number().int(),
  firstSeenAt: z.number().int(),
  lastSeenAt: z.number().int(),
});
export type MaskingFailureViewResponse = z.output<typeof maskingFailureViewSchema>;
/** `GET /sites/{siteKey}/masking-failures`. */
export const maskingFailureListResponseSchema = z.object({ failures: z.array(maskingFailureViewSchema) });

/** A critical privacy alert: a canary value that arrived unmasked (label and count, never the value). */
export const privacyAlertSchema = z
  .object({
    id: z.string(),
    kind: z.literal('canary'),
    label: z.string(),
    count: z.number().int(),
    sessionId: z.string().nullable(),
    pagePattern: z.string(),
    createdAt: z.number().int(),
    acknowledgedAt: z.number().int().nullable(),
    acknowledgedBy: z.string().nullable(),
  })
  .meta({ id: 'PrivacyAlert' });
export type PrivacyAlertResponse = z.output<typeof privacyAlertSchema>;
/** `GET /sites/{siteKey}/privacy-alerts`. */
export const privacyAlertListResponseSchema = z.object({ alerts: z.array(privacyAlertSchema) });

export const privacyDropSchema = z.object({ day: z.string(), reason: z.string(), count: z.number().int() });
export type PrivacyDropResponse = z.output<typeof privacyDropSchema>;
/** `GET /sites/{siteKey}/privacy-drops`: newest day first. */
export const privacyDropListResponseSchema = z.object({ drops: z.array(privacyDropSchema) });

/** `GET /sites/{siteKey}/notice`: the disclosure notice generated from the live policy. */
export const disclosureNoticeResponseSchema = z
  .object({
    siteKey: z.string(),
    policyVersion: z.number().int(),
    language: z.enum(['en', 'de']),
    format: z.enum(['html', 'markdown']),
    text: z.string(),
  })
  .meta({ id: 'DisclosureNotice' });
export type DisclosureNoticeResponse = z.output<typeof disclosureNoticeResponseSchema>;
