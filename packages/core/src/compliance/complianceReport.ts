import { z } from 'zod';
import { alertKindSchema } from '../alerts/alertKinds.js';
import { incidentSchema } from '../incidents/incidents.js';
import { inventoryItemSchema, inventoryStorageSchema } from '../inventory/inventorySchemas.js';
import { lawfulBasisSchema, legitimateInterestAssessmentSchema } from '../policy/privacyPolicy.js';
import { attestationKindSchema, readinessAreaSchema } from './readinessAreas.js';

/** A link from a figure to the evidence behind it: a dashboard page or an API path of this Veil. */
export const evidenceLinkSchema = z.object({ label: z.string(), href: z.string() });
export type EvidenceLink = z.infer<typeof evidenceLinkSchema>;

const ms = z.number().int();
/** A share between 0 and 1, or `null` when nothing was counted. */
const rate = z.number().min(0).max(1).nullable();

export const processorSchema = z.object({
  id: z.string(),
  name: z.string(),
  /** `processor` (hosts or runs Veil for the controller) or `subprocessor`. */
  role: z.enum(['processor', 'subprocessor']),
  purpose: z.string(),
  /** Where the data is processed (country or region). */
  location: z.string(),
  dpaSignedAt: ms.nullable(),
  dpaReference: z.string().nullable(),
  updatedAt: ms,
  updatedBy: z.string(),
});
export type Processor = z.infer<typeof processorSchema>;

/** What a caller gives to add or replace a processor of the register. */
export const processorInputSchema = z.object({
  name: z.string().trim().min(1).max(200),
  role: z.enum(['processor', 'subprocessor']).default('processor'),
  purpose: z.string().trim().min(1).max(500),
  location: z.string().trim().min(1).max(100),
  dpaSignedAt: ms.min(0).nullable().default(null),
  dpaReference: z.string().trim().min(1).max(300).nullable().default(null),
});
export type ProcessorInput = z.infer<typeof processorInputSchema>;

export const attestationSchema = z.object({
  id: z.string(),
  kind: attestationKindSchema,
  statement: z.string(),
  reference: z.string().nullable(),
  attestedBy: z.string(),
  attestedAt: ms,
  expiresAt: ms,
  /** Still counting at the report's time. */
  valid: z.boolean(),
});
export type Attestation = z.infer<typeof attestationSchema>;

export const readinessAreaResultSchema = z.object({
  area: readinessAreaSchema,
  title: z.string(),
  score: z.number().int().min(0).max(2),
  /** Where the score comes from: Veil's own data, a valid attestation, or nothing. */
  basis: z.enum(['evidence', 'attestation', 'none']),
  /** Why this score, in a sentence. */
  reason: z.string(),
  evidence: z.array(evidenceLinkSchema),
  attestationId: z.string().nullable(),
});
export type ReadinessAreaResult = z.infer<typeof readinessAreaResultSchema>;

export const readinessSchema = z.object({
  score: z.number().int().min(0),
  max: z.number().int(),
  areas: z.array(readinessAreaResultSchema),
});
export type Readiness = z.infer<typeof readinessSchema>;

export const checklistItemSchema = z.object({
  id: z.string(),
  title: z.string(),
  status: z.enum(['met', 'partial', 'open']),
  note: z.string(),
  evidence: z.array(evidenceLinkSchema),
});
export type ChecklistItem = z.infer<typeof checklistItemSchema>;

export const purgeReceiptViewSchema = z.object({
  id: z.string(),
  completedAt: ms,
  trigger: z.string(),
  retentionDays: z.number().int(),
  sessions: z.number().int(),
  bytes: z.number().int(),
  held: z.number().int(),
  overdue: z.number().int(),
});

/**
 * The compliance pack of one site over a period: one model, built once from Veil's own data,
 * rendered as JSON (this object), HTML and PDF. Counts cover `period` (server receive time) unless
 * a field says "now".
 */
/** Monthly summaries the readiness trend shows. */
export const READINESS_TREND_MONTHS = 24;

