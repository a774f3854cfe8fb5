import type { Clock } from '../../clock.js';
import type { RegionLookup } from '../../privacy/RegionLookup.js';
import type { Store } from '../../storage/Store.js';
import { type Drop, drop } from '../Drop.js';
import type { LocatedBatch } from './siteAndOrigin.js';

/**
 * Restricted regions: the visitor's country from the trusted proxy header or the MaxMind
 * database; a batch from a restricted country is dropped and counted. When the policy restricts
 * regions and no source knows the country, the batch is dropped too (privacy fails closed). Either
 * way the client address leaves the context here: no later step sees it.
 */
export async function region<T extends LocatedBatch>(
  deps: { store: Store; clock: Clock; regions: RegionLookup },
  input: T,
): Promise<T | Drop> {
  const { clientIp, regionHeaderValue, ...request } = input.request;
  const restricted = input.site.policy.restrictedRegions;
  // When a region source is configured, the country (never the address) also segments heatmaps.
  const country = deps.regions.configured ? deps.regions.countryOf({ clientIp, regionHeaderValue }) : null;
  const withoutAddress = { ...input, request, visitorRegion: country } as T;
  if (restricted.length === 0) return withoutAddress;
  if (country !== null && !restricted.includes(country)) return withoutAddress;
  await deps.store.privacy.countDrop(input.site.id, 'region_restricted', deps.clock.now());
  return drop(
    'not_recorded',
    country === null
      ? "the visitor's region is unknown and the site restricts regions"
      : 'the site does not record this region',
  );
}
