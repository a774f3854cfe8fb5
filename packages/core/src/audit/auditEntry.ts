import type { AuditAction } from './auditActions.js';
import { canonicalJson, type JsonValue } from './canonicalJson.js';

/**
 * SHA-256 of the UTF-8 bytes of a string, as 64 lower-case hex digits. Injected: the server passes
 * `node:crypto` (fast, native); core's plain `sha256Hex` works anywhere else (a browser).
 */
export type AuditSha256 = (utf8: string) => string;

/** Version of the entry hashing scheme below; part of every entry hash. */
export const AUDIT_FORMAT_VERSION = 1;
/** `prevHash` of the first entry. */
export const AUDIT_GENESIS_HASH = '0'.repeat(64);
/** Canonical JSON of `details` above this size is refused: the log is evidence, not storage. */
export const MAX_AUDIT_DETAILS_BYTES = 64 * 1024;

/** Who acted. `label` is readable (an email, a token name, `cli`); ids are Veil's. */
export interface AuditActor {
  type: 'user' | 'token' | 'system' | 'anonymous';
  id: string | null;
  label: string | null;
}

/** What the act was about: a session, a user, a token, a policy version… */
export interface AuditTarget {
  type: string;
  id: string;
}

/** The descriptive part of an entry: everything but its position in the chain. */
export interface AuditBody {
  /** Milliseconds since the Unix epoch. */
  at: number;
  actor: AuditActor;
  action: AuditAction;
  siteKey: string | null;
  target: AuditTarget | null;
  details: { [key: string]: JsonValue };
}

/** One sealed entry: its body, its place, the hash of the entry before it, and its own hash. */
export interface AuditEntry extends AuditBody {
  /** 1, 2, 3… without gaps. */
  seq: number;
  prevHash: string;
  hash: string;
}

/**
 * An entry without its body, as a filtered export carries the entries it leaves out: enough to
 * recompute its hash and keep the chain checkable, nothing about the act itself.
 */
export interface AuditLink {
  seq: number;
  prevHash: string;
  bodyHash: string;
  hash: string;
}

/** The chain as a verifier walks it: full entries, links, or both mixed. */
export type AuditChainItem = AuditEntry | AuditLink;

export function isAuditLink(item: AuditChainItem): item is AuditLink {
  return 'bodyHash' in item && !('action' in item);
}

/** The body of an entry, picked field by field (extra properties never reach a hash). */
export function auditBodyOf(entry: AuditBody): AuditBody {
  const { at, actor, action, siteKey, target, details } = entry;
  return {
    at,
    actor: { type: actor.type, id: actor.id, label: actor.label },
    action,
    siteKey,
    target: target ? { type: target.type, id: target.id } : null,
    details,
  };
}

/** `bodyHash = SHA-256(JCS(body))`. */
export function auditBodyHash(body: AuditBody, sha256: AuditSha256): string {
  return sha256(canonicalJson(auditBodyOf(body)));
}

/** `hash = SHA-256(JCS({v, seq, prevHash, bodyHash}))`: the entry's place, its predecessor, its body. */
export function auditLinkHash(seq: number, prevHash: string, bodyHash: string, sha256: AuditSha256): string {
  return sha256(canonicalJson({ v: AUDIT_FORMAT_VERSION, seq, prevHash, bodyHash }));
}

/** The hash an item should carry, recomputed from its content (the body's hash for entries). */
export function computeAuditItemHash(item: AuditChainItem, sha256: AuditSha256, seq = item.seq): string {
  const bodyHash = isAuditLink(item) ? item.bodyHash : auditBodyHash(item, sha256);
  return auditLinkHash(seq, item.prevHash, bodyHash, sha256);
}

/** Turns a full entry into the link a filtered export carries in its place. */
export function auditLinkOf(entry: AuditEntry, sha256: AuditSha256): AuditLink {
  return {
    seq: entry.seq,
    prevHash: entry.prevHash,
    bodyHash: auditBodyHash(entry, sha256),
    hash: entry.hash,
  };
}

/**
 * Checks a body before it is sealed; returns a reason or `undefined`. Details must be a plain JSON
 * object of at most `MAX_AUDIT_DETAILS_BYTES`; the time a non-negative integer.
 */
export function auditBodyProblem(body: AuditBody): string | undefined {
  if (!Number.isSafeInteger(body.at) || body.at < 0) return 'at must be a non-negative integer (ms)';
  if (typeof body.details !== 'object' || body.details === null || Array.isArray(body.details))
    return 'details must be an object';
  let encoded: string;
  try {
    encoded = canonicalJson(auditBodyOf(body));
  } catch (error) {
    return (error as Error).message;
  }
  const detailsBytes = new TextEncoder().encode(canonicalJson(body.details)).length;
  if (detailsBytes > MAX_AUDIT_DETAILS_BYTES)
    return `details take ${detailsBytes} bytes, over the limit of ${MAX_AUDIT_DETAILS_BYTES}`;
  return encoded.length > 0 ? undefined : 'empty body';
}

/**
 * Seals the next entry after `prev` (`undefined` for the first): assigns `seq`, links it to the
 * previous hash and computes its own. Throws a `TypeError` when the body cannot be encoded.
 */
export function sealAuditEntry(
  prev: Pick<AuditEntry, 'seq' | 'hash'> | undefined,
  body: AuditBody,
  sha256: AuditSha256,
): AuditEntry {
  const problem = auditBodyProblem(body);
  if (problem) throw new TypeError(`audit entry refused: ${problem}`);
  const clean = auditBodyOf(body);
  // Freeze the details as their JSON round trip, so what is stored is exactly what was hashed.
  clean.details = JSON.parse(canonicalJson(clean.details)) as AuditBody['details'];
  const seq = prev ? prev.seq + 1 : 1;
  const prevHash = prev ? prev.hash : AUDIT_GENESIS_HASH;
  const hash = auditLinkHash(seq, prevHash, auditBodyHash(clean, sha256), sha256);
  return { seq, ...clean, prevHash, hash };
}