export const complianceReportSchema = z.object({
  type: z.literal('veil.compliance-pack'),
  version: z.literal(1),
  generatedAt: ms,
  generatedBy: z.string(),
  site: z.object({ siteKey: z.string(), name: z.string(), origins: z.array(z.string()) }),
  period: z.object({ from: ms, to: ms }),
  /** The headline numbers, each equal to a count of the database. */
  figures: z.object({
    sessionsStored: z.number().int(),
    rawReplayViews: z.number().int(),
    sessionsPurged: z.number().int(),
    subjectRequests: z.number().int(),
    consentDecisions: z.number().int(),
    alertsRaised: z.number().int(),
  }),
  recordOfProcessing: z.object({
    controller: z.string(),
    purposes: z.array(z.string()),
    dataSubjects: z.array(z.string()),
    dataCategories: z.array(z.string()),
    neverCollected: z.array(z.string()),
    recipients: z.array(z.string()),
    transfers: z.string(),
    retention: z.string(),
    safeguards: z.array(z.string()),
  }),
  lawfulBasis: z.object({
    basis: lawfulBasisSchema,
    assessment: legitimateInterestAssessmentSchema.nullable(),
    honoursGlobalPrivacyControl: z.boolean(),
  }),
  policy: z.object({
    currentVersion: z.number().int(),
    preset: z.string(),
    samplingPercent: z.number(),
    exclusions: z.object({
      pageAllowList: z.array(z.string()),
      pageDenyList: z.array(z.string()),
      blockSelectors: z.array(z.string()),
      maskTextSelectors: z.array(z.string()),
      restrictedRegions: z.array(z.string()),
      ipRules: z.number().int(),
      maskAllText: z.boolean(),
      captureNetworkPayloads: z.boolean(),
      allowedIframes: z.array(z.string()),
    }),
    versions: z.array(
      z.object({
        version: z.number().int(),
        createdAt: ms,
        author: z.string(),
        reason: z.string(),
        changes: z.array(z.string()),
      }),
    ),
  }),
  retention: z.object({
    retentionDays: z.number().int(),
    oldestSessionAt: ms.nullable(),
    dueSessionsNow: z.number().int(),
    heldSessionsNow: z.number().int(),
    exception: z.object({ overdueSessions: z.number().int(), oldestAt: ms }).nullable(),
    runs: z.number().int(),
    sessionsPurged: z.number().int(),
    bytesPurged: z.number().int(),
    receipts: z.array(purgeReceiptViewSchema),
    holds: z.array(
      z.object({
        id: z.string(),
        scope: z.enum(['session', 'subject']),
        reason: z.string(),
        createdBy: z.string(),
        createdAt: ms,
        expiresAt: ms,
        releasedAt: ms.nullable(),
      }),
    ),
  }),
  consent: z.object({
    totals: z.object({ granted: z.number().int(), denied: z.number().int(), withdrawn: z.number().int() }),
    optInRate: rate,
    bySource: z.array(
      z.object({
        source: z.string(),
        granted: z.number().int(),
        denied: z.number().int(),
        withdrawn: z.number().int(),
        optInRate: rate,
      }),
    ),
    byRegion: z.array(
      z.object({
        region: z.string(),
        granted: z.number().int(),
        denied: z.number().int(),
        withdrawn: z.number().int(),
        optInRate: rate,
      }),
    ),
    /** Opt-in rate per day of the period (days with decisions only). */
    daily: z.array(
      z.object({ day: ms, granted: z.number().int(), denied: z.number().int(), optInRate: rate }),
    ),
    /** Opt-in rate per day and region (`unknown` when no country was known), for the chart over time. */
    dailyByRegion: z.array(
      z.object({
        day: ms,
        region: z.string(),
        granted: z.number().int(),
        denied: z.number().int(),
        optInRate: rate,
      }),
    ),
  }),
  access: z.object({
    rawReplayViews: z.number().int(),
    sessionsViewed: z.number().int(),
    viewers: z.array(z.object({ viewer: z.string(), views: z.number().int(), sessions: z.number().int() })),
    views: z.array(z.object({ at: ms, viewer: z.string(), sessionId: z.string(), purpose: z.string() })),
    anomalies: z.number().int(),
  }),
  alerts: z.object({
    raised: z.number().int(),
    open: z.number().int(),
    acknowledged: z.number().int(),
    resolved: z.number().int(),
    byKind: z.array(z.object({ kind: alertKindSchema, count: z.number().int() })),
    items: z.array(
      z.object({
        id: z.string(),
        kind: alertKindSchema,
        severity: z.string(),
        summary: z.string(),
        occurrences: z.number().int(),
        firstSeenAt: ms,
        status: z.enum(['open', 'acknowledged', 'resolved']),
        resolvedAt: ms.nullable(),
        resolvedBy: z.string().nullable(),
        note: z.string().nullable(),
      }),
    ),
    maskingFailures: z.number().int(),
  }),
  subjectRequests: z.object({
    total: z.number().int(),
    completed: z.number().int(),
    pending: z.number().int(),
    /** Not completed by their due date (completed late, or still open past it). */
    late: z.number().int(),
    medianTurnaroundHours: z.number().nullable(),
    items: z.array(
      z.object({
        id: z.string(),
        kind: z.string(),
        origin: z.string(),
        receivedAt: ms,
        dueAt: ms,
        completedAt: ms.nullable(),
        turnaroundHours: z.number().nullable(),
      }),
    ),
  }),
  /** The data inventory now (docs/inventory.md): what the recordings show, and its review. */
  inventory: z.object({
    /** Where recordings go (the diagram's right-hand side). */
    storage: inventoryStorageSchema,
    pages: z.number().int(),
    /** Fields, iframes and elements. */
    fields: z.number().int(),
    pending: z.number().int(),
    approved: z.number().int(),
    excluded: z.number().int(),
    captured: z.number().int(),
    /** Captured although their markup suggests sensitive data. */
    sensitiveCaptured: z.number().int(),
    /** Pages first (at most `REPORT_MAX_ROWS`); the diagram is drawn from them. */
    items: z.array(inventoryItemSchema),
  }),
  /**
   * Exposure incidents (docs/incidents.md) live in the period: discovered before its end and not
   * decided before its start; each with its 72-hour clock at the report's time and its decision.
   */
  incidents: z.object({
    total: z.number().int(),
    /** No notification decision yet (running or overdue). */
    undecided: z.number().int(),
    /** Undecided past the 72 hours. */
    overdue: z.number().int(),
    decidedInTime: z.number().int(),
    decidedLate: z.number().int(),
    notified: z.number().int(),
    sessionsFound: z.number().int(),
    sessionsErased: z.number().int(),
    items: z.array(incidentSchema),
  }),
  processors: z.array(processorSchema),
  auditChain: z.object({
    ok: z.boolean(),
    entries: z.number().int(),
    checkpoints: z.number().int(),
    headSeq: z.number().int(),
    problem: z.string().nullable(),
    signingKeyId: z.string(),
    /** SHA-256 of the raw Ed25519 public key, hex in colon-separated pairs. */
    signingKeyFingerprint: z.string(),
  }),
  attestations: z.array(attestationSchema),
  readiness: readinessSchema,
  /**
   * The readiness score of each monthly summary up to the period's end, oldest first (at most
   * `READINESS_TREND_MONTHS`): the dashboard's trend chart, drawn in the pack as well.
   */
  readinessTrend: z.array(z.object({ month: z.string(), score: z.number().int(), max: z.number().int() })),
  checklists: z.object({
    sessionRecording: z.array(checklistItemSchema),
    privacyAudit: z.array(checklistItemSchema),
  }),
});
export type ComplianceReport = z.infer<typeof complianceReportSchema>;

/** Formats of the pack: the JSON model itself, HTML for screen and print, PDF printed from it. */
export const REPORT_FORMATS = ['json', 'html', 'pdf'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];
export const reportFormatSchema = z.enum(REPORT_FORMATS);
