import { z } from 'zod';
import type { AuditAction } from './auditActions.js';

/**
 * The lines of a JSON Lines audit export (docs/audit.md): a header, entries / links / checkpoints,
 * an end line. The schemas check shapes only; whether the chain holds (hex hashes, seq order,
 * signatures) is `verifyAuditChain`'s to judge, so it can name the entry that fails.
 */

/** Line 1. */
export const auditExportHeaderSchema = z.object({
  type: z.literal('veil.audit.export'),
  v: z.literal(1),
  checkpointEvery: z.number().optional(),
});

// Any action name: an export from a newer Veil may carry actions this one does not know, and a
// verifier only hashes them.
const anyAuditAction = z.custom<AuditAction>((value) => typeof value === 'string');

/** Who wrote an audit entry, as exports and the API show it (one schema for both). */
export const auditActorSchema = z.object({
  type: z.enum(['user', 'token', 'system', 'anonymous']),
  id: z.string().nullable(),
  label: z.string().nullable(),
});

const entryLineSchema = z.object({
  type: z.literal('entry'),
  seq: z.number(),
  at: z.number(),
  actor: auditActorSchema,
  action: anyAuditAction,
  siteKey: z.string().nullable(),
  target: z.object({ type: z.string(), id: z.string() }).nullable(),
  details: z.record(z.string(), z.json()),
  prevHash: z.string(),
  hash: z.string(),
});

const linkLineSchema = z.object({
  type: z.literal('link'),
  seq: z.number(),
  prevHash: z.string(),
  bodyHash: z.string(),
  hash: z.string(),
});

const checkpointLineSchema = z.object({
  type: z.literal('checkpoint'),
  seq: z.number(),
  hash: z.string(),
  at: z.number(),
  keyId: z.string(),
  signature: z.string(),
});

/** The lines between the header and the end. */
export const auditExportItemSchema = z.discriminatedUnion('type', [
  entryLineSchema,
  linkLineSchema,
  checkpointLineSchema,
]);

/** The last line: how many of each the export holds (a cut or padded export shows). */
export const auditExportEndSchema = z.object({
  type: z.literal('end'),
  entries: z.number(),
  links: z.number(),
  checkpoints: z.number(),
});
