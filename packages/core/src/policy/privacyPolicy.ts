import { z } from 'zod';

/** Minimum and maximum retention a policy may set, in days. */
export const MIN_RETENTION_DAYS = 1;
export const MAX_RETENTION_DAYS = 90;

export const lawfulBasisSchema = z.enum(['consent', 'legitimate_interest']);
export type LawfulBasis = z.infer<typeof lawfulBasisSchema>;

export const presetNameSchema = z.enum(['strict', 'gdpr-consent', 'ferpa', 'hipaa', 'pci-dss', 'tisax']);
export type PresetName = z.infer<typeof presetNameSchema>;

/** A site's own PII pattern, e.g. a student id or a supplier code. Matched text is masked. */
export const customPatternSchema = z.object({
  /** Shown in alerts and masking-failure events instead of the value. */
  label: z.string().min(1).max(64),
  /** A JavaScript regular expression source, matched case-sensitively unless `flags` says `i`. */
  pattern: z.string().min(1).max(500),
  flags: z.string().regex(/^i?$/, 'only the "i" flag is allowed').optional(),
});
export type CustomPattern = z.infer<typeof customPatternSchema>;

export const legitimateInterestAssessmentSchema = z.object({
  purpose: z.string().min(1),
  necessity: z.string().min(1),
  balancing: z.string().min(1),
  safeguards: z.string().min(1),
});

/**
 * One site's privacy policy: what may be captured, for how long, on which basis.
 * Every field has its private-by-default value in `DEFAULT_PRIVACY_POLICY`.
 */
export const privacyPolicySchema = z.object({
  /** The preset this policy started from; the dashboard shows the difference to it. @default 'strict' */
  preset: presetNameSchema,
  /** @default 'consent' */
  lawfulBasis: lawfulBasisSchema,
  /** Required when `lawfulBasis` is `legitimate_interest`. @default undefined */
  legitimateInterestAssessment: legitimateInterestAssessmentSchema.optional(),
  /** Honour Global Privacy Control and Do Not Track. @default true */
  honourGlobalPrivacyControl: z.boolean(),
  /** Share of visitors recorded, in percent. @default 20 */
  samplingPercent: z.number().min(0).max(100),
  /** URL path patterns (`/checkout/*`, `/orders/:id`) that may be recorded; empty means all. @default [] */
  pageAllowList: z.array(z.string().min(1).max(300)).max(500),
  /** URL path patterns never recorded; wins over the allow list. @default [] */
  pageDenyList: z.array(z.string().min(1).max(300)).max(500),
  /** Extra CSS selectors whose elements are not captured at all. @default [] */
  blockSelectors: z.array(z.string().min(1).max(300)).max(200),
  /** Extra CSS selectors whose text is masked. @default [] */
  maskTextSelectors: z.array(z.string().min(1).max(300)).max(200),
  /** CSS selectors of inputs whose values may be captured (still PII-scanned; never passwords). @default [] */
  unmaskSelectors: z.array(z.string().min(1).max(300)).max(200),
  /** Mask every text node, not only detected PII. @default false (true under ferpa and hipaa) */
  maskAllText: z.boolean(),
  /** Site-specific PII patterns. @default [] */
  customPatterns: z.array(customPatternSchema).max(100),
  /** Query parameters kept in recorded URLs; everything else, and the fragment, is dropped. @default [] */
  allowedUrlParams: z.array(z.string().min(1).max(100)).max(100),
  /** Client IPs whose batches are dropped: exact, wildcard (`203.0.113.*`) or CIDR. @default [] */
  ipBlockList: z.array(z.string().min(1).max(100)).max(1000),
  /** ISO 3166-1 alpha-2 countries whose visitors are not recorded. @default [] */
  restrictedRegions: z.array(z.string().regex(/^[A-Z]{2}$/)).max(250),
  /** Sessions shorter than this are discarded when finalised, in milliseconds. @default 3000 */
  minSessionMs: z.number().int().min(0).max(600_000),
  /** Capture XHR/fetch payloads. @default false */
  captureNetworkPayloads: z.boolean(),
  /** Days a recording is kept before it is purged. @default 30 */
  retentionDays: z.number().int().min(MIN_RETENTION_DAYS).max(MAX_RETENTION_DAYS),
});
export type PrivacyPolicy = z.infer<typeof privacyPolicySchema>;

/** Every privacy default in one place (DESIGN.md, "Privacy controls"). */
export const DEFAULT_PRIVACY_POLICY: Readonly<PrivacyPolicy> = Object.freeze({
  preset: 'strict',
  lawfulBasis: 'consent',
  honourGlobalPrivacyControl: true,
  samplingPercent: 20,
  pageAllowList: [],
  pageDenyList: [],
  blockSelectors: [],
  maskTextSelectors: [],
  unmaskSelectors: [],
  maskAllText: false,
  customPatterns: [],
  allowedUrlParams: [],
  ipBlockList: [],
  restrictedRegions: [],
  minSessionMs: 3_000,
  captureNetworkPayloads: false,
  retentionDays: 30,
});

/** Parses an untrusted policy object, filling missing fields from the defaults. */
export function parsePrivacyPolicy(input: unknown): PrivacyPolicy {
  const base = typeof input === 'object' && input !== null ? input : {};
  const policy = privacyPolicySchema.parse({ ...DEFAULT_PRIVACY_POLICY, ...base });
  if (policy.lawfulBasis === 'legitimate_interest' && !policy.legitimateInterestAssessment) {
    throw new z.ZodError([
      {
        code: 'custom',
        path: ['legitimateInterestAssessment'],
        message:
          'legitimate_interest needs a documented assessment (purpose, necessity, balancing, safeguards)',
        input: undefined,
      },
    ]);
  }
  return policy;
}
