import { type AuditCheckpoint, type AuditSignatureCheck, auditCheckpointPayload } from './auditCheckpoint.js';
import {
  AUDIT_GENESIS_HASH,
  type AuditChainItem,
  type AuditSha256,
  computeAuditItemHash,
  isAuditLink,
} from './auditEntry.js';

/**
 * What is wrong with a chain, about its first bad entry:
 * - `modified`: the entry's content no longer matches its hash (or it was re-hashed, and the next
 *   entry no longer matches it);
 * - `deleted`: the entry with this seq is missing (a gap, or later entries were renumbered);
 * - `reordered`: the entry at this seq belongs elsewhere in the chain;
 * - `inserted`: the entry at this seq was never part of the chain;
 * - `rewritten`: the chain was recomputed from this seq on; a signed checkpoint disagrees;
 * - `truncated`: entries from this seq on were deleted; a signed checkpoint covers them;
 * - `bad_checkpoint`: a checkpoint's signature does not verify (seq is the checkpoint's);
 * - `malformed`: an item is not an entry at all.
 */
export type AuditProblemKind =
  | 'modified'
  | 'deleted'
  | 'reordered'
  | 'inserted'
  | 'rewritten'
  | 'truncated'
  | 'bad_checkpoint'
  | 'malformed';

export interface AuditProblem {
  kind: AuditProblemKind;
  /** The first entry concerned (for `deleted` and `truncated`, the first missing seq). */
  seq: number;
  message: string;
}

export interface AuditVerifyOptions {
  sha256: AuditSha256;
  /** Signed checkpoints of this chain (any order). Each must pass `checkSignature`. */
  checkpoints?: readonly AuditCheckpoint[];
  /** Required when checkpoints are given. */
  checkSignature?: AuditSignatureCheck;
  /**
   * A checkpoint must exist for every seq that is a multiple of this (Veil signs one every
   * `AUDIT_CHECKPOINT_EVERY` entries as it appends), so deleting checkpoints shows too.
   * @default undefined (no checkpoint required)
   */
  requiredCheckpointEvery?: number;
  /**
   * How many items past a bad one are looked at to tell a reorder or an insertion from a plain
   * modification. @default 256
   */
  lookahead?: number;
}

export type AuditVerifyReport =
  | {
      ok: true;
      /** First and last seq walked (0 and 0 for an empty chain). */
      firstSeq: number;
      headSeq: number;
      headHash: string;
      /** Full entries and body-less links walked. */
      entries: number;
      links: number;
      /** Checkpoints whose signature and hash both matched. */
      checkpoints: number;
      lastCheckpointSeq: number | null;
      /** Entries after the last checkpoint: protected by the chain alone until the next one. */
      uncheckpointed: number;
    }
  | { ok: false; problem: AuditProblem; checked: number };

interface Anchor {
  seq: number;
  hash: string;
}

const HEX64 = /^[0-9a-f]{64}$/;

/**
 * Walks an audit chain item by item (entries or links, in seq order as stored) and names the first
 * entry that was modified, deleted, reordered or inserted. Memory stays bounded by `lookahead`, so
 * a chain of millions of entries can stream through `push`.
 *
 * A chain may start at seq 1 (from the genesis hash) or, for a filtered export, right after a
 * signed checkpoint that anchors it.
 */
export class AuditChainVerifier {
  readonly #sha256: AuditSha256;
  readonly #lookahead: number;
  readonly #requiredEvery: number | undefined;
  readonly #checkpoints = new Map<number, AuditCheckpoint>();
  readonly #queue: AuditChainItem[] = [];
  #problem: AuditProblem | undefined;
  #prev: Anchor | undefined;
  #prevPrev: Anchor | undefined;
  #firstSeq = 0;
  #entries = 0;
  #links = 0;
  #checked = 0;
  #matchedCheckpoints = 0;
  #lastCheckpoint: Anchor | undefined;

