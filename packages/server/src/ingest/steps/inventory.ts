import type { Clock } from '../../clock.js';
import type { InventoryTracker } from '../../inventory/InventoryTracker.js';
import type { RedactedBatch } from './redact.js';

/**
 * Step `inventory`, after `redact` so that it reads only redacted events: the data inventory
 * learns the batch's pages, form fields, iframes and sensitive-looking elements and raises scope
 * drift for new ones (`InventoryTracker`). It never refuses a batch: the inventory describes what
 * is recorded, it does not decide it (the privacy steps before it did).
 */
export async function inventory<T extends RedactedBatch>(
  deps: { clock: Clock; inventory: InventoryTracker },
  input: T,
): Promise<T> {
  await deps.inventory.observe(input.site, input.batch.sessionId, input.batch.events, deps.clock.now());
  return input;
}
