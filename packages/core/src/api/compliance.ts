import { z } from 'zod';
import { attestationSchema, processorSchema } from '../compliance/complianceReport.js';
import { consentReceiptSchema } from '../consent/consentReceipt.js';
import { erasureReceiptSchema, subjectRequestSchema } from '../subjects/subjectRequests.js';

/**
 * The answers of the compliance, consent and data-subject endpoints the dashboard reads, in one
 * place: the server declares its routes with them (and the OpenAPI document), the dashboard decodes
 * with them. `complianceReportSchema` is `GET /sites/{siteKey}/compliance`.
 */

/** `GET /sites/{siteKey}/compliance/trend`: monthly readiness scores. */
export const readinessTrendResponseSchema = z.object({
  summaries: z.array(
    z.object({
      month: z.string(),
      score: z.number().int(),
      max: z.number().int(),
      createdAt: z.number().int(),
    }),
  ),
});
export type ReadinessTrendResponse = z.output<typeof readinessTrendResponseSchema>;

/** `GET /sites/{siteKey}/processors`. */
export const processorListResponseSchema = z.object({ processors: z.array(processorSchema) });
/** `POST /sites/{siteKey}/processors`, `PUT …/processors/{id}`. */
export const processorEnvelopeSchema = z.object({ processor: processorSchema });
/** `GET /sites/{siteKey}/attestations`. */
export const attestationListResponseSchema = z.object({ attestations: z.array(attestationSchema) });
/** `POST /sites/{siteKey}/attestations`. */
export const attestationEnvelopeSchema = z.object({ attestation: attestationSchema });

export const CONSENT_STATS_BUCKETS = ['hour', 'day', 'week'] as const;

/** One bucket of consent decisions by source and region. */
export const consentStatsRowSchema = z.object({
  start: z.number(),
  source: z.string(),
  region: z.string().nullable(),
  granted: z.number(),
  denied: z.number(),
  withdrawn: z.number(),
});
export type ConsentStatsRowResponse = z.output<typeof consentStatsRowSchema>;

/** `GET /sites/{siteKey}/consent/stats`. */
export const consentStatsResponseSchema = z
  .object({
    from: z.number(),
    to: z.number(),
    bucket: z.enum(CONSENT_STATS_BUCKETS),
    bucketMs: z.number(),
    rows: z.array(consentStatsRowSchema),
    totals: z.object({ granted: z.number(), denied: z.number(), withdrawn: z.number() }),
  })
  .meta({ id: 'ConsentStats' });
export type ConsentStatsResponse = z.output<typeof consentStatsResponseSchema>;

/** `GET /sites/{siteKey}/consent/receipts`. */
export const consentReceiptListResponseSchema = z.object({ receipts: z.array(consentReceiptSchema) });

/** One language's banner texts of a site (`PUT /sites/{siteKey}/banner-texts/{language}`). */
export const bannerTextsEntrySchema = z.object({
  language: z.string(),
  texts: z.record(z.string(), z.string()),
  updatedAt: z.number(),
  updatedBy: z.string(),
});
export type BannerTextsEntryResponse = z.output<typeof bannerTextsEntrySchema>;

/** `GET /sites/{siteKey}/banner-texts`: the site's texts per language, and Veil's own. */
export const bannerTextsResponseSchema = z.object({
  languages: z.array(bannerTextsEntrySchema),
  defaults: z.record(z.string(), z.record(z.string(), z.string())),
});

/** `POST /sites/{siteKey}/erasures`, `GET …/erasures/{id}`. */
export const erasureReceiptEnvelopeSchema = z.object({ receipt: erasureReceiptSchema });
/** `GET /sites/{siteKey}/erasures`. */
export const erasureReceiptListResponseSchema = z.object({ receipts: z.array(erasureReceiptSchema) });

/** A data-subject request with where it stands against its deadline. */
export const subjectRequestWithStatusSchema = subjectRequestSchema.extend({
  status: z.enum(['completed', 'completed_late', 'open', 'overdue']),
});
export type SubjectRequestWithStatus = z.output<typeof subjectRequestWithStatusSchema>;
/** `GET /subject-requests`. */
export const subjectRequestListResponseSchema = z.object({
  requests: z.array(subjectRequestWithStatusSchema),
});
/** `POST /sites/{siteKey}/subject-requests`. */
export const subjectRequestEnvelopeSchema = z.object({ request: subjectRequestWithStatusSchema });
