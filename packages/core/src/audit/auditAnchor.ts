import { z } from 'zod';
import type { AuditCheckpoint } from './auditCheckpoint.js';

/**
 * One signed checkpoint as Veil writes it to an external anchor (a file on other storage, syslog, a
 * webhook): one JSON object, one line. `veil audit verify --anchor FILE` reads these back.
 */
export const auditAnchorRecordSchema = z.object({
  type: z.literal('veil.audit.checkpoint'),
  v: z.literal(1),
  seq: z.number().int().min(1),
  hash: z.string(),
  at: z.number(),
  keyId: z.string(),
  signature: z.string(),
});

export type AuditAnchorRecord = z.output<typeof auditAnchorRecordSchema>;

/** The anchor line of a checkpoint (without the newline). */
export function auditAnchorLine(checkpoint: AuditCheckpoint): string {
  const record: AuditAnchorRecord = {
    type: 'veil.audit.checkpoint',
    v: 1,
    seq: checkpoint.seq,
    hash: checkpoint.hash,
    at: checkpoint.at,
    keyId: checkpoint.keyId,
    signature: checkpoint.signature,
  };
  return JSON.stringify(record);
}

/** What reading an anchor file found: its checkpoints, or the first line that claims to be one but is not. */
export type AuditAnchorParse =
  | { ok: true; checkpoints: AuditCheckpoint[]; lines: number }
  | { ok: false; line: number; message: string };

/**
 * Reads the checkpoints out of an anchor's text. Each line may carry text before the JSON (a syslog
 * header, a receiver's timestamp); lines that mention no Veil checkpoint are skipped (a syslog file
 * holds other programs' lines too). A line that names a Veil checkpoint but does not parse is an
 * error: a damaged anchor must not pass as a shorter one. The application log's
 * `"audit checkpoint signed"` lines (`{"auditCheckpoint": {…}}`) are read as well.
 */
export function parseAuditAnchor(text: string): AuditAnchorParse {
  const checkpoints: AuditCheckpoint[] = [];
  const lines = text.split('\n');
  for (const [index, raw] of lines.entries()) {
    const fromApplicationLog = raw.includes('"auditCheckpoint"');
    if (!raw.includes('veil.audit.checkpoint') && !fromApplicationLog) continue;
    const brace = raw.indexOf('{');
    let value: unknown;
    try {
      value = JSON.parse(raw.slice(brace < 0 ? 0 : brace));
    } catch {
      return { ok: false, line: index + 1, message: `line ${index + 1} names a checkpoint but is not JSON` };
    }
    const candidate = fromApplicationLog
      ? { type: 'veil.audit.checkpoint', v: 1, ...fieldOf(value, 'auditCheckpoint') }
      : value;
    const parsed = auditAnchorRecordSchema.safeParse(candidate);
    if (!parsed.success) {
      return { ok: false, line: index + 1, message: `line ${index + 1} is not a valid signed checkpoint` };
    }
    const { type: _type, v: _v, ...checkpoint } = parsed.data;
    checkpoints.push(checkpoint);
  }
  return { ok: true, checkpoints, lines: lines.length };
}

function fieldOf(value: unknown, name: string): object {
  const field = typeof value === 'object' && value !== null ? Reflect.get(value, name) : undefined;
  return typeof field === 'object' && field !== null ? field : {};
}
