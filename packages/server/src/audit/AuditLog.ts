/**
 * The audit log: one tamper-evident entry per security-relevant act.
 *
 * HOW TO RECORD AN ACT (every feature that changes policy, consent, users, data or access):
 *
 * ```ts
 * import { actorOf } from '../audit/auditActor.js';
 *
 * await app.veil.audit.record({
 *   action: 'policy.changed',                   // a name of AUDIT_ACTIONS (packages/core/src/audit/
 *                                               // auditActions.ts); add a new one there with a line
 *                                               // saying what its details hold
 *   actor: actorOf(request.principal),          // or systemActor('retention') for jobs, cliActor() for the CLI
 *   siteKey: site.siteKey,                      // or null when no site is concerned
 *   target: { type: 'policy_version', id: '7' },// what the act was about, or null
 *   details: { version: 7, diff },              // plain JSON (no Date, no undefined in arrays), at most
 *                                               // 64 KiB; ids, counts, diffs, purposes — never a
 *                                               // secret and never recorded personal data
 * });
 * ```
 *
 * Record right after the act succeeded, and let a failure propagate: an act without its record is
 * an incident, not a warning. Entries are never changed or removed (the tables refuse it); each
 * carries the SHA-256 of the previous one, and every `AUDIT_CHECKPOINT_EVERY` entries an Ed25519
 * checkpoint is signed in the same transaction (see docs/audit.md).
 */
import { createHash } from 'node:crypto';
import {
  AUDIT_CHECKPOINT_EVERY,
  type AuditActor,
  type AuditBody,
  AuditChainVerifier,
  type AuditCheckpoint,
  type AuditEntry,
  type AuditProblem,
  type AuditVerifyReport,
  sealAuditEntry,
} from '@veil/core';
import type { Clock } from '../clock.js';
import type { Store } from '../storage/Store.js';
import type { AuditSigningKey } from './auditSigningKey.js';

/** What a caller gives `record`: the body without its time (the log's clock stamps it). */
export interface AuditRecordInput {
  action: AuditBody['action'];
  actor: AuditActor;
  siteKey?: string | null;
  target?: AuditBody['target'];
  details?: AuditBody['details'];
}

/** Where signed checkpoints are also written, off the database (the application log). */
export type CheckpointAnchor = (checkpoint: AuditCheckpoint) => void;

/** SHA-256 hex via node:crypto, the hash of every entry. */
export const nodeSha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

export type AuditLogReport = AuditVerifyReport & {
  /** The head as appends left it (`audit_head`). */
  recordedHead: { seq: number; hash: string };
};

export class AuditLog {
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #key: AuditSigningKey;
  readonly #anchor: CheckpointAnchor;

  constructor(deps: { store: Store; clock: Clock; signingKey: AuditSigningKey; anchor?: CheckpointAnchor }) {
    this.#store = deps.store;
    this.#clock = deps.clock;
    this.#key = deps.signingKey;
    this.#anchor = deps.anchor ?? (() => undefined);
  }

  get signingKey(): AuditSigningKey {
    return this.#key;
  }

  /** Appends one entry (see the top of this file). Resolves to the sealed entry. */
  async record(input: AuditRecordInput): Promise<AuditEntry> {
    const body: AuditBody = {
      at: this.#clock.now(),
      actor: input.actor,
      action: input.action,
      siteKey: input.siteKey ?? null,
      target: input.target ?? null,
      details: input.details ?? {},
    };
    let signed: AuditCheckpoint | undefined;
    const entry = await this.#store.audit.append((head) => {
      const sealed = sealAuditEntry(head.seq === 0 ? undefined : head, body, nodeSha256);
      signed =
        sealed.seq % AUDIT_CHECKPOINT_EVERY === 0
          ? this.#key.signCheckpoint({
              seq: sealed.seq,
              hash: sealed.hash,
              at: body.at,
              keyId: this.#key.keyId,
            })
          : undefined;
      return { entry: sealed, checkpoint: signed };
    });
    if (signed) this.#anchor(signed);
    return entry;
  }

  /**
   * Signs a checkpoint of the head when it moved since the last one (run by a job every few
   * minutes, so a quiet log is covered too). Returns it, or `undefined` when nothing was new.
   */
  async checkpointHead(): Promise<AuditCheckpoint | undefined> {
    const head = await this.#store.audit.head();
    if (head.seq === 0) return undefined;
    const last = (await this.#store.audit.checkpoints()).at(-1);
    if (last && last.seq >= head.seq) return undefined;
    const checkpoint = this.#key.signCheckpoint({
      seq: head.seq,
      hash: head.hash,
      at: this.#clock.now(),
      keyId: this.#key.keyId,
    });
    await this.#store.audit.addCheckpoint(checkpoint);
    this.#anchor(checkpoint);
    return checkpoint;
  }

  /**
   * Verifies the whole chain as stored: every hash and link, every checkpoint's signature and
   * hash, a checkpoint at every multiple of `AUDIT_CHECKPOINT_EVERY`, and the recorded head.
   * Names the first modified, deleted, reordered or inserted entry.
   */
  async verify(): Promise<AuditLogReport> {
    const verifier = new AuditChainVerifier({
      sha256: nodeSha256,
      checkpoints: await this.#store.audit.checkpoints(),
      checkSignature: this.#key.checkSignature,
      requiredCheckpointEvery: AUDIT_CHECKPOINT_EVERY,
    });
    if (!verifier.problem) {
      for await (const entry of this.#store.audit.scan()) if (verifier.push(entry)) break;
    }
    const report = verifier.finish();
    const recordedHead = await this.#store.audit.head();
    if (!report.ok) return { ...report, recordedHead };
    const problem = headProblem(report, recordedHead);
    if (problem) return { ok: false, problem, checked: report.entries + report.links, recordedHead };
    return { ...report, recordedHead };
  }
}

/** The chain must end where appends left the head; anything else was cut off or added behind Veil. */
function headProblem(
  report: Extract<AuditVerifyReport, { ok: true }>,
  head: { seq: number; hash: string },
): AuditProblem | undefined {
  if (head.seq > report.headSeq) {
    const range =
      head.seq - 1 > report.headSeq
        ? `entries ${report.headSeq + 1}–${head.seq} are`
        : `entry ${head.seq} is`;
    return {
      kind: 'truncated',
      seq: report.headSeq + 1,
      message: `${range} missing: the log was appended up to seq ${head.seq} but the chain ends at ${report.headSeq}`,
    };
  }
  if (head.seq < report.headSeq) {
    return {
      kind: 'inserted',
      seq: head.seq + 1,
      message: `entry ${head.seq + 1} was inserted: Veil appended up to seq ${head.seq} only`,
    };
  }
  if (head.hash !== report.headHash) {
    return {
      kind: 'modified',
      seq: head.seq,
      message: `entry ${head.seq} was modified: its hash differs from the one recorded when it was appended`,
    };
  }
  return undefined;
}
