import { ANALYTICS_CATEGORY, BANNER_TEXT_HASH_PATTERN } from '@veil/core';
import type { ConsentContext } from '../shared/bootContract.js';
import { type KeyValueStorage, readKey, writeKey } from '../shared/storage.js';
import { StorageKey } from '../shared/storageKeys.js';
import { outcomeOfStatus } from './httpTransport.js';
import type { SendOutcome, Transport } from './SendQueue.js';

const LANGUAGE = /^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$/;

export interface ConsentRegistrationOptions {
  /** `…/r/v1/sites/{siteKey}/consent` */
  url: string;
  receiptId: string;
  visitorId?: string;
  /** How the grant was given (absent: a page API call). */
  consent?: ConsentContext;
  /** localStorage: remembers which receipt the server confirmed, so a grant is registered once. */
  storage: KeyValueStorage | null;
  fetch?: typeof fetch;
  /** Errors of the registration started at once (before any batch). */
  onError?: (error: unknown, where: string) => void;
}

/** The body of `POST …/consent` for a grant (core's `consentRegistrationSchema`). */
export function grantRegistration(
  o: Pick<ConsentRegistrationOptions, 'receiptId' | 'visitorId' | 'consent'>,
) {
  const c = o.consent;
  return {
    v: 1 as const,
    decision: 'granted' as const,
    receiptId: o.receiptId,
    visitorId: o.visitorId,
    granted: [ANALYTICS_CATEGORY],
    denied: [],
    source: c?.source ?? 'api',
    // Values the page passed through `veil('consent', …)`: kept only when well-formed.
    bannerTextHash:
      typeof c?.bannerTextHash === 'string' && BANNER_TEXT_HASH_PATTERN.test(c.bannerTextHash)
        ? c.bannerTextHash
        : undefined,
    language: typeof c?.language === 'string' && LANGUAGE.test(c.language) ? c.language : undefined,
  };
}

/**
 * Wraps the batch transport so that nothing is sent before the server holds the visitor's consent
 * receipt: the grant is registered at once (`POST …/consent`, once per receipt, remembered in
 * `veil:receipt-ok`); a send waits for it, retries it like a batch when it failed (network
 * errors, 408/429/5xx), and a refusal
 * (another 4xx) refuses every batch: without a receipt the server would only answer
 * `403 consent_required`. Beacons wait for the confirmation too (what a page could not send is
 * kept for the next page).
 */
export function gateOnConsentReceipt(transport: Transport, options: ConsentRegistrationOptions): Transport {
  const doFetch = options.fetch ?? ((input, init) => fetch(input, init));
  let confirmed = readKey(options.storage, StorageKey.ReceiptRegistered) === options.receiptId;
  let refused: SendOutcome | null = null;
  let registering: Promise<SendOutcome | null> | null = null;

  const register = async (): Promise<SendOutcome | null> => {
    const response = await doFetch(options.url, {
      method: 'POST',
      body: JSON.stringify(grantRegistration(options)),
      keepalive: true,
      headers: { 'Content-Type': 'text/plain' },
      credentials: 'omit',
      mode: 'cors',
    });
    const outcome = outcomeOfStatus(response.status, response.headers.get('Retry-After'));
    if (outcome.kind === 'ack') {
      confirmed = true;
      writeKey(options.storage, StorageKey.ReceiptRegistered, options.receiptId);
      return null;
    }
    if (outcome.kind === 'reject') refused = outcome;
    return outcome;
  };

  const ensure = () => {
    registering ??= register().finally(() => {
      registering = null;
    });
    return registering;
  };
  // Evidence of the decision is registered when it is made, not when the first batch closes.
  if (!confirmed) ensure().catch((error: unknown) => options.onError?.(error, 'consent'));

  return {
    async send(batch) {
      if (!confirmed) {
        if (refused) return refused;
        const outcome = await ensure();
        if (outcome) return outcome;
      }
      return transport.send(batch);
    },
    beacon(batch) {
      return confirmed && transport.beacon(batch);
    },
  };
}
