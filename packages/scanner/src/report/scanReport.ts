import { z } from 'zod';
import { TRACKER_CATEGORIES } from '../signatures/signatureSchema.js';

/** The three fresh browser profiles of a scan. */
export const SCAN_PHASES = ['before_consent', 'after_reject', 'after_accept'] as const;
export type ScanPhase = (typeof SCAN_PHASES)[number];

export const SEVERITIES = ['high', 'medium'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const EVIDENCE_KINDS = [
  'request',
  'cookie',
  'localStorage',
  'sessionStorage',
  'indexedDb',
  'global',
] as const;
export type EvidenceKind = (typeof EVIDENCE_KINDS)[number];

export const observedRequestSchema = z.object({
  url: z.string(),
  method: z.string(),
  resourceType: z.string(),
  /** The request did not complete (blocked, no network, refused): an attempt still counts. */
  failed: z.boolean(),
  failure: z.string().optional(),
});
export type ObservedRequest = z.infer<typeof observedRequestSchema>;

export const observedCookieSchema = z.object({ name: z.string(), domain: z.string(), path: z.string() });
export type ObservedCookie = z.infer<typeof observedCookieSchema>;

/** What one page held in one phase. Names only: cookie and storage values are never kept. */
export const pageObservationSchema = z.object({
  url: z.string(),
  phase: z.enum(SCAN_PHASES),
  /** `ok`, or why the page could not be scanned. */
  status: z.enum(['ok', 'error']),
  error: z.string().optional(),
  title: z.string().optional(),
  requests: z.array(observedRequestSchema),
  cookies: z.array(observedCookieSchema),
  localStorage: z.array(z.string()),
  sessionStorage: z.array(z.string()),
  indexedDb: z.array(z.string()),
  /** `src` of every `<script>` in the document at the end of the visit. */
  scripts: z.array(z.string()),
  /** Known tracker globals (from the signature file) present on `window`. */
  globals: z.array(z.string()),
});
export type PageObservation = z.infer<typeof pageObservationSchema>;

export const evidenceSchema = z.object({
  kind: z.enum(EVIDENCE_KINDS),
  /** The request URL, the cookie or storage key name, the database name or the global's name. */
  value: z.string(),
  pageUrl: z.string(),
  /** For requests: it failed (an attempted request counts as firing). */
  failed: z.boolean().optional(),
});
export type Evidence = z.infer<typeof evidenceSchema>;

/** A vendor seen on a page in a phase, lawful or not. */
export const detectionSchema = z.object({
  vendorId: z.string(),
  vendorName: z.string(),
  category: z.enum(TRACKER_CATEGORIES),
  phase: z.enum(SCAN_PHASES),
  pageUrl: z.string(),
  evidence: z.array(evidenceSchema),
});
export type Detection = z.infer<typeof detectionSchema>;

export const ruleSchema = z.object({ id: z.string(), title: z.string(), text: z.string() });
export type Rule = z.infer<typeof ruleSchema>;

/** A tracker active without a lawful basis: one per vendor and phase, evidence from every page. */
export const findingSchema = z.object({
  id: z.string(),
  severity: z.enum(SEVERITIES),
  vendorId: z.string(),
  vendorName: z.string(),
  category: z.enum(TRACKER_CATEGORIES),
  phase: z.enum(SCAN_PHASES),
  title: z.string(),
  pages: z.array(z.string()),
  evidence: z.array(evidenceSchema),
  /** Evidence items beyond those listed (the list is capped). */
  moreEvidence: z.number().int().nonnegative(),
  rules: z.array(ruleSchema),
  fix: z.string(),
});
export type Finding = z.infer<typeof findingSchema>;

/** How a consent button was (or was not) clicked in a phase. */
export const phaseRunSchema = z.object({
  phase: z.enum(SCAN_PHASES),
  selector: z.string().optional(),
  /** On which page the button was clicked. */
  clickedOn: z.string().optional(),
  /** Set when the selector matched nothing clickable: the phase then shows a visitor who did nothing. */
  error: z.string().optional(),
});
export type PhaseRun = z.infer<typeof phaseRunSchema>;

export const scanReportSchema = z.object({
  format: z.literal('veil.scan.report'),
  v: z.literal(1),
  scanner: z.object({ name: z.literal('veil scan'), version: z.string() }),
  signatures: z.object({ version: z.string(), updated: z.string(), vendors: z.number().int() }),
  startedAt: z.string(),
  finishedAt: z.string(),
  options: z.object({
    urls: z.array(z.string()),
    crawl: z.number().int().positive(),
    acceptSelector: z.string().optional(),
    rejectSelector: z.string().optional(),
    offline: z.boolean(),
  }),
  phases: z.array(phaseRunSchema),
  pages: z.array(pageObservationSchema),
  detections: z.array(detectionSchema),
  findings: z.array(findingSchema),
  /** Things that went wrong around the pages (a blocked request that could not be answered…). */
  notes: z.array(z.string()),
  summary: z.object({
    pagesScanned: z.number().int(),
    pagesFailed: z.number().int(),
    high: z.number().int(),
    medium: z.number().int(),
  }),
});
export type ScanReport = z.infer<typeof scanReportSchema>;
