import type { InventoryResponse, InventoryStatus } from '@veil/core';
import type { Store } from '../storage/Store.js';
import type { SiteRecord } from '../storage/sites/SiteRepository.js';

/** How recordings are kept at rest (DESIGN.md, "Storage"). */
export const RECORDING_ENCRYPTION = 'AES-256-GCM, per-session data key wrapped by the master key';

/**
 * A site's data inventory with where recordings go (engine, encryption, retention): the API's and
 * the CLI's answer. Reads only: a site without stored policy versions is at version 1, its
 * creation policy.
 */
export async function inventoryListing(
  store: Store,
  site: SiteRecord,
  options: { status?: InventoryStatus; pagePattern?: string } = {},
): Promise<InventoryResponse> {
  const [items, latest] = await Promise.all([
    store.inventory.list(site.id, options),
    store.privacy.latestVersion(site.id),
  ]);
  const policy = latest?.policy ?? site.policy;
  return {
    siteKey: site.siteKey,
    siteName: site.name,
    storage: {
      engine: store.dialect,
      encryption: RECORDING_ENCRYPTION,
      retentionDays: policy.retentionDays,
      policyVersion: latest?.version ?? 1,
      networkPayloadsCaptured: policy.captureNetworkPayloads,
    },
    items: items.map(({ siteId: _s, ...item }) => item),
  };
}
