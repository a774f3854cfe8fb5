import type { Store } from '../../src/storage/Store.js';
import type { SiteRecord } from '../../src/storage/sites/SiteRepository.js';
import { T0 } from './batches.js';

/** The consent receipt `makeBatch` puts on every batch, registered for the test app's site. */
export const TEST_CONSENT_RECEIPT_ID = 'test_consent_receipt_0001';

/**
 * Registers a grant the way the browser SDK does (no visitor bound to it, so any test visitor
 * may use it): sites record on consent by default, and ingest refuses batches without a receipt.
 */
export async function grantTestConsent(
  store: Store,
  site: SiteRecord,
  receiptId: string = TEST_CONSENT_RECEIPT_ID,
): Promise<void> {
  await store.consent.registerGrant({
    siteId: site.id,
    id: receiptId,
    visitorId: null,
    decision: 'granted',
    granted: ['analytics'],
    denied: [],
    source: 'api',
    policyVersion: null,
    lawfulBasis: 'consent',
    bannerTextHash: null,
    language: null,
    region: null,
    withdraws: null,
    recordedAt: T0,
  });
}

/** The body the browser SDK sends to `POST /r/v1/sites/{siteKey}/consent` for a grant. */
export function grantRegistrationBody(receiptId: string = TEST_CONSENT_RECEIPT_ID, visitorId?: string) {
  return {
    v: 1,
    decision: 'granted',
    receiptId,
    visitorId,
    granted: ['analytics'],
    denied: [],
    source: 'api',
  };
}
