import { randomBytes } from 'node:crypto';
import {
  type RecordedSelector,
  SUBJECT_REQUEST_DEADLINE_DAYS,
  type SubjectRequest,
  type SubjectRequestKind,
  type SubjectRequestOrigin,
} from '@veil/core';
import { VeilError } from '../errors/VeilError.js';
import type { Store } from '../storage/Store.js';
import type { SiteRecord } from '../storage/sites/SiteRepository.js';
import type { SubjectRequestRecord } from '../storage/subjects/SubjectRequestRepository.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/** A new random id with a readable prefix (`dsr_…`, `er_…`). */
export function newId(prefix: string): string {
  return `${prefix}_${randomBytes(12).toString('base64url')}`;
}

export interface OpenRequestInput {
  site: SiteRecord;
  kind: SubjectRequestKind;
  origin: SubjectRequestOrigin;
  selector: RecordedSelector;
  handledBy: string;
  now: number;
  /** An entry logged before (received by email, say) that this act completes. */
  requestId?: string | undefined;
  /** When the request reached the organisation; default `now`. */
  receivedAt?: number | undefined;
  reference?: string | null | undefined;
  /** Statutory days; default `SUBJECT_REQUEST_DEADLINE_DAYS` (GDPR). */
  deadlineDays?: number | undefined;
}

/** The request-log entry an erasure or export completes: the given one, or a new one. */
export async function openSubjectRequest(
  store: Store,
  input: OpenRequestInput,
): Promise<SubjectRequestRecord> {
  if (input.requestId !== undefined) {
    const existing = await store.subjectRequests.findById(input.requestId);
    if (!existing || existing.siteId !== input.site.id)
      throw new VeilError('not_found', 'no data-subject request of this site has that id');
    if (existing.kind !== input.kind)
      throw new VeilError('conflict', `that request is an ${existing.kind} request, not ${input.kind}`);
    if (existing.completedAt !== null) throw new VeilError('conflict', 'that request is completed already');
    return existing;
  }
  const receivedAt = input.receivedAt ?? input.now;
  return store.subjectRequests.create({
    id: newId('dsr'),
    siteId: input.site.id,
    siteKey: input.site.siteKey,
    kind: input.kind,
    origin: input.origin,
    selector: input.selector,
    receivedAt,
    dueAt: receivedAt + (input.deadlineDays ?? SUBJECT_REQUEST_DEADLINE_DAYS) * DAY_MS,
    completedAt: null,
    handledBy: input.handledBy,
    reference: input.reference ?? null,
    erasureReceiptId: null,
    exportBytes: null,
  });
}

/** The API's view of a log entry. */
export function subjectRequestView(r: SubjectRequestRecord): SubjectRequest {
  const { siteId: _siteId, ...view } = r;
  return view;
}
