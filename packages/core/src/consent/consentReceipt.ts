import { z } from 'zod';
import { lawfulBasisSchema } from '../policy/privacyPolicy.js';
import { BANNER_TEXT_FIELDS } from './bannerTexts.js';
import { BANNER_TEXT_HASH_PATTERN, CONSENT_RECEIPT_ID_PATTERN, CONSENT_SOURCES } from './consentSources.js';

const idPattern = /^[A-Za-z0-9_-]{8,64}$/;

export const consentSourceSchema = z.enum(CONSENT_SOURCES);

/** `granted` and `denied` are a visitor's decisions; `withdrawn` takes an earlier grant back. */
export const consentDecisionSchema = z.enum(['granted', 'denied', 'withdrawn']);
export type ConsentDecision = z.infer<typeof consentDecisionSchema>;

/** A consent category (`analytics`); lower-case words. */
export const consentCategorySchema = z.string().regex(/^[a-z][a-z0-9_]{0,31}$/);

export const consentReceiptIdSchema = z
  .string()
  .regex(CONSENT_RECEIPT_ID_PATTERN, 'receiptId must be 8-128 characters of [A-Za-z0-9_.:-]');

/**
 * `POST /r/v1/sites/{siteKey}/consent`: the browser registers one decision. Sent only after
 * consent (the grant itself, or the withdrawal of an earlier grant), except the built-in banner's
 * refusal, which carries no identifier at all.
 */
export const consentRegistrationSchema = z
  .object({
    v: z.literal(1),
    decision: consentDecisionSchema,
    /** The receipt the batches will carry (grant) or the one taken back (withdrawal). */
    receiptId: consentReceiptIdSchema.optional(),
    /** Pseudonymous visitor id from first-party storage. */
    visitorId: z.string().regex(idPattern).optional(),
    granted: z.array(consentCategorySchema).max(16),
    denied: z.array(consentCategorySchema).max(16),
    source: consentSourceSchema,
    /** SHA-256 (hex) of the banner text shown; the built-in banner sends it. */
    bannerTextHash: z.string().regex(BANNER_TEXT_HASH_PATTERN).optional(),
    /** The language the banner was shown in. */
    language: z
      .string()
      .regex(/^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$/)
      .max(35)
      .optional(),
    /** Client clock at the decision (ms); the receipt's time is the server's. */
    decidedAt: z.number().finite().nonnegative().optional(),
    /**
     * With a withdrawal: the visitor opted out (`veil('optout')`, the opt-out control); the
     * server keeps the visitor id in its opt-out registry and drops its data at ingest.
     */
    optOut: z.boolean().optional(),
  })
  .superRefine((r, ctx) => {
    if (r.decision === 'granted' && (!r.receiptId || !r.granted.includes('analytics'))) {
      ctx.addIssue({
        code: 'custom',
        path: ['receiptId'],
        message: 'a grant needs a receiptId and "analytics"',
      });
    }
    if (r.decision === 'withdrawn' && !r.receiptId && !r.visitorId) {
      ctx.addIssue({
        code: 'custom',
        path: ['receiptId'],
        message: 'a withdrawal names a receiptId or visitorId',
      });
    }
    if (r.optOut && r.decision !== 'withdrawn') {
      ctx.addIssue({ code: 'custom', path: ['optOut'], message: 'an opt-out is a withdrawal' });
    }
    if (r.decision === 'denied' && (r.receiptId || r.visitorId)) {
      ctx.addIssue({ code: 'custom', path: ['visitorId'], message: 'a refusal carries no identifier' });
    }
  });
export type ConsentRegistration = z.infer<typeof consentRegistrationSchema>;

/** The answer to a registration (`201`, or `200` when the same decision was registered before). */
export interface ConsentRegistrationAck {
  /** The receipt id (for a refusal: the server's own id of that receipt). */
  receiptId: string;
  decision: ConsentDecision;
  recordedAt: number;
}

/** One stored consent receipt: evidence of one decision (API, dashboard, subject export). */
export const consentReceiptSchema = z.object({
  /** The receipt's own id (for a grant: the id batches carry). */
  id: z.string(),
  siteKey: z.string(),
  /** Pseudonymous visitor id; null for an anonymous refusal. */
  visitorId: z.string().nullable(),
  decision: consentDecisionSchema,
  granted: z.array(consentCategorySchema),
  denied: z.array(consentCategorySchema),
  source: consentSourceSchema,
  /** The site's policy version in force when the decision was registered. */
  policyVersion: z.number().int().nullable(),
  lawfulBasis: lawfulBasisSchema,
  bannerTextHash: z.string().nullable(),
  language: z.string().nullable(),
  /** ISO 3166-1 alpha-2 country, when the instance resolves regions; never the IP. */
  region: z.string().nullable(),
  /** For a withdrawal: the grant it takes back. */
  withdraws: z.string().nullable(),
  /** Server time of registration (ms). */
  recordedAt: z.number(),
});
export type ConsentReceipt = z.infer<typeof consentReceiptSchema>;

/** A site's banner texts for one language as the dashboard stores them (fields optional). */
export const bannerTextsOverrideSchema = z
  .object(
    Object.fromEntries(
      BANNER_TEXT_FIELDS.map((field) => [
        field,
        field === 'privacyUrl'
          ? z.union([z.literal(''), z.url({ protocol: /^https?$/ }).max(2000)]).optional()
          : z
              .string()
              .min(1)
              .max(field === 'body' ? 2000 : 200)
              .optional(),
      ]),
    ),
  )
  .strict();

/** Every language's overrides: `{"de": {"accept": "Einverstanden"}}`. */
export const siteBannerTextsSchema = z.record(z.string().regex(/^[a-z]{2}$/), bannerTextsOverrideSchema);
