import {
  ANALYTICS_CATEGORY,
  type ConsentDecision,
  type ConsentRegistration,
  type ConsentRegistrationAck,
  effectiveLawfulBasis,
} from '@veil/core';
import { VeilError } from '../errors/VeilError.js';
import type { NewConsentReceipt } from '../storage/consent/ConsentReceiptRepository.js';
import type { SiteRecord } from '../storage/sites/SiteRepository.js';
import { eraseSubject, type SubjectRightsDeps } from '../subjects/eraseSubject.js';
import { newId } from '../subjects/subjectRequestLog.js';

export interface RegisterConsentInput {
  site: SiteRecord;
  registration: ConsentRegistration;
  /** ISO country from the trusted region header, or null. */
  region: string | null;
}

export interface RegisterConsentResult {
  status: 200 | 201;
  ack: ConsentRegistrationAck;
  /** For a withdrawal under an erasing policy: the erasure receipt's id. */
  erasureReceiptId?: string;
}

/**
 * One consent decision from a browser, as a receipt:
 * - a grant is registered once under the browser's receipt id (`201`, or `200` when the same
 *   visitor registers it again); a visitor in the opt-out registry cannot grant (`403`), and an id
 *   of another visitor or a withdrawn one is a `409`;
 * - a withdrawal gets its own receipt, withdraws the grant it names and every grant of its visitor
 *   (batches carrying them are refused from then on), enters the visitor in the opt-out registry
 *   when it is an opt-out, and erases what was recorded of the visitor when the policy says so;
 * - a refusal (the built-in banner's, without identifiers) is counted.
 */
export async function registerConsent(
  deps: SubjectRightsDeps,
  input: RegisterConsentInput,
): Promise<RegisterConsentResult> {
  const { store, clock } = deps;
  const { site, registration: r } = input;
  const now = clock.now();
  const base = {
    siteId: site.id,
    visitorId: r.visitorId ?? null,
    granted: r.granted,
    denied: r.denied,
    source: r.source,
    // The policy version in force when the decision was registered (null before the first one).
    policyVersion: (await store.privacy.latestVersion(site.id))?.version ?? null,
    lawfulBasis: effectiveLawfulBasis(site.policy),
    bannerTextHash: r.bannerTextHash ?? null,
    language: r.language ?? null,
    region: input.region,
    recordedAt: now,
  } satisfies Partial<NewConsentReceipt>;
  const ack = (id: string, decision: ConsentDecision, recordedAt = now): ConsentRegistrationAck => ({
    receiptId: id,
    decision,
    recordedAt,
  });

  if (r.decision === 'granted') {
    const receiptId = r.receiptId ?? '';
    if (r.visitorId !== undefined && (await store.optOuts.isOptedOut(site.id, { visitorId: r.visitorId }))) {
      throw new VeilError('consent_required', 'this visitor opted out; Veil does not record them');
    }
    const { outcome, receipt } = await store.consent.registerGrant({
      ...base,
      id: receiptId,
      decision: 'granted',
      withdraws: null,
    });
    if (outcome === 'conflict') {
      throw new VeilError('conflict', 'this receipt id belongs to another visitor or was withdrawn');
    }
    return { status: outcome === 'created' ? 201 : 200, ack: ack(receipt.id, 'granted', receipt.recordedAt) };
  }

  if (r.decision === 'denied') {
    const id = newId('cr');
    await store.consent.recordRefusal({ ...base, id, decision: 'denied', visitorId: null, withdraws: null });
    return { status: 201, ack: ack(id, 'denied') };
  }

  const id = newId('cw');
  await store.consent.recordWithdrawal({
    ...base,
    id,
    decision: 'withdrawn',
    granted: [],
    denied: r.denied.includes(ANALYTICS_CATEGORY) ? r.denied : [...r.denied, ANALYTICS_CATEGORY],
    withdraws: r.receiptId ?? null,
  });
  if (r.optOut && r.visitorId !== undefined) {
    await store.optOuts.add({
      scope: site.id,
      subject: { kind: 'visitor', visitorId: r.visitorId },
      source: r.source,
      createdAt: now,
    });
  }
  const result: RegisterConsentResult = { status: 201, ack: ack(id, 'withdrawn') };
  if (site.policy.eraseOnWithdrawal && r.visitorId !== undefined) {
    const erased = await eraseSubject(deps, {
      site,
      selector: { kind: 'visitorId', visitorId: r.visitorId },
      requestedBy: 'visitor (consent withdrawal)',
      origin: 'withdrawal',
      actor: { type: 'anonymous', id: null, label: 'visitor' },
      keepConsentReceipts: true,
    });
    result.erasureReceiptId = erased.receipt.id;
  }
  return result;
}
