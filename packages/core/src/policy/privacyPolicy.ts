import { z } from 'zod';
import { alertPolicySchema, DEFAULT_ALERT_POLICY } from '../alerts/alertKinds.js';
import { checkCustomPattern } from '../detectors/patternSafety.js';
import {
  DEFAULT_HEATMAP_MIN_SESSIONS,
  MAX_HEATMAP_MIN_SESSIONS,
  MIN_HEATMAP_MIN_SESSIONS,
} from '../heatmap/heatmapConstants.js';
import { ERROR_KINDS } from '../signals/activityEvents.js';
import {
  MAX_ERROR_AFTER_SECONDS,
  MAX_ERROR_WINDOW_SECONDS,
  MIN_ERROR_WINDOW_SECONDS,
} from './recordOnErrorLimits.js';

/** Minimum and maximum retention a policy may set, in days. */
export const MIN_RETENTION_DAYS = 1;
export const MAX_RETENTION_DAYS = 90;

export const lawfulBasisSchema = z.enum(['consent', 'legitimate_interest']);
export type LawfulBasis = z.infer<typeof lawfulBasisSchema>;

export const presetNameSchema = z.enum(['strict', 'gdpr-consent', 'ferpa', 'hipaa', 'pci-dss', 'tisax']);
export type PresetName = z.infer<typeof presetNameSchema>;

/** Labels name a kind of data in alerts and reports: letters, digits, `_`, `-`, `.`. */
const labelSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'letters, digits, "_", "-" and "." only');

/**
 * A site's own PII pattern, e.g. a student id or a supplier code. Matched text is masked. The
 * pattern must pass the linear-time check (`checkCustomPattern`): it runs in visitors' browsers.
 */
export const customPatternSchema = z
  .object({
    /** Shown in alerts and masking-failure events instead of the value. */
    label: labelSchema,
    /** A JavaScript regular expression source, matched case-sensitively unless `flags` says `i`. */
    pattern: z.string().min(1).max(500),
    flags: z.string().regex(/^i?$/, 'only the "i" flag is allowed').optional(),
  })
  .superRefine((p, ctx) => {
    const check = checkCustomPattern(p.pattern, p.flags ?? '');
    if (!check.ok) ctx.addIssue({ code: 'custom', path: ['pattern'], message: check.problem });
  });
export type CustomPattern = z.infer<typeof customPatternSchema>;

/** Shortest canary value: shorter ones would turn up by chance in ordinary text. */
export const MIN_CANARY_CHARS = 8;

/**
 * A privacy canary: a sentinel element the site places on its pages, holding synthetic PII its
 * policy must mask. The server checks every batch for the value and raises a critical alert the
 * moment one arrives unmasked. The value is synthetic by definition; it is never sent to browsers.
 */
export const canarySchema = z.object({
  label: labelSchema,
  value: z
    .string()
    .min(MIN_CANARY_CHARS)
    .max(200)
    .refine((v) => v.trim() === v, 'no leading or trailing spaces'),
});
export type Canary = z.infer<typeof canarySchema>;

/**
 * Record-on-error (docs/record-on-error.md): the recorder keeps only the last `windowSeconds` in
 * a memory ring buffer in the browser (after consent, masked in the browser as always) and sends
 * them only when one of `triggers` happens, then records on for `afterSeconds`. Nothing is sent
 * from a page view without such an error; the server refuses batches of a session in this mode
 * until it carries an error.
 */
