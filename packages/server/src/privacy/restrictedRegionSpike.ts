import type { AlertService } from '../alerts/AlertService.js';
import type { Clock } from '../clock.js';
import { HOUR_MS } from '../storage/privacy/PrivacyRepository.js';
import type { Store } from '../storage/Store.js';
import type { SiteRecord } from '../storage/sites/SiteRepository.js';

export interface RestrictedRegionDropDeps {
  store: Store;
  clock: Clock;
  /** Raises `restricted_region_spike`. @default none (only counted) */
  alerts?: AlertService | undefined;
}

/** The fold key of the spike alert: one unresolved alert per site, every spiking hour folds into it. */
export const RESTRICTED_REGION_SPIKE_SUBJECT = 'restricted-region-drops';

/**
 * Counts one batch dropped because its visitor is in a restricted (or, with restricted regions,
 * unknown) region: per UTC day (the privacy-drops figures) and per UTC clock hour. The drop that
 * takes the hour's count past the policy's `alerts.restrictedRegionSpikePerHour` raises
 * `restricted_region_spike`, once per hour (the hourly counter is atomic, so among concurrent
 * batches and processes exactly one sees the crossing); while that alert is unresolved, the next
 * spiking hour folds into it. Neither the address nor the country is part of the alert.
 */
export async function countRestrictedRegionDrop(
  deps: RestrictedRegionDropDeps,
  site: SiteRecord,
): Promise<void> {
  const now = deps.clock.now();
  await deps.store.privacy.countDrop(site.id, 'region_restricted', now);
  const total = await deps.store.privacy.countDropInHour(site.id, 'region_restricted', now);
  const limit = site.policy.alerts.restrictedRegionSpikePerHour;
  if (total <= limit || total - 1 > limit || !deps.alerts) return;
  const hourStart = new Date(Math.floor(now / HOUR_MS) * HOUR_MS).toISOString();
  await deps.alerts.raiseFor(site, 'restricted_region_spike', {
    subject: RESTRICTED_REGION_SPIKE_SUBJECT,
    summary: `more than ${limit} batches from restricted regions were dropped in the hour from ${hourStart.slice(11, 16)} UTC`,
    details: { drops: total, limit, hourStart },
  });
}
