import { randomUUID } from 'node:crypto';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { AuditActor, ContentErasureReceipt, ContentMatch } from '@veil/core';
import type { Clock } from '../clock.js';
import type { EnvelopeCipher } from '../crypto/EnvelopeCipher.js';
import { VeilError } from '../errors/VeilError.js';
import { readEventArrays } from '../recordings/readRecording.js';
import type { ContentScanRecord } from '../storage/contentScans/ContentScanRepository.js';
import type { Store } from '../storage/Store.js';
import type { SiteRecord } from '../storage/sites/SiteRepository.js';
import type { AuditRecorder } from '../subjects/eraseSubject.js';
import type { SubjectHasher } from '../subjects/SubjectHasher.js';
import {
  type ContentQuery,
  compileMatcher,
  MAX_POSITIONS_PER_SESSION,
  type Matcher,
  matchEvents,
} from './contentMatcher.js';

/** Sessions read per page of the site's session list. */
const SCAN_PAGE_SESSIONS = 200;
/** Progress is written at most this often (and at the end). */
const PROGRESS_EVERY_MS = 500;
/** A running scan not updated for this long belongs to a process that stopped: it is failed. */
export const STALE_SCAN_MS = 5 * 60 * 1000;
/** Sessions erased per call (one transaction each). */
const ERASE_BATCH = 500;

export interface ContentScanDeps {
  store: Store;
  clock: Clock;
  cipher: EnvelopeCipher;
  hasher: SubjectHasher;
  audit: AuditRecorder;
  /** Told when a background scan fails (never with the value). */
  onError?: (error: unknown, scanId: string) => void;
  /** Aborted when the server stops: a running scan ends as failed (interrupted). */
  signal?: AbortSignal;
}

export interface StartScanInput {
  site: SiteRecord;
  query: ContentQuery;
  receivedFrom?: number | undefined;
  receivedTo?: number | undefined;
  incidentId?: string | undefined;
  createdBy: string;
  actor: AuditActor;
}

export interface StartedScan {
  scan: ContentScanRecord;
  /** Resolves when the scan has finished (completed or failed); never rejects. */
  done: Promise<ContentScanRecord>;
}

function textOf(query: ContentQuery): string {
  return query.kind === 'value' ? query.value : query.pattern;
}

/**
 * Starts a scan of the site's decrypted recordings for a leaked value or pattern: records the scan
 * (its keyed hash, never the value), audits it, and runs it in the background of this process. The
 * matcher holds the value in memory only while the scan runs.
 */
export async function startContentScan(deps: ContentScanDeps, input: StartScanInput): Promise<StartedScan> {
  const { store, clock, hasher, audit } = deps;
  const matcher = compileMatcher(input.query); // refuses a bad value or pattern before anything is stored
  const now = clock.now();
  const scan: ContentScanRecord = {
    id: `scan_${randomUUID()}`,
    siteId: input.site.id,
    siteKey: input.site.siteKey,
    kind: input.query.kind,
    caseSensitive: input.query.caseSensitive,
    valueHash: hasher.leakedValueHash(input.query.kind, textOf(input.query), input.query.caseSensitive),
    receivedFrom: input.receivedFrom ?? null,
    receivedTo: input.receivedTo ?? null,
    status: 'running',
    sessionsTotal: 0,
    sessionsScanned: 0,
    matchedSessions: 0,
    matchedCount: 0,
    matches: [],
    error: null,
    incidentId: input.incidentId ?? null,
    createdBy: input.createdBy,
    createdAt: now,
    updatedAt: now,
    completedAt: null,
    erasure: null,
  };
  await store.contentScans.create(scan);
  await audit.record({
    action: 'erasure.content_scanned',
    actor: input.actor,
    siteKey: input.site.siteKey,
    target: { type: 'content_scan', id: scan.id },
    details: {
      scanId: scan.id,
      kind: scan.kind,
      valueHash: scan.valueHash,
      caseSensitive: scan.caseSensitive,
      receivedFrom: scan.receivedFrom,
      receivedTo: scan.receivedTo,
      incidentId: scan.incidentId,
    },
  });
  const done = scanSessions(deps, scan, matcher);
  return { scan, done };
}

