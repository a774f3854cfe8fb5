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
 * checkpoint is signed in the same transaction (see docs/audit.md). Every checkpoint is also written
 * to the configured anchors (the application log, `VEIL_AUDIT_ANCHOR`) as it is signed.
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
import type { CheckpointAnchor } from './anchor/CheckpointAnchor.js';
import type { AuditSigningKey } from './auditSigningKey.js';

/** What a caller gives `record`: the body without its time (the log's clock stamps it). */
export interface AuditRecordInput {
  action: AuditBody['action'];
  actor: AuditActor;
  siteKey?: string | null;
  target?: AuditBody['target'];
  details?: AuditBody['details'];
}

/** SHA-256 hex via node:crypto, the hash of every entry. */
export const nodeSha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

export type AuditLogReport = AuditVerifyReport & {
  /** The head as appends left it (`audit_head`). */
  recordedHead: { seq: number; hash: string };
};

export interface AuditLogDeps {
  store: Store;
  clock: Clock;
  signingKey: AuditSigningKey;
  /** Where each signed checkpoint is also written, off the database. */
  anchors?: readonly CheckpointAnchor[];
  /** Told when an anchor write failed (it is retried by the next `checkpointHead`). */
  onAnchorError?: (error: unknown, anchor: CheckpointAnchor, checkpoint: AuditCheckpoint) => void;
}

export class AuditLog {
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #key: AuditSigningKey;
  readonly #anchors: readonly CheckpointAnchor[];
  readonly #onAnchorError: NonNullable<AuditLogDeps['onAnchorError']>;
  /** Anchor writes run one after another, so an anchor receives checkpoints in signing order. */
  #anchorQueue: Promise<void> = Promise.resolve();
  /** Per anchor, the newest checkpoint it failed to take (retried by `checkpointHead`). */
  readonly #unanchored = new Map<CheckpointAnchor, AuditCheckpoint>();

  constructor(deps: AuditLogDeps) {
    this.#store = deps.store;
    this.#clock = deps.clock;
    this.#key = deps.signingKey;
    this.#anchors = deps.anchors ?? [];
    this.#onAnchorError = deps.onAnchorError ?? (() => undefined);
  }

  /** The configured anchors (their descriptions are safe to show). */
  get anchors(): readonly CheckpointAnchor[] {
    return this.#anchors;
  }

  /** Resolves when every anchor write queued so far has finished (succeeded or failed). */
  anchored(): Promise<void> {
    return this.#anchorQueue;
  }

  /** Queues `checkpoint` for every anchor (or only `only`); failures are remembered for a retry. */
  #anchor(checkpoint: AuditCheckpoint, only?: readonly CheckpointAnchor[]): Promise<void> {
    const targets = only ?? this.#anchors;
    if (targets.length === 0) return this.#anchorQueue;
    this.#anchorQueue = this.#anchorQueue.then(async () => {
      await Promise.all(
        targets.map(async (anchor) => {
          try {
            await anchor.write(checkpoint);
            const pending = this.#unanchored.get(anchor);
            if (pending && pending.seq <= checkpoint.seq) this.#unanchored.delete(anchor);
          } catch (error) {
            const pending = this.#unanchored.get(anchor);
            if (!pending || pending.seq < checkpoint.seq) this.#unanchored.set(anchor, checkpoint);
            try {
              this.#onAnchorError(error, anchor, checkpoint);
            } catch {
              // The report of a failure must not stop the queue; the retry still happens.
            }
          }
        }),
      );
    });
    return this.#anchorQueue;
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
    // Not awaited: the act is recorded; the anchor write follows in the background (see `anchored`).
    if (signed) void this.#anchor(signed);
    return entry;
  }

  /**
   * Signs a checkpoint of the head when it moved since the last one (run by a job every minute, so
   * the tail no anchor holds is at most a minute old), writes it to the anchors and waits for them.
   * Checkpoints an anchor failed to take before are sent to it again first. Returns the new
   * checkpoint, or `undefined` when nothing was new.
   */
  async checkpointHead(): Promise<AuditCheckpoint | undefined> {
    await this.#anchorQueue;
    for (const [anchor, pending] of [...this.#unanchored]) await this.#anchor(pending, [anchor]);
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
    await this.#anchor(checkpoint);
    return checkpoint;
  }

  /**
   * Verifies the whole chain as stored: every hash and link, every checkpoint's signature and
   * hash, a checkpoint at every multiple of `AUDIT_CHECKPOINT_EVERY`, and the recorded head.
   * Names the first modified, deleted, reordered or inserted entry. `anchorCheckpoints` (read from
   * an external anchor) count like the stored ones: the chain must reach and match each of them.
   */
  async verify(anchorCheckpoints: readonly AuditCheckpoint[] = []): Promise<AuditLogReport> {
    const verifier = new AuditChainVerifier({
      sha256: nodeSha256,
      checkpoints: [...(await this.#store.audit.checkpoints()), ...anchorCheckpoints],
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
