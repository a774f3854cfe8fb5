import type { AuditCheckpoint } from '@veil/core';
import type { Clock } from '../clock.js';
import { auditKeySource, type VeilConfig } from '../config/config.js';
import type { Store } from '../storage/Store.js';
import { AuditLog } from './AuditLog.js';
import { type CheckpointAnchor, createCheckpointAnchor } from './anchor/CheckpointAnchor.js';
import { loadAuditSigningKey } from './auditSigningKey.js';

export interface AuditLogOutput {
  warn(message: string): void;
  /** An anchor write failed (the log retries it at the next head checkpoint). */
  anchorFailed(error: unknown, anchor: CheckpointAnchor, checkpoint: AuditCheckpoint): void;
  /** Extra anchors (the server's application log). */
  anchors?: readonly CheckpointAnchor[];
}

/**
 * The audit log as configured: the signing key (seed, key file or the data directory's file) and
 * the anchors (`extra` plus `VEIL_AUDIT_ANCHOR`). The server and the CLI both open it here, so a
 * checkpoint the CLI happens to sign reaches the anchor too. `close` waits for pending anchor
 * writes and releases the anchor.
 */
export async function openAuditLog(
  store: Store,
  clock: Clock,
  config: VeilConfig,
  output: AuditLogOutput,
): Promise<{ audit: AuditLog; close(): Promise<void> }> {
  const signingKey = await loadAuditSigningKey(
    auditKeySource(config),
    config.dataDir,
    config.audit.trustedPublicKeys,
  );
  for (const warning of signingKey.warnings) output.warn(warning);
  if (signingKey.origin === 'file' && config.database.kind === 'postgres') {
    output.warn(
      'set VEIL_AUDIT_SIGNING_KEY or VEIL_AUDIT_SIGNING_KEY_FILE when using PostgreSQL: every Veil process must sign with one key',
    );
  }
  const configured = config.audit.anchor ? createCheckpointAnchor(config.audit.anchor) : undefined;
  const audit = new AuditLog({
    store,
    clock,
    signingKey,
    anchors: [...(output.anchors ?? []), ...(configured ? [configured] : [])],
    onAnchorError: output.anchorFailed,
  });
  return {
    audit,
    async close() {
      await audit.anchored();
      await configured?.close();
    },
  };
}