export const recordOnErrorSchema = z.object({
  /** @default false */
  enabled: z.boolean().default(false),
  /** Seconds kept before the error. @default 30 */
  windowSeconds: z.number().int().min(MIN_ERROR_WINDOW_SECONDS).max(MAX_ERROR_WINDOW_SECONDS).default(30),
  /** Seconds recorded on after the error (each new error extends it). @default 10 */
  afterSeconds: z.number().int().min(0).max(MAX_ERROR_AFTER_SECONDS).default(10),
  /**
   * Which errors send the window: `error` (uncaught exception), `rejection` (unhandled promise
   * rejection), `console` (`console.error`). @default ['error', 'rejection']
   */
  triggers: z
    .array(z.enum(ERROR_KINDS))
    .min(1)
    .max(ERROR_KINDS.length)
    .refine((t) => new Set(t).size === t.length, 'each trigger once')
    .default(['error', 'rejection']),
});
export type RecordOnError = z.infer<typeof recordOnErrorSchema>;

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
  /**
   * When a visitor withdraws consent, erase what was recorded of them (sessions, chunks, data
   * keys), as if they had asked for erasure. @default true
   */
  eraseOnWithdrawal: z.boolean(),
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
  /**
   * Same-origin iframes whose content may be recorded, as CSS selectors of the `<iframe>`
   * element (`iframe#help-widget`, `iframe[src^="/embed/"]`). Every other iframe is a placeholder
   * box of the same size; an allowed one's content gets the full treatment (masking, blocking,
   * PII redaction). Cross-origin iframes are never recorded. @default []
   */
  allowIframes: z.array(z.string().min(1).max(300)).max(50),
  /**
   * Mask every text, not only detected PII: text nodes, text-bearing attributes (title, alt,
   * aria-*, placeholder, data-*, values…) and CSS `content:` strings. @default false (true under
   * ferpa and hipaa)
   */
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
  /**
   * Capture JavaScript errors (uncaught exceptions, unhandled rejections, `console.error`): message
   * and stack, redacted like page text and capped. Dropped by the server too when off.
   * @default true (false under ferpa and hipaa)
   */
  captureErrors: z.boolean(),
  /**
   * Capture network request metadata (method, URL path without query, status, duration, size;
   * never headers or bodies). Dropped by the server too when off. @default true
   */
  captureNetworkMetadata: z.boolean(),
  /**
   * Record-on-error mode: only the last seconds before an error leave the browser, and only when
   * an error happens. Needs `captureErrors` (the error must be in what is sent). @default off
   */
  recordOnError: recordOnErrorSchema,
  /** Days a recording is kept before it is purged. @default 30 */
  retentionDays: z.number().int().min(MIN_RETENTION_DAYS).max(MAX_RETENTION_DAYS),
  /**
   * Capture every page heatmap-only: interaction coordinates, element paths and one text-free
   * layout snapshot, and no replayable session. @default false
   */
  heatmapOnly: z.boolean(),
  /** URL path patterns captured heatmap-only even when `heatmapOnly` is off. @default [] */
  heatmapOnlyPages: z.array(z.string().min(1).max(300)).max(500),
  /**
   * k-anonymity of heatmaps: an element or cell is shown only when at least this many distinct
   * sessions contributed. @default 5
   */
  heatmapMinSessions: z.number().int().min(MIN_HEATMAP_MIN_SESSIONS).max(MAX_HEATMAP_MIN_SESSIONS),
  /**
   * The site's own heatmap page patterns (`/blog/:slug`, `/docs/**`), tried before id-like path
   * segments become `:id`. @default []
   */
  heatmapPagePatterns: z.array(z.string().min(1).max(300)).max(500),
  /** Privacy canaries the server checks every batch for (never sent to browsers). @default [] */
  canaries: z.array(canarySchema).max(50),
  /**
   * Where alerts go and how loud they may get (docs/alerts.md); server-only, never sent to
   * browsers. @default DEFAULT_ALERT_POLICY (inbox only, 10 per sink and hour)
   */
  alerts: alertPolicySchema,
});
export type PrivacyPolicy = z.infer<typeof privacyPolicySchema>;

/** Every privacy default in one place (DESIGN.md, "Privacy controls"). */
export const DEFAULT_PRIVACY_POLICY: Readonly<PrivacyPolicy> = Object.freeze({
  preset: 'strict',
  lawfulBasis: 'consent',
  honourGlobalPrivacyControl: true,
  eraseOnWithdrawal: true,
  samplingPercent: 20,
  pageAllowList: [],
  pageDenyList: [],
  blockSelectors: [],
  maskTextSelectors: [],
  unmaskSelectors: [],
  allowIframes: [],
  maskAllText: false,
  customPatterns: [],
  allowedUrlParams: [],
  ipBlockList: [],
  restrictedRegions: [],
  minSessionMs: 3_000,
  captureNetworkPayloads: false,
  captureErrors: true,
  captureNetworkMetadata: true,
  recordOnError: Object.freeze({
    enabled: false,
    windowSeconds: 30,
    afterSeconds: 10,
    triggers: Object.freeze(['error', 'rejection']) as RecordOnError['triggers'],
  }),
  retentionDays: 30,
  heatmapOnly: false,
  heatmapOnlyPages: [],
  heatmapMinSessions: DEFAULT_HEATMAP_MIN_SESSIONS,
  heatmapPagePatterns: [],
  canaries: [],
  alerts: DEFAULT_ALERT_POLICY,
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
  if (policy.recordOnError.enabled && !policy.captureErrors) {
    throw new z.ZodError([
      {
        code: 'custom',
        path: ['recordOnError', 'enabled'],
        message: 'record-on-error needs captureErrors: the error must be part of what is sent',
        input: undefined,
      },
    ]);
  }
  return policy;
}
