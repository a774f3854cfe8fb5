import type { AuditCheckpoint } from '@veil/core';
import type { AuditAnchorSetting } from './auditAnchorSetting.js';
import { fileAnchor } from './fileAnchor.js';
import { syslogAnchor } from './syslogAnchor.js';
import { webhookAnchor } from './webhookAnchor.js';

/**
 * A place outside the database where each signed audit checkpoint is written as it is signed, so
 * that a database administrator who cuts or rewrites the newest entries (and moves the head) is
 * still caught: `veil audit verify --anchor FILE` compares the database with what was written here.
 */
export interface CheckpointAnchor {
  /** Human-readable, safe to log (no credentials). */
  readonly description: string;
  /** Resolves once the checkpoint is durably handed over; rejects otherwise (the log retries). */
  write(checkpoint: AuditCheckpoint): Promise<void>;
  /** Releases sockets or handles. */
  close(): Promise<void>;
}

/** The anchor of a `VEIL_AUDIT_ANCHOR` setting. */
export function createCheckpointAnchor(setting: AuditAnchorSetting): CheckpointAnchor {
  switch (setting.kind) {
    case 'file':
      return fileAnchor(setting.file);
    case 'syslog':
      return syslogAnchor(setting.host, setting.port);
    case 'webhook':
      return webhookAnchor(setting.url);
  }
}
