import type { RegionLookup } from '../../privacy/RegionLookup.js';
import {
  countRestrictedRegionDrop,
  type RestrictedRegionDropDeps,
} from '../../privacy/restrictedRegionSpike.js';
import { type Drop, drop } from '../Drop.js';
import type { LocatedBatch } from './siteAndOrigin.js';

/**
 * Restricted regions: the visitor's country from the trusted proxy header or the MaxMind
 * database; a batch from a restricted country is dropped and counted. When the policy restricts
 * regions and no source knows the country, the batch is dropped too (privacy fails closed). Either
 * way the client address leaves the context here: no later step sees it. A drop past the policy's
 * hourly limit raises `restricted_region_spike` (see `countRestrictedRegionDrop`).
 */
export async function region<T extends LocatedBatch>(
  deps: RestrictedRegionDropDeps & { regions: RegionLookup },
  input: T,
): Promise<T | Drop> {
  const { clientIp, regionHeaderValue, ...request } = input.request;
  const restricted = input.site.policy.restrictedRegions;
  // When a region source is configured, the country (never the address) also segments heatmaps.
  const country = deps.regions.configured ? deps.regions.countryOf({ clientIp, regionHeaderValue }) : null;
  const withoutAddress = { ...input, request, visitorRegion: country } as T;
  if (restricted.length === 0) return withoutAddress;
  if (country !== null && !restricted.includes(country)) return withoutAddress;
  await countRestrictedRegionDrop(deps, input.site);
  return drop(
    'not_recorded',
    country === null
      ? "the visitor's region is unknown and the site restricts regions"
      : 'the site does not record this region',
  );
}
