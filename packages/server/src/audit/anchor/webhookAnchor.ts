import { auditAnchorLine } from '@veil/core';
import type { CheckpointAnchor } from './CheckpointAnchor.js';

/** How long one webhook delivery may take before it counts as failed (and is retried). */
export const WEBHOOK_ANCHOR_TIMEOUT_MS = 10_000;

/**
 * POSTs each checkpoint as `application/json` (the anchor line) to `url`; any 2xx status is
 * success, anything else or a timeout fails the write (the audit log retries it a minute later).
 */
export function webhookAnchor(url: URL): CheckpointAnchor {
  return {
    description: `webhook ${url.origin}`,
    async write(checkpoint) {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'veil-audit-anchor' },
        body: auditAnchorLine(checkpoint),
        signal: AbortSignal.timeout(WEBHOOK_ANCHOR_TIMEOUT_MS),
        redirect: 'error',
      });
      await response.body?.cancel();
      if (!response.ok) throw new Error(`the audit anchor webhook answered ${response.status}`);
    },
    close: async () => undefined,
  };
}
