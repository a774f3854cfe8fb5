import { z } from 'zod';

/**
 * Erasure by content: a compliance officer searches a site's recordings for a value that leaked
 * (or a pattern), the server scans the decrypted chunks in the background and lists the sessions
 * that hold it with counts and positions (never the content); one step erases them with a receipt.
 * The value itself is neither stored nor logged, only its keyed hash.
 */

/** Shortest and longest value or pattern accepted. */
export const MIN_LEAKED_VALUE_CHARS = 4;
export const MAX_LEAKED_VALUE_CHARS = 500;

/** What `POST /api/v1/sites/{siteKey}/content-scans` takes: exactly one of `value` and `pattern`. */
export const newContentScanSchema = z
  .object({
    /** The leaked value, searched for literally. */
    value: z.string().min(MIN_LEAKED_VALUE_CHARS).max(MAX_LEAKED_VALUE_CHARS).optional(),
    /** A regular expression (JavaScript syntax, no nested quantifiers or back-references). */
    pattern: z.string().min(1).max(MAX_LEAKED_VALUE_CHARS).optional(),
    /** @default false */
    caseSensitive: z.boolean().default(false),
    /** Only sessions Veil first received at or after this server time (ms). */
    from: z.number().int().nonnegative().optional(),
    /** Only sessions Veil first received before this server time (ms). */
    to: z.number().int().positive().optional(),
    /** Link the scan (and its erasure) to this exposure incident of the site. */
    incidentId: z
      .string()
      .regex(/^inc_[A-Za-z0-9-]{8,64}$/, 'is not an incident id')
      .optional(),
  })
  .refine((b) => (b.value === undefined) !== (b.pattern === undefined), {
    message: 'give exactly one of value and pattern',
  })
  .refine((b) => b.from === undefined || b.to === undefined || b.from < b.to, {
    message: 'from must be before to',
  });
export type NewContentScan = z.infer<typeof newContentScanSchema>;

export const contentScanStatusSchema = z.enum(['running', 'completed', 'failed', 'erased']);
export type ContentScanStatus = z.infer<typeof contentScanStatusSchema>;

/** Where in a session a match is: the event (0-based over the whole session) and the JSON path. */
export const matchPositionSchema = z.object({
  eventIndex: z.number().int(),
  path: z.string(),
  count: z.number().int(),
});
export type MatchPosition = z.infer<typeof matchPositionSchema>;

export const contentMatchSchema = z.object({
  sessionId: z.string(),
  /** Occurrences in the whole session. */
  count: z.number().int(),
  /** The first positions (at most 50). */
  positions: z.array(matchPositionSchema),
});
export type ContentMatch = z.infer<typeof contentMatchSchema>;

/** The receipt of erasing a scan's matches. */
export const contentErasureReceiptSchema = z.object({
  id: z.string(),
  sessions: z.number().int(),
  chunks: z.number().int(),
  dataKeysDestroyed: z.number().int(),
  /** Matching sessions kept because a legal hold holds them. */
  heldSessionIds: z.array(z.string()),
  sessionIds: z.array(z.string()),
  erasedBy: z.string(),
  erasedAt: z.number().int(),
});
export type ContentErasureReceipt = z.infer<typeof contentErasureReceiptSchema>;

export const contentScanSchema = z
  .object({
    id: z.string(),
    siteKey: z.string(),
    kind: z.enum(['value', 'pattern']),
    caseSensitive: z.boolean(),
    /** HMAC-SHA256 of the value under the instance's secret: the same value gives the same hash. */
    valueHash: z.string(),
    receivedFrom: z.number().int().nullable(),
    receivedTo: z.number().int().nullable(),
    status: contentScanStatusSchema,
    sessionsTotal: z.number().int(),
    sessionsScanned: z.number().int(),
    matchedSessions: z.number().int(),
    matchedCount: z.number().int(),
    matches: z.array(contentMatchSchema),
    error: z.string().nullable(),
    incidentId: z.string().nullable(),
    createdBy: z.string(),
    createdAt: z.number().int(),
    updatedAt: z.number().int(),
    completedAt: z.number().int().nullable(),
    erasure: contentErasureReceiptSchema.nullable(),
  })
  .meta({ id: 'ContentScan' });
export type ContentScan = z.infer<typeof contentScanSchema>;
