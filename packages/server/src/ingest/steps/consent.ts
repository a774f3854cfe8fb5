import { effectiveLawfulBasis } from '@veil/core';
import type { Store } from '../../storage/Store.js';
import { type Drop, drop } from '../Drop.js';
import type { LocatedBatch } from './siteAndOrigin.js';

/**
 * Step 3: a lawful basis for this batch. The opt-out registry applies whatever the basis (a
 * visitor who opted out is never recorded); under consent the batch must carry the receipt of a
 * registered grant of this site that is not withdrawn and belongs to the batch's visitor.
 * `legitimate_interest` counts only with its documented assessment.
 */
export async function consent(store: Store, input: LocatedBatch): Promise<LocatedBatch | Drop> {
  const { site, batch } = input;
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
  const grant = await store.consent.findGrant(site.id, receiptId);
  if (!grant) return drop('consent_required', 'no consent receipt of this site has that id');
  if (grant.withdrawnAt !== null) return drop('consent_required', 'the visitor withdrew this consent');
  if (grant.visitorId !== null && grant.visitorId !== batch.visitorId) {
    return drop('consent_required', 'the consent receipt belongs to another visitor');
  }
  return input;
}
