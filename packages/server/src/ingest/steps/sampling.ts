import { isSessionSampled } from '@veil/core';
import type { Clock } from '../../clock.js';
import type { Store } from '../../storage/Store.js';
import { type Drop, drop } from '../Drop.js';
import type { LocatedBatch } from './siteAndOrigin.js';

/**
 * After `consent`: the session is in the site's sample. The loader decides with core's `isSessionSampled`
 * on the session id it hands the recorder; the server does not take the browser's word for it
 * and asks the same function, under the site's current `samplingPercent`, of every batch. A
 * session outside the sample is refused (`not_sampled`, counted as `unsampled`): the recorder
 * stops that session and does not retry. The answer depends on the id alone, so it holds for the
 * life of the session; after a policy change it follows the new percent from the next batch on
 * (in other Veil processes once their site cache expires, `SITE_LOOKUP_TTL_MS`).
 */
export async function sampling(
  deps: { store: Store; clock: Clock },
  input: LocatedBatch,
): Promise<LocatedBatch | Drop> {
  const { site, batch } = input;
  if (isSessionSampled(batch.sessionId, site.policy.samplingPercent)) return input;
  await deps.store.privacy.countDrop(site.id, 'unsampled', deps.clock.now());
  return drop(
    'not_sampled',
    `this session is outside the site's ${site.policy.samplingPercent} % sample: stop recording it, do not retry`,
  );
}
