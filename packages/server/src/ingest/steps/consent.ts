import { effectiveLawfulBasis } from '@veil/core';
import type { Clock } from '../../clock.js';
import type { Store } from '../../storage/Store.js';
import { type Drop, drop } from '../Drop.js';
import type { LocatedBatch } from './siteAndOrigin.js';

/**
 * Step 3: a lawful basis for this batch. First the visitor's privacy signal: a request carrying
 * `Sec-GPC: 1` (Global Privacy Control) or `DNT: 1` is refused (`gpc_refused`, counted as `gpc`)
 * whenever the policy honours them (`honourGlobalPrivacyControl`, the default), under either basis:
 * GPC is an opt-out signal, so it refuses consent-based recording (the visitor said no to this
 * kind of processing) and objects to legitimate-interest recording alike. The browser asks the
 * same of the loader; the server does not take the browser's word for it. Then the opt-out
 * registry, whatever the basis (a visitor who opted out is never recorded); under consent the
 * batch must carry the receipt of a registered grant of this site that is not withdrawn and
 * belongs to the batch's visitor (a grant bound to a visitor admits no batch without that
 * visitor's id). `legitimate_interest` counts only with its documented assessment.
 */
export async function consent(
  deps: { store: Store; clock: Clock },
  input: LocatedBatch,
): Promise<LocatedBatch | Drop> {
  const { store } = deps;
  const { site, batch } = input;
  const signal = input.request.privacySignal;
  if (signal !== undefined && site.policy.honourGlobalPrivacyControl) {
    await store.privacy.countDrop(site.id, 'gpc', deps.clock.now());
    return drop('gpc_refused', `the browser sent ${signal}: 1 and the site honours Global Privacy Control`);
  }
  if (
    batch.visitorId !== undefined &&
    (await store.optOuts.isOptedOut(site.id, { visitorId: batch.visitorId }))
  ) {
    return drop('consent_required', 'this visitor opted out');
  }
  if (effectiveLawfulBasis(site.policy) === 'legitimate_interest') return input;
  const receiptId = batch.consentReceiptId;
  if (receiptId === undefined) {
    return drop('consent_required', 'the site records on consent: the batch needs consentReceiptId');
  }
  // Remembered for a moment; a withdrawal through this process drops it at once (`findGrantCached`).
  const grant = await store.consent.findGrantCached(site.id, receiptId);
  if (!grant) return drop('consent_required', 'no consent receipt of this site has that id');
  if (grant.withdrawnAt !== null) return drop('consent_required', 'the visitor withdrew this consent');
  if (grant.visitorId !== null && grant.visitorId !== batch.visitorId) {
    return drop('consent_required', 'the consent receipt belongs to another visitor');
  }
  return input;
}
