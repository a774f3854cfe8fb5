import { z } from 'zod';
import { contentScanSchema } from './contentScans.js';

/**
 * Exposure incidents: something that should not have been recorded was (a value that slipped past
 * masking, a page that should have been excluded). An incident records what leaked, links the
 * content scans that found the sessions holding it, their erasure receipts as evidence, and the
 * GDPR Art. 33 notification decision against the 72-hour clock from discovery.
 */

/** GDPR Art. 33(1): notify the supervisory authority within 72 hours of becoming aware. */
export const GDPR_NOTIFICATION_HOURS = 72;
export const GDPR_NOTIFICATION_MS = GDPR_NOTIFICATION_HOURS * 60 * 60 * 1000;

/** What leaked. */
export const INCIDENT_KINDS = [
  'personal_data',
  'credentials',
  'payment_card',
  'health_data',
  'government_id',
  'other',
] as const;
export const incidentKindSchema = z.enum(INCIDENT_KINDS);
export type IncidentKind = z.infer<typeof incidentKindSchema>;

/** How it was found. */
export const INCIDENT_FOUND_HOW = [
  'replay_review',
  'privacy_alert',
  'user_report',
  'audit',
  'scan',
  'other',
] as const;
export const incidentFoundHowSchema = z.enum(INCIDENT_FOUND_HOW);

const shortText = (max: number) => z.string().trim().min(1).max(max);

/** `POST /api/v1/sites/{siteKey}/incidents`: describe the place and kind, never the value. */
export const newIncidentSchema = z
  .object({
    title: shortText(200),
    kind: incidentKindSchema,
    /** The page (URL or pattern) where it showed. */
    page: shortText(500).optional(),
    /** The element (CSS selector or path) that held it. */
    element: shortText(500).optional(),
    /** The recordings concerned were received (server time, ms) in this window. */
    windowFrom: z.number().int().nonnegative().optional(),
    windowTo: z.number().int().positive().optional(),
    foundHow: incidentFoundHowSchema,
    /** Free text on how it was found (no recorded value). */
    foundDetails: shortText(2000).optional(),
    /** When the organisation became aware (ms); the 72-hour clock starts here. Default: now. */
    discoveredAt: z.number().int().positive().optional(),
  })
  .refine((b) => b.windowFrom === undefined || b.windowTo === undefined || b.windowFrom < b.windowTo, {
    message: 'windowFrom must be before windowTo',
  });
export type NewIncident = z.infer<typeof newIncidentSchema>;

export const incidentDecisionKindSchema = z.enum(['notify', 'no_notify']);

/** `POST …/incidents/{incidentId}/decision`: notify the authority or not, and why. */
export const incidentDecisionInputSchema = z.object({
  decision: incidentDecisionKindSchema,
  reason: shortText(4000),
  /** When the authority was notified (ms), for `notify`. */
  notifiedAt: z.number().int().positive().optional(),
});
export type IncidentDecisionInput = z.infer<typeof incidentDecisionInputSchema>;

export const incidentDecisionSchema = z.object({
  decision: incidentDecisionKindSchema,
  reason: z.string(),
  notifiedAt: z.number().int().nullable(),
  decidedBy: z.string(),
  decidedAt: z.number().int(),
});
export type IncidentDecision = z.infer<typeof incidentDecisionSchema>;

/** The 72-hour clock as the server computes it at `now`. */
export const notificationClockSchema = z.object({
  discoveredAt: z.number().int(),
  deadline: z.number().int(),
  /** Milliseconds left until the deadline (negative once past). */
  remainingMs: z.number().int(),
  /** `running`, `overdue` (past the deadline, no decision), `decided` (in time), `decided_late`. */
  state: z.enum(['running', 'overdue', 'decided', 'decided_late']),
});
export type NotificationClock = z.infer<typeof notificationClockSchema>;

export const incidentSchema = z
  .object({
    id: z.string(),
    siteKey: z.string(),
    title: z.string(),
    kind: incidentKindSchema,
    page: z.string().nullable(),
    element: z.string().nullable(),
    windowFrom: z.number().int().nullable(),
    windowTo: z.number().int().nullable(),
    foundHow: incidentFoundHowSchema,
    foundDetails: z.string().nullable(),
    discoveredAt: z.number().int(),
    createdBy: z.string(),
    createdAt: z.number().int(),
    decision: incidentDecisionSchema.nullable(),
    clock: notificationClockSchema,
    /** Sessions found by the incident's content scans, and how many of them were erased. */
    sessionsFound: z.number().int(),
    sessionsErased: z.number().int(),
  })
  .meta({ id: 'Incident' });
export type Incident = z.infer<typeof incidentSchema>;

/** One incident with its content scans (matches and erasure receipts: the evidence). */
export const incidentDetailSchema = z.object({ incident: incidentSchema, scans: z.array(contentScanSchema) });
export type IncidentDetail = z.infer<typeof incidentDetailSchema>;

/** The clock of an incident discovered at `discoveredAt`, decided at `decidedAt` (or not), at `now`. */
export function notificationClock(
  discoveredAt: number,
  decidedAt: number | null,
  now: number,
): NotificationClock {
  const deadline = discoveredAt + GDPR_NOTIFICATION_MS;
  const state =
    decidedAt === null
      ? now > deadline
        ? 'overdue'
        : 'running'
      : decidedAt > deadline
        ? 'decided_late'
        : 'decided';
  return { discoveredAt, deadline, remainingMs: deadline - (decidedAt ?? now), state };
}
