import type { ConsentReceipt, SubjectRequestOrigin, SubjectSelector } from '@veil/core';
import type { AuditRecordInput } from '../audit/AuditLog.js';
import type { EnvelopeCipher } from '../crypto/EnvelopeCipher.js';
import { readEventArrays, readPageViews } from '../recordings/readRecording.js';
import { sessionSummary } from '../recordings/sessionView.js';
import type { ConsentReceiptRecord } from '../storage/consent/ConsentReceiptRepository.js';
import type { OptOutRecord } from '../storage/consent/OptOutRepository.js';
import type { SiteRecord } from '../storage/sites/SiteRepository.js';
import type { SubjectRequestRecord } from '../storage/subjects/SubjectRequestRepository.js';
import type { SubjectRightsDeps } from './eraseSubject.js';
import { openSubjectRequest } from './subjectRequestLog.js';

export const SUBJECT_EXPORT_FORMAT = 'veil.subject-export/v1';

export interface ExportSubjectInput {
  site: SiteRecord;
  selector: SubjectSelector;
  requestedBy: string;
  origin: SubjectRequestOrigin;
  actor?: AuditRecordInput['actor'];
  /** The replay-access log's principal (user or token) for each session read. */
  accessor?: { userId: string | null; apiTokenId: string | null };
  requestId?: string | undefined;
  receivedAt?: number | undefined;
  reference?: string | null | undefined;
}

export interface SubjectExport {
  /** The bundle as JSON text (events are spliced in without re-serialising them). */
  json: string;
  bytes: number;
  sessions: number;
  request: SubjectRequestRecord;
}

export function consentReceiptView(r: ConsentReceiptRecord, siteKey: string): ConsentReceipt {
  const { siteId: _siteId, withdrawnAt: _withdrawnAt, ...rest } = r;
  return { ...rest, siteKey };
}

function optOutView(o: OptOutRecord) {
  return {
    scope: o.scope === '*' ? 'instance' : 'site',
    subject: o.subject,
    source: o.source,
    createdAt: o.createdAt,
  };
}

/**
 * Access and portability (GDPR Art. 15/20): one JSON bundle of everything Veil holds about the
 * subject within a site: each session (summary, page views with titles, tags, decrypted events),
 * the consent receipts and opt-outs of its visitors. Every session read is a raw replay access,
 * logged with the request as its purpose; the request log entry is completed with the bundle's size.
 */
export async function exportSubject(
  deps: SubjectRightsDeps & { cipher: EnvelopeCipher },
  input: ExportSubjectInput,
): Promise<SubjectExport> {
  const { store, clock, hasher, cipher } = deps;
  const now = clock.now();
  const recorded = hasher.record(input.selector);
  const request = await openSubjectRequest(store, {
    site: input.site,
    kind: 'access',
    origin: input.origin,
    selector: recorded,
    handledBy: input.requestedBy,
    now,
    requestId: input.requestId,
    receivedAt: input.receivedAt,
    reference: input.reference,
  });
  const sessionIds = await store.subjects.sessionIds(input.site.id, recorded);
  const visitorIds =
    recorded.kind === 'visitorId'
      ? [...new Set([recorded.visitorId, ...(await store.subjects.visitorIds(sessionIds))])]
      : await store.subjects.visitorIds(sessionIds);

  const sessionParts: string[] = [];
  const userHashes = new Set<string>(recorded.kind === 'userId' ? [recorded.userHash] : []);
  for (const id of sessionIds) {
    const summary = await store.recordings.get(id);
    if (!summary) continue;
    await store.accessLog.record({
      userId: input.accessor?.userId ?? null,
      apiTokenId: input.accessor?.apiTokenId ?? null,
      sessionId: id,
      siteId: input.site.id,
      purpose: `data-subject access request ${request.id}`,
      accessedAt: now,
    });
    const [pages, tags, hashes, arrays] = await Promise.all([
      readPageViews(store, cipher, id),
      store.subjects.tags(id),
      store.subjects.userHashes(id),
      readEventArrays(store, cipher, id),
    ]);
    for (const h of hashes) userHashes.add(h);
    const head = JSON.stringify({
      ...sessionSummary(summary),
      visitorId: summary.visitorId,
      userHashes: hashes,
      tags,
      pages,
    });
    const events = arrays.map((a) => a.trim().slice(1, -1).trim()).filter((s) => s !== '');
    sessionParts.push(`${head.slice(0, -1)},"events":[${events.join(',')}]}`);
  }
  const consentReceipts = (await store.consent.forVisitors(input.site.id, visitorIds)).map((r) =>
    consentReceiptView(r, input.site.siteKey),
  );
  const optOuts = (
    await store.optOuts.forSubject(input.site.id, { visitorIds, userHashes: [...userHashes] })
  ).map(optOutView);
  const head = JSON.stringify({
    format: SUBJECT_EXPORT_FORMAT,
    generatedAt: now,
    requestId: request.id,
    site: { siteKey: input.site.siteKey, name: input.site.name },
    subject: recorded,
    consentReceipts,
    optOuts,
  });
  const json = `${head.slice(0, -1)},"sessions":[${sessionParts.join(',')}]}`;
  const bytes = Buffer.byteLength(json, 'utf8');
  const completedAt = clock.now();
  await store.subjectRequests.complete(request.id, { completedAt, exportBytes: bytes });
  await deps.audit?.record({
    action: 'export.downloaded',
    actor: input.actor ?? { type: 'system', id: null, label: input.requestedBy },
    siteKey: input.site.siteKey,
    target: { type: 'subject_request', id: request.id },
    details: { what: 'subject', selectorKind: recorded.kind, count: sessionParts.length, bytes },
  });
  return {
    json,
    bytes,
    sessions: sessionParts.length,
    request: { ...request, completedAt, exportBytes: bytes },
  };
}
