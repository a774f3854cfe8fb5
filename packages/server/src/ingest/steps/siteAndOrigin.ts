import { requestOrigin } from '../../sites/origins.js';
import type { Store } from '../../storage/Store.js';
import type { SiteRecord } from '../../storage/sites/SiteRepository.js';
import { type Drop, drop } from '../Drop.js';
import type { ValidatedBatch } from './validate.js';

export interface LocatedBatch extends ValidatedBatch {
  site: SiteRecord;
  origin: string;
}

/** Step 2: the site exists, and the page that sent the batch is on one of its origins (site and policy from the store's short-lived cache, `SITE_LOOKUP_TTL_MS`). */
export async function siteAndOrigin(store: Store, input: ValidatedBatch): Promise<LocatedBatch | Drop> {
  const site = await store.sites.findByKeyCached(input.batch.siteKey);
  if (!site) return drop('unknown_site', 'no site has this key');
  const origin = requestOrigin(input.request);
  if (origin === undefined) return drop('origin_not_allowed', 'the request has no Origin or Referer');
  if (!site.origins.includes(origin))
    return drop('origin_not_allowed', "the request's origin is not one of the site's");
  return { ...input, site, origin };
}
