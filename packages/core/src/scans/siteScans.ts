import { z } from 'zod';

/**
 * Scheduled pre-consent scans of a site's origins (docs/scanner.md, "Scheduled scans"): the
 * schedule a compliance lead sets, and what each run kept. A run keeps a summary of its findings
 * (vendors, phases, page paths, request hosts and cookie, storage and global names), never page
 * content, cookie or storage values, or query strings.
 */

/** The browser profiles a scan runs (the scanner's phases). */
export const SITE_SCAN_PHASES = ['before_consent', 'after_reject', 'after_accept'] as const;
export type SiteScanPhase = (typeof SITE_SCAN_PHASES)[number];

/** Shortest and longest time between two scheduled scans of a site, in hours. */
export const MIN_SCAN_INTERVAL_HOURS = 1;
export const MAX_SCAN_INTERVAL_HOURS = 24 * 30;
/** Most start paths per site and most pages crawled from each. */
export const MAX_SCAN_PATHS = 10;
export const MAX_SCHEDULED_CRAWL = 50;
/** Most page paths and evidence items a stored finding lists (the rest are counted). */
export const MAX_SCAN_FINDING_PAGES = 20;
export const MAX_SCAN_FINDING_EVIDENCE = 10;

const selectorSchema = z.string().trim().min(1).max(300);

/** A start path on the site's origins: absolute path, no query or fragment (they are never kept). */
export const scanPathSchema = z
  .string()
  .max(300)
  .regex(/^\/[^?#\s]*$/, 'a path starting with "/", without query, fragment or spaces');

/** What a compliance lead sets for a site (PUT body; missing fields take the defaults). */
export const scanScheduleInputSchema = z.object({
  /** Opt-in: nothing is scanned until a site's schedule is enabled. @default false */
  enabled: z.boolean().default(false),
  /** @default 24 */
  intervalHours: z.number().int().min(MIN_SCAN_INTERVAL_HOURS).max(MAX_SCAN_INTERVAL_HOURS).default(24),
  /** Start pages on each of the site's origins. @default ['/'] */
  paths: z.array(scanPathSchema).min(1).max(MAX_SCAN_PATHS).default(['/']),
  /** Pages per start URL (same-origin links, breadth-first). @default 1 */
  crawl: z.number().int().min(1).max(MAX_SCHEDULED_CRAWL).default(1),
  /** The consent platform's accept button: adds the after-accept phase. */
  acceptSelector: selectorSchema.nullable().default(null),
  /** The reject button: adds the after-reject phase. */
  rejectSelector: selectorSchema.nullable().default(null),
});
export type ScanScheduleInput = z.infer<typeof scanScheduleInputSchema>;

export const scanScheduleSchema = z
  .object({
    siteKey: z.string(),
    enabled: z.boolean(),
    intervalHours: z.number().int(),
    paths: z.array(z.string()),
    crawl: z.number().int(),
    acceptSelector: z.string().nullable(),
    rejectSelector: z.string().nullable(),
    /** `null` while the site was never configured (the defaults are shown). */
    updatedAt: z.number().int().nullable(),
    updatedBy: z.string().nullable(),
    /** When the next scheduled run is due (server time, ms); `null` when disabled. */
    nextRunAt: z.number().int().nullable(),
  })
  .meta({ id: 'ScanSchedule' });
export type ScanSchedule = z.infer<typeof scanScheduleSchema>;

export const SCAN_EVIDENCE_KINDS = [
  'request',
  'cookie',
  'localStorage',
  'sessionStorage',
  'indexedDb',
  'global',
] as const;

/** One piece of evidence: a request's host and path (no query), or a cookie, key or global name. */
export const scanEvidenceSummarySchema = z.object({
  kind: z.enum(SCAN_EVIDENCE_KINDS),
  value: z.string().max(500),
  /** For requests: it failed (an attempted request still counts as firing). */
  failed: z.boolean().optional(),
});
export type ScanEvidenceSummary = z.infer<typeof scanEvidenceSummarySchema>;

export const scanFindingSummarySchema = z.object({
  severity: z.enum(['high', 'medium']),
  vendorId: z.string(),
  vendorName: z.string(),
  category: z.string(),
  phase: z.enum(SITE_SCAN_PHASES),
  title: z.string(),
  /** Paths of the pages where it fired (origin and path, no query). */
  pages: z.array(z.string()).max(MAX_SCAN_FINDING_PAGES),
  pageCount: z.number().int().nonnegative(),
  evidence: z.array(scanEvidenceSummarySchema).max(MAX_SCAN_FINDING_EVIDENCE),
  evidenceCount: z.number().int().nonnegative(),
  /** Rule ids (ePrivacy Art. 5(3), GDPR Art. 6(1)(a)). */
  rules: z.array(z.string()),
  fix: z.string(),
});
export type ScanFindingSummary = z.infer<typeof scanFindingSummarySchema>;

export const SCAN_RUN_TRIGGERS = ['schedule', 'manual'] as const;
export type ScanRunTrigger = (typeof SCAN_RUN_TRIGGERS)[number];
export const SCAN_RUN_STATUSES = ['queued', 'running', 'completed', 'failed'] as const;
export type ScanRunStatus = (typeof SCAN_RUN_STATUSES)[number];

export const scanRunSummarySchema = z.object({
  pagesScanned: z.number().int(),
  pagesFailed: z.number().int(),
  high: z.number().int(),
  medium: z.number().int(),
  scannerVersion: z.string(),
  signaturesVersion: z.string(),
  /** Consent buttons that could not be clicked (the phase then shows a visitor who did nothing). */
  phaseErrors: z.array(z.object({ phase: z.enum(SITE_SCAN_PHASES), error: z.string() })),
});
export type ScanRunSummary = z.infer<typeof scanRunSummarySchema>;

export const scanRunSchema = z
  .object({
    id: z.string(),
    siteKey: z.string(),
    trigger: z.enum(SCAN_RUN_TRIGGERS),
    status: z.enum(SCAN_RUN_STATUSES),
    /** Who asked for a manual run (an e-mail or a token's name); `null` for scheduled runs. */
    requestedBy: z.string().nullable(),
    queuedAt: z.number().int(),
    startedAt: z.number().int().nullable(),
    finishedAt: z.number().int().nullable(),
    /** The start URLs scanned. */
    urls: z.array(z.string()),
    summary: scanRunSummarySchema.nullable(),
    findings: z.array(scanFindingSummarySchema),
    /** Why a failed run failed. */
    error: z.string().nullable(),
  })
  .meta({ id: 'ScanRun' });
export type ScanRun = z.infer<typeof scanRunSchema>;

export const scanRunListSchema = z.object({ runs: z.array(scanRunSchema) });
export const scanScheduleResponseSchema = z.object({ schedule: scanScheduleSchema });
export const scanRunResponseSchema = z.object({ run: scanRunSchema });
