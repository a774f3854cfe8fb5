import type { DemoDataSelector, ErasureReceipt, SubjectRequestOrigin, SubjectSelector } from '@veil/core';
import type { AuditRecordInput } from '../audit/AuditLog.js';
import type { Clock } from '../clock.js';
import type { Store } from '../storage/Store.js';
import type { SiteRecord } from '../storage/sites/SiteRepository.js';
import type {
  ErasureReceiptRecord,
  SubjectRequestRecord,
} from '../storage/subjects/SubjectRequestRepository.js';
import type { SubjectHasher } from './SubjectHasher.js';
import { newId, openSubjectRequest } from './subjectRequestLog.js';

/** Where erasures record themselves (the audit log); optional so the store layer can be tested alone. */
export interface AuditRecorder {
  record(input: AuditRecordInput): Promise<unknown>;
}

export interface SubjectRightsDeps {
  store: Store;
  clock: Clock;
  hasher: SubjectHasher;
  audit?: AuditRecorder | undefined;
}

export interface EraseSubjectInput {
  site: SiteRecord;
  /** A person, or the site's demo data (`veil demo --erase`). */
  selector: SubjectSelector | DemoDataSelector;
  /** Who asked: a user's email, a token's name, `cli`, `visitor`. */
  requestedBy: string;
  origin: SubjectRequestOrigin;
  /** The audit actor (defaults to a system actor named after `requestedBy`). */
  actor?: AuditRecordInput['actor'];
  requestId?: string | undefined;
  receivedAt?: number | undefined;
  reference?: string | null | undefined;
  /**
   * Keep the visitors' consent receipts: an erasure that follows a consent withdrawal keeps the
   * evidence that recording had a lawful basis until then (GDPR Art. 7(1)).
   */
  keepConsentReceipts?: boolean;
}

export interface ErasureResult {
  receipt: ErasureReceiptRecord;
  request: SubjectRequestRecord;
}

/**
 * Erasure (GDPR Art. 17, CCPA delete) of one subject within a site: finds the sessions the selector
 * names, destroys their data keys and deletes them with their chunks, page views, links and tags
 * (crypto-shredding: a chunk left in a backup stays unreadable, even with the master key); for a
 * user or visitor also deletes the consent receipts of the visitors concerned. Idempotent: a
 * second run finds nothing and says so in its own receipt. The erasure receipt (what, how many,
 * when, who) is kept as evidence, the request log entry is completed, the audit log records it.
 */
export async function eraseSubject(
  deps: SubjectRightsDeps,
  input: EraseSubjectInput,
): Promise<ErasureResult> {
  const { store, clock, hasher } = deps;
  const startedAt = clock.now();
  const recorded = hasher.record(input.selector);
  const request = await openSubjectRequest(store, {
    site: input.site,
    kind: 'erasure',
    origin: input.origin,
    selector: recorded,
    handledBy: input.requestedBy,
    now: startedAt,
    requestId: input.requestId,
    receivedAt: input.receivedAt,
    reference: input.reference,
  });

  const sessionIds = await store.subjects.sessionIds(input.site.id, recorded);
  // A person's consent receipts go with them (demo visitors' too: demo data); erasing one session
  // or a tag is about data only.
  const visitorIds = input.keepConsentReceipts
    ? []
    : recorded.kind === 'visitorId'
      ? [...new Set([recorded.visitorId, ...(await store.subjects.visitorIds(sessionIds))])]
      : recorded.kind === 'userId' || recorded.kind === 'demo'
        ? await store.subjects.visitorIds(sessionIds)
        : [];
  const erased = await store.subjects.eraseSessions(sessionIds);
  // Heatmap counting state names the sessions: it goes too (the anonymous aggregates stay).
  await store.heatmaps.deleteSessions(sessionIds);
  const consentReceipts = await store.consent.deleteForVisitors(input.site.id, visitorIds);
  const completedAt = clock.now();
  const receipt: ErasureReceiptRecord = {
    id: newId('er'),
    siteId: input.site.id,
    siteKey: input.site.siteKey,
    selector: recorded,
    sessions: erased.sessions,
    chunks: erased.chunks,
    dataKeysDestroyed: erased.dataKeys,
    consentReceipts,
    sessionIds,
    requestedBy: input.requestedBy,
    requestId: request.id,
    startedAt,
    completedAt,
  };
  await store.subjectRequests.addErasureReceipt(receipt);
  await store.subjectRequests.complete(request.id, { completedAt, erasureReceiptId: receipt.id });
  await deps.audit?.record({
    action: 'erasure.performed',
    actor: input.actor ?? { type: 'system', id: null, label: input.requestedBy },
    siteKey: input.site.siteKey,
    target: { type: 'erasure_receipt', id: receipt.id },
    details: {
      selectorKind: recorded.kind,
      sessions: erased.sessions,
      chunks: erased.chunks,
      dataKeysDestroyed: erased.dataKeys,
      consentReceipts,
      requestId: request.id,
    },
  });
  return { receipt, request: { ...request, completedAt, erasureReceiptId: receipt.id } };
}

/** The API's view of an erasure receipt. */
export function erasureReceiptView(r: ErasureReceiptRecord): ErasureReceipt {
  const { siteId: _siteId, ...view } = r;
  return view;
}