async function scanSessions(
  deps: ContentScanDeps,
  scan: ContentScanRecord,
  match: Matcher,
): Promise<ContentScanRecord> {
  const { store, clock, cipher } = deps;
  const window = { siteId: scan.siteId, receivedFrom: scan.receivedFrom, receivedTo: scan.receivedTo };
  const matches: ContentMatch[] = [];
  let scanned = 0;
  let total = 0;
  try {
    total = await store.contentScans.countSessions(window);
    await store.contentScans.progress(scan.id, {
      sessionsTotal: total,
      sessionsScanned: 0,
      matches,
      at: clock.now(),
    });
    let lastWrite = Date.now();
    let after: { receivedAt: number; id: string } | null = null;
    for (;;) {
      const page = await store.contentScans.sessionPage(window, after, SCAN_PAGE_SESSIONS);
      if (page.length === 0) break;
      for (const session of page) {
        if (deps.signal?.aborted)
          throw new VeilError('conflict', 'interrupted: the server stopped during the scan');
        const found = await scanOne(store, cipher, session.id, match);
        if (found) matches.push(found);
        scanned += 1;
        if (Date.now() - lastWrite >= PROGRESS_EVERY_MS) {
          // Sessions may arrive meanwhile: the total never falls below what was read.
          await store.contentScans.progress(scan.id, {
            sessionsTotal: Math.max(total, scanned),
            sessionsScanned: scanned,
            matches,
            at: clock.now(),
          });
          lastWrite = Date.now();
        }
        await yieldToLoop(); // keeps the server answering while a long scan runs
      }
      const last = page[page.length - 1];
      after = last ? { receivedAt: last.receivedAt, id: last.id } : null;
    }
    await store.contentScans.progress(scan.id, {
      sessionsTotal: Math.max(total, scanned),
      sessionsScanned: scanned,
      matches,
      at: clock.now(),
    });
    await store.contentScans.finish(scan.id, { status: 'completed', matches, error: null, at: clock.now() });
  } catch (error) {
    deps.onError?.(error, scan.id);
    // The message of our own errors only: a decryption or parse error could quote recorded text.
    const reason = error instanceof VeilError ? error.message : 'the scan failed (see the server log)';
    await store.contentScans
      .finish(scan.id, { status: 'failed', matches, error: reason, at: clock.now() })
      .catch((e: unknown) => deps.onError?.(e, scan.id));
  }
  return (await store.contentScans.get(scan.id)) ?? scan;
}

async function scanOne(
  store: Store,
  cipher: EnvelopeCipher,
  sessionId: string,
  match: Matcher,
): Promise<ContentMatch | undefined> {
  let arrays: string[];
  try {
    arrays = await readEventArrays(store, cipher, sessionId);
  } catch (error) {
    // Erased or purged while the scan ran: nothing left to find.
    if ((await store.recordings.wrappedKey(sessionId)) === undefined) return undefined;
    throw error;
  }
  let index = 0;
  let count = 0;
  const positions = [];
  for (const text of arrays) {
    const events = JSON.parse(text) as unknown[];
    for (const p of matchEvents(events, match, index)) {
      count += p.count;
      if (positions.length < MAX_POSITIONS_PER_SESSION) positions.push(p);
    }
    index += events.length;
  }
  return count > 0 ? { sessionId, count, positions } : undefined;
}

export interface EraseMatchesInput {
  scanId: string;
  site: SiteRecord;
  erasedBy: string;
  actor: AuditActor;
}

/**
 * Erases every session a completed scan found (data keys first, then chunks, page views, links,
 * tags and heatmap state), except sessions a legal hold keeps, and stores the receipt on the scan
 * and in the audit log (with the value's keyed hash). A scan is erased once: a second call is a
 * conflict.
 */
export async function eraseContentMatches(
  deps: Pick<ContentScanDeps, 'store' | 'clock' | 'audit'>,
  input: EraseMatchesInput,
): Promise<{ scan: ContentScanRecord; receipt: ContentErasureReceipt }> {
  const { store, clock, audit } = deps;
  const scan = await store.contentScans.get(input.scanId);
  if (!scan || scan.siteId !== input.site.id) throw new VeilError('not_found', 'no content scan has this id');
  if (scan.status === 'running') throw new VeilError('conflict', 'the scan is still running');
  if (scan.status !== 'completed') throw new VeilError('conflict', `the scan is ${scan.status}`);
  const ids = scan.matches.map((m) => m.sessionId);
  const held = await store.contentScans.heldSessionIds(scan.siteId, ids, clock.now());
  const toErase = ids.filter((id) => !held.includes(id));
  const totals = { sessions: 0, chunks: 0, dataKeys: 0 };
  for (let i = 0; i < toErase.length; i += ERASE_BATCH) {
    const batch = toErase.slice(i, i + ERASE_BATCH);
    const erased = await store.subjects.eraseSessions(batch);
    await store.heatmaps.deleteSessions(batch);
    totals.sessions += erased.sessions;
    totals.chunks += erased.chunks;
    totals.dataKeys += erased.dataKeys;
  }
  const receipt: ContentErasureReceipt = {
    id: `cer_${randomUUID()}`,
    sessions: totals.sessions,
    chunks: totals.chunks,
    dataKeysDestroyed: totals.dataKeys,
    heldSessionIds: held,
    sessionIds: toErase,
    erasedBy: input.erasedBy,
    erasedAt: clock.now(),
  };
  if (!(await store.contentScans.markErased(scan.id, receipt)))
    throw new VeilError('conflict', 'the scan was erased meanwhile');
  await audit.record({
    action: 'erasure.content_erased',
    actor: input.actor,
    siteKey: input.site.siteKey,
    target: { type: 'content_scan', id: scan.id },
    details: {
      scanId: scan.id,
      receiptId: receipt.id,
      valueHash: scan.valueHash,
      sessions: receipt.sessions,
      chunks: receipt.chunks,
      dataKeysDestroyed: receipt.dataKeysDestroyed,
      held: held.length,
      incidentId: scan.incidentId,
    },
  });
  const updated = await store.contentScans.get(scan.id);
  return { scan: updated ?? scan, receipt };
}
