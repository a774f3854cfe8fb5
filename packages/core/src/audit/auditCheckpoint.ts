import { canonicalJson } from './canonicalJson.js';

/**
 * A signed statement "entry `seq` of the audit log has hash `hash`", written at intervals. Whoever
 * rewrites the chain up to or beyond a checkpoint (recomputing every later hash, which anyone can)
 * still cannot forge the Ed25519 signature, so the rewrite shows.
 */
export interface AuditCheckpoint {
  seq: number;
  /** The `hash` of entry `seq`. */
  hash: string;
  /** When it was signed (ms). */
  at: number;
  /** Identifies the signing key: the first 16 hex digits of SHA-256 of its 32 raw public-key bytes. */
  keyId: string;
  /** Ed25519 signature of `auditCheckpointPayload(…)`, base64. */
  signature: string;
}

/**
 * Veil signs a checkpoint in the same transaction as every entry whose seq is a multiple of this,
 * so a verifier can demand them all (a deleted checkpoint shows). Part of the format: changing it
 * would make older chains fail.
 */
export const AUDIT_CHECKPOINT_EVERY = 100;

/** What is signed: `JCS({type, v, seq, hash, at, keyId})` as UTF-8. */
export function auditCheckpointPayload(checkpoint: Omit<AuditCheckpoint, 'signature'>): string {
  return canonicalJson({
    type: 'veil.audit.checkpoint',
    v: 1,
    seq: checkpoint.seq,
    hash: checkpoint.hash,
    at: checkpoint.at,
    keyId: checkpoint.keyId,
  });
}

/** Checks a checkpoint's signature against the trusted keys (server side: node:crypto Ed25519). */
export type AuditSignatureCheck = (checkpoint: AuditCheckpoint, payload: string) => boolean;
