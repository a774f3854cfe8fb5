import { z } from 'zod';

/** A data-subject request Veil handles: erasure (Art. 17, CCPA delete) or access/portability (Art. 15/20). */
export const subjectRequestKindSchema = z.enum(['erasure', 'access']);
export type SubjectRequestKind = z.infer<typeof subjectRequestKindSchema>;

/** Where a request came from: a person using the dashboard/API/CLI, or a visitor's consent withdrawal. */
export const subjectRequestOriginSchema = z.enum(['dashboard', 'api', 'cli', 'withdrawal']);
export type SubjectRequestOrigin = z.infer<typeof subjectRequestOriginSchema>;

const recordedSelectorSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('userId'), userHash: z.string() }),
  z.object({ kind: z.literal('visitorId'), visitorId: z.string() }),
  z.object({ kind: z.literal('sessionId'), sessionId: z.string() }),
  z.object({ kind: z.literal('tag'), key: z.string(), value: z.string() }),
  z.object({ kind: z.literal('demo') }),
]);

/** What one erasure deleted: the evidence kept after the data is gone. */
export const erasureReceiptSchema = z
  .object({
    id: z.string(),
    siteKey: z.string(),
    selector: recordedSelectorSchema,
    /** Sessions deleted, with their chunks, page views and data keys. */
    sessions: z.number().int(),
    chunks: z.number().int(),
    /** Data keys destroyed (crypto-shredding): a chunk left on a disk or in a backup stays unreadable. */
    dataKeysDestroyed: z.number().int(),
    consentReceipts: z.number().int(),
    /** The ids of the deleted sessions (random ids, no content). */
    sessionIds: z.array(z.string()),
    requestedBy: z.string(),
    requestId: z.string().nullable(),
    startedAt: z.number(),
    completedAt: z.number(),
  })
  .meta({ id: 'ErasureReceipt' });
export type ErasureReceipt = z.infer<typeof erasureReceiptSchema>;

/** One entry of the data-subject request log. */
export const subjectRequestSchema = z
  .object({
    id: z.string(),
    siteKey: z.string(),
    kind: subjectRequestKindSchema,
    origin: subjectRequestOriginSchema,
    selector: recordedSelectorSchema,
    /** When the request reached the organisation (may be earlier than its entry here). */
    receivedAt: z.number(),
    /** The statutory deadline: `receivedAt` + the deadline days. */
    dueAt: z.number(),
    completedAt: z.number().nullable(),
    /** Who handled it (a user's email, a token's name, `visitor` for a withdrawal). */
    handledBy: z.string(),
    /** The organisation's own reference (a ticket number). */
    reference: z.string().nullable(),
    /** For an erasure: its receipt; for an access request: the size of the bundle in bytes. */
    erasureReceiptId: z.string().nullable(),
    exportBytes: z.number().int().nullable(),
  })
  .meta({ id: 'SubjectRequest' });
export type SubjectRequest = z.infer<typeof subjectRequestSchema>;

/** `completed` (in time or late), `open` (deadline ahead) or `overdue` (open past its deadline). */
export function subjectRequestStatus(
  request: Pick<SubjectRequest, 'dueAt' | 'completedAt'>,
  now: number,
): 'completed' | 'completed_late' | 'open' | 'overdue' {
  if (request.completedAt !== null)
    return request.completedAt <= request.dueAt ? 'completed' : 'completed_late';
  return now > request.dueAt ? 'overdue' : 'open';
}