  constructor(options: AuditVerifyOptions) {
    this.#sha256 = options.sha256;
    this.#lookahead = Math.max(1, options.lookahead ?? 256);
    this.#requiredEvery = options.requiredCheckpointEvery;
    const checkpoints = [...(options.checkpoints ?? [])].sort((a, b) => a.seq - b.seq);
    if (checkpoints.length > 0 && !options.checkSignature)
      throw new TypeError('checkpoints given without a signature check');
    for (const checkpoint of checkpoints) {
      const { signature: _signature, ...unsigned } = checkpoint;
      if (!options.checkSignature?.(checkpoint, auditCheckpointPayload(unsigned))) {
        this.#fail(
          'bad_checkpoint',
          checkpoint.seq,
          `the checkpoint at seq ${checkpoint.seq} has no valid signature of a trusted key`,
        );
        return;
      }
      const other = this.#checkpoints.get(checkpoint.seq);
      if (other && other.hash !== checkpoint.hash) {
        this.#fail(
          'bad_checkpoint',
          checkpoint.seq,
          `two signed checkpoints disagree about seq ${checkpoint.seq}`,
        );
        return;
      }
      this.#checkpoints.set(checkpoint.seq, checkpoint);
    }
  }

  /** The first problem found so far. */
  get problem(): AuditProblem | undefined {
    return this.#problem;
  }

  /** Feeds the next stored item; returns the first problem once one is known. */
  push(item: AuditChainItem): AuditProblem | undefined {
    if (this.#problem) return this.#problem;
    this.#queue.push(item);
    while (!this.#problem && this.#queue.length > this.#lookahead) this.#step();
    return this.#problem;
  }

  /** Walks what is left and reports. */
  finish(): AuditVerifyReport {
    while (!this.#problem && this.#queue.length > 0) this.#step();
    if (!this.#problem) this.#checkTail();
    if (this.#problem) return { ok: false, problem: this.#problem, checked: this.#checked };
    const head = this.#prev;
    const lastSeq = this.#lastCheckpoint?.seq ?? null;
    return {
      ok: true,
      firstSeq: this.#firstSeq,
      headSeq: head?.seq ?? 0,
      headHash: head?.hash ?? AUDIT_GENESIS_HASH,
      entries: this.#entries,
      links: this.#links,
      checkpoints: this.#matchedCheckpoints,
      lastCheckpointSeq: lastSeq,
      uncheckpointed: (head?.seq ?? 0) - (lastSeq ?? (this.#firstSeq > 0 ? this.#firstSeq - 1 : 0)),
    };
  }

  #fail(kind: AuditProblemKind, seq: number, message: string): void {
    this.#problem ??= { kind, seq, message };
  }

  #step(): void {
    const item = this.#queue[0]!;
    if (!isWellFormed(item)) {
      this.#fail(
        'malformed',
        typeof item.seq === 'number' ? item.seq : this.#checked + 1,
        'not an audit entry',
      );
      return;
    }
    if (!this.#prev && !this.#start(item)) return;
    const prev = this.#prev!;
    const expectedSeq = prev.seq + 1;
    const selfOk = this.#hashAt(item, item.seq) === item.hash;
    const linkOk = item.prevHash === prev.hash;
    if (item.seq === expectedSeq && selfOk && linkOk) {
      this.#accept(item);
      return;
    }
    this.#classify(item, prev, expectedSeq, selfOk, linkOk);
  }

  /** Sets the anchor before the first item: the genesis, or a signed checkpoint right before it. */
  #start(item: AuditChainItem): boolean {
    this.#firstSeq = item.seq;
    if (item.seq <= 1) {
      this.#prev = { seq: 0, hash: AUDIT_GENESIS_HASH };
      return true;
    }
    const anchor = this.#checkpoints.get(item.seq - 1);
    if (!anchor) {
      this.#fail(
        'deleted',
        1,
        `the chain starts at seq ${item.seq}: entries 1–${item.seq - 1} are missing and no checkpoint anchors seq ${item.seq - 1}`,
      );
      return false;
    }
    this.#prev = { seq: anchor.seq, hash: anchor.hash };
    this.#lastCheckpoint = { seq: anchor.seq, hash: anchor.hash };
    this.#matchedCheckpoints++;
    return true;
  }

  #accept(item: AuditChainItem): void {
    this.#queue.shift();
    this.#checked++;
    if (isAuditLink(item)) this.#links++;
    else this.#entries++;
    this.#prevPrev = this.#prev;
    this.#prev = { seq: item.seq, hash: item.hash };
    const checkpoint = this.#checkpoints.get(item.seq);
    if (!checkpoint) {
      if (this.#requiredEvery && item.seq % this.#requiredEvery === 0) {
        this.#fail(
          'bad_checkpoint',
          item.seq,
          `the checkpoint of entry ${item.seq} is missing (one is signed every ${this.#requiredEvery} entries)`,
        );
      }
      return;
    }
    if (checkpoint.hash !== item.hash) {
      const from = (this.#lastCheckpoint?.seq ?? this.#firstSeq - 1) + 1;
      this.#fail(
        'rewritten',
        from,
        `entries ${from}–${item.seq} were rewritten: the hash of entry ${item.seq} differs from the one signed in its checkpoint`,
      );
      return;
    }
    this.#matchedCheckpoints++;
    this.#lastCheckpoint = { seq: item.seq, hash: item.hash };
  }

  #classify(item: AuditChainItem, prev: Anchor, expectedSeq: number, selfOk: boolean, linkOk: boolean): void {
    const seq = item.seq;
    const later = this.#queue.slice(1);
    if (seq < expectedSeq) {
      if (seq === prev.seq) this.#fail('inserted', seq, `a second entry claims seq ${seq}`);
      else this.#fail('reordered', seq, `entry ${seq} appears after entry ${prev.seq}`);
      return;
    }
    if (seq > expectedSeq) {
      if (later.some((x) => x.seq === expectedSeq)) {
        this.#fail('reordered', seq, `entry ${seq} appears before entry ${expectedSeq}`);
      } else {
        const range =
          seq - 1 > expectedSeq ? `entries ${expectedSeq}–${seq - 1} are` : `entry ${expectedSeq} is`;
        this.#fail('deleted', expectedSeq, `${range} missing: entry ${seq} follows entry ${prev.seq}`);
      }
      return;
    }
    if (!linkOk) {
      const owner = later.find((x) => x.hash === item.prevHash);
      if (owner) {
        this.#fail(
          'reordered',
          seq,
          `entry ${seq} is out of order: it was written after the entry now stored at seq ${owner.seq}`,
        );
        return;
      }
    }
    const next = later[0];
    if (next && next.prevHash === prev.hash) {
      this.#fail(
        'inserted',
        seq,
        `entry ${seq} was inserted: the entry after it was written right after entry ${prev.seq}`,
      );
      return;
    }
    if (!selfOk && linkOk) {
      this.#fail('modified', seq, `entry ${seq} was modified: its content no longer matches its hash`);
      return;
    }
    if (!selfOk) {
      const prevPrev = this.#prevPrev;
      if (prevPrev && item.prevHash === prevPrev.hash && this.#hashAt(item, seq - 1) === item.hash) {
        this.#fail(
          'inserted',
          prev.seq,
          `entry ${prev.seq} was inserted: entry ${seq} was written as entry ${seq - 1}, right after entry ${prevPrev.seq}`,
        );
        return;
      }
      if (this.#hashAt(item, seq + 1) === item.hash) {
        this.#fail(
          'deleted',
          seq,
          `the original entry ${seq} is missing: the entry now at seq ${seq} was written as entry ${seq + 1} and renumbered`,
        );
        return;
      }
      this.#fail('modified', seq, `entry ${seq} was modified: its content no longer matches its hash`);
      return;
    }
    // Intact itself but not linked to its predecessor: the predecessor was changed and re-hashed,
    // unless the predecessor is pinned (genesis, anchor or a matching checkpoint).
    const pinned = prev.seq === 0 || prev.seq === this.#lastCheckpoint?.seq;
    if (pinned) {
      this.#fail('modified', seq, `entry ${seq} was modified: it does not link to entry ${prev.seq}`);
    } else {
      this.#fail(
        'modified',
        prev.seq,
        `entry ${prev.seq} was modified and re-hashed: entry ${seq} recorded a different hash for it`,
      );
    }
  }

  /** The hash the item would carry at `seq`; `undefined` when its body cannot be encoded at all. */
  #hashAt(item: AuditChainItem, seq: number): string | undefined {
    try {
      return computeAuditItemHash(item, this.#sha256, seq);
    } catch {
      // A body that no longer encodes (a float turned into NaN, a nested object too deep) cannot
      // match any hash: the caller reports the entry as modified.
      return undefined;
    }
  }

  #checkTail(): void {
    const headSeq = this.#prev?.seq ?? 0;
    let beyond: AuditCheckpoint | undefined;
    for (const checkpoint of this.#checkpoints.values()) {
      if (checkpoint.seq > headSeq && (!beyond || checkpoint.seq < beyond.seq)) beyond = checkpoint;
    }
    if (beyond) {
      this.#fail(
        'truncated',
        headSeq + 1,
        `entries ${headSeq + 1}–${beyond.seq} are missing: the chain ends at seq ${headSeq} but a checkpoint covers seq ${beyond.seq}`,
      );
    }
  }
}

