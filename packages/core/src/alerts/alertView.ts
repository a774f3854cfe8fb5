import { z } from 'zod';
import { ALERT_KINDS, ALERT_SEVERITIES, alertDetailsSchema } from './alertKinds.js';

/** Where an alert stands in the inbox: open, someone is on it, or resolved. */
export const ALERT_STATUSES = ['open', 'acknowledged', 'resolved'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];

/** An alert as the inbox API shows it (docs/alerts.md, `Alert`): where and what, never a value. */
export const alertViewSchema = z
  .object({
    id: z.string(),
    siteKey: z.string(),
    kind: z.enum(ALERT_KINDS),
    severity: z.enum(ALERT_SEVERITIES),
    summary: z.string(),
    details: alertDetailsSchema,
    occurrences: z.number(),
    status: z.enum(ALERT_STATUSES),
    firstSeenAt: z.number(),
    lastSeenAt: z.number(),
    acknowledgedAt: z.number().nullable(),
    acknowledgedBy: z.string().nullable(),
    resolvedAt: z.number().nullable(),
    resolvedBy: z.string().nullable(),
    note: z.string().nullable(),
  })
  .meta({ id: 'Alert' });
export type AlertView = z.infer<typeof alertViewSchema>;

/** Longest note an acknowledgement or resolution keeps (the audit log keeps it too). */
export const MAX_ALERT_NOTE_CHARS = 1000;

/** The body of acknowledge and resolve: an optional note. */
export const alertNoteBodySchema = z.object({ note: z.string().trim().max(MAX_ALERT_NOTE_CHARS).optional() });