function isWellFormed(item: AuditChainItem): boolean {
  if (typeof item !== 'object' || item === null) return false;
  if (!Number.isSafeInteger(item.seq) || item.seq < 1) return false;
  if (typeof item.hash !== 'string' || !HEX64.test(item.hash)) return false;
  if (typeof item.prevHash !== 'string' || !HEX64.test(item.prevHash)) return false;
  if (isAuditLink(item)) return typeof item.bodyHash === 'string' && HEX64.test(item.bodyHash);
  return typeof item.action === 'string' && typeof item.actor === 'object' && item.actor !== null;
}

/** Verifies a whole chain held in memory (or any iterable). */
export function verifyAuditChain(
  items: Iterable<AuditChainItem>,
  options: AuditVerifyOptions,
): AuditVerifyReport {
  const verifier = new AuditChainVerifier(options);
  for (const item of items) if (verifier.push(item)) break;
  return verifier.finish();
}

/** Verifies a chain streamed from a database cursor or a file. */
export async function verifyAuditChainAsync(
  items: AsyncIterable<AuditChainItem>,
  options: AuditVerifyOptions,
): Promise<AuditVerifyReport> {
  const verifier = new AuditChainVerifier(options);
  for await (const item of items) if (verifier.push(item)) break;
  return verifier.finish();
}
