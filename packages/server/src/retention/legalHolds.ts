import { randomUUID } from 'node:crypto';
import type { AuditActor } from '@veil/core';
import { z } from 'zod';
import type { Clock } from '../clock.js';
import { VeilError } from '../errors/VeilError.js';
import type { LegalHoldRecord } from '../storage/retention/RetentionRepository.js';
import type { Store } from '../storage/Store.js';
import type { SiteRecord } from '../storage/sites/SiteRepository.js';
import type { AuditRecorder } from '../subjects/eraseSubject.js';
import type { SubjectHasher } from '../subjects/SubjectHasher.js';
import { DAY_MS } from './retentionConstants.js';

/** The longest a hold may last before it must be renewed (a new hold, with its own reason). */
export const MAX_HOLD_DAYS = 3 * 365;

/** What a hold keeps: one session, or every session of a subject (`veil('identify')` user id). */
export const holdTargetSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('session'), sessionId: z.string().min(1).max(200) }),
  z.object({ kind: z.literal('userId'), userId: z.string().min(1).max(500) }),
]);
export type HoldTarget = z.infer<typeof holdTargetSchema>;

export const newHoldSchema = z.object({
  target: holdTargetSchema,
  reason: z.string().trim().min(3, 'say why the sessions are held').max(500),
  /** Server time (ms) at which the hold ends by itself. */
  expiresAt: z.number().int().positive(),
});

export interface HoldDeps {
  store: Store;
  clock: Clock;
  hasher: SubjectHasher;
  audit: AuditRecorder;
}

/** The API's view of a hold: never the user id, only whether it names a subject. */
export interface LegalHoldView {
  id: string;
  siteKey: string;
  scope: 'session' | 'subject';
  sessionId: string | null;
  reason: string;
  createdBy: string;
  createdAt: number;
  expiresAt: number;
  releasedAt: number | null;
  releasedBy: string | null;
  active: boolean;
}

export function holdView(h: LegalHoldRecord, now: number): LegalHoldView {
  return {
    id: h.id,
    siteKey: h.siteKey,
    scope: h.sessionId === null ? 'subject' : 'session',
    sessionId: h.sessionId,
    reason: h.reason,
    createdBy: h.createdBy,
    createdAt: h.createdAt,
    expiresAt: h.expiresAt,
    releasedAt: h.releasedAt,
    releasedBy: h.releasedBy,
    active: h.releasedAt === null && h.expiresAt > now,
  };
}

/**
 * Places a legal hold: the named session (which must belong to the site) or every session of the
 * subject (its user id stored only as the keyed hash) stays past retention until `expiresAt` or a
 * release. Audited as `retention.hold_placed`.
 */
export async function placeHold(
  deps: HoldDeps,
  input: {
    site: SiteRecord;
    target: HoldTarget;
    reason: string;
    expiresAt: number;
    createdBy: string;
    actor: AuditActor;
  },
): Promise<LegalHoldRecord> {
  const now = deps.clock.now();
  if (input.expiresAt <= now) throw new VeilError('validation_failed', 'expiresAt: must be in the future');
  if (input.expiresAt > now + MAX_HOLD_DAYS * DAY_MS) {
    throw new VeilError('validation_failed', `expiresAt: a hold lasts at most ${MAX_HOLD_DAYS} days`);
  }
  let sessionId: string | null = null;
  let userHash: string | null = null;
  if (input.target.kind === 'session') {
    const session = await deps.store.recordings.get(input.target.sessionId);
    if (!session || session.siteId !== input.site.id)
      throw new VeilError('not_found', 'no such session on this site');
    sessionId = session.id;
  } else {
    userHash = deps.hasher.userHash(input.target.userId);
  }
  const hold: LegalHoldRecord = {
    id: `hold_${randomUUID()}`,
    siteId: input.site.id,
    siteKey: input.site.siteKey,
    sessionId,
    userHash,
    reason: input.reason,
    createdBy: input.createdBy,
    createdAt: now,
    expiresAt: input.expiresAt,
    releasedAt: null,
    releasedBy: null,
  };
  await deps.store.retention.addHold(hold);
  await deps.audit.record({
    action: 'retention.hold_placed',
    actor: input.actor,
    siteKey: input.site.siteKey,
    target: { type: 'legal_hold', id: hold.id },
    details: {
      holdId: hold.id,
      scope: sessionId === null ? 'subject' : 'session',
      ...(sessionId === null ? {} : { sessionId }),
      reason: hold.reason,
      expiresAt: hold.expiresAt,
    },
  });
  return hold;
}

/** Ends an active hold now (audited `retention.hold_released`); the next purge run applies. */
export async function releaseHold(
  deps: HoldDeps,
  input: { site: SiteRecord; holdId: string; releasedBy: string; actor: AuditActor },
): Promise<LegalHoldRecord> {
  const hold = await deps.store.retention.getHold(input.holdId);
  if (!hold || hold.siteId !== input.site.id)
    throw new VeilError('not_found', 'no such legal hold on this site');
  const now = deps.clock.now();
  if (!(await deps.store.retention.releaseHold(hold.id, input.releasedBy, now))) {
    throw new VeilError('conflict', 'this legal hold has ended already');
  }
  await deps.audit.record({
    action: 'retention.hold_released',
    actor: input.actor,
    siteKey: input.site.siteKey,
    target: { type: 'legal_hold', id: hold.id },
    details: { holdId: hold.id },
  });
  return { ...hold, releasedAt: now, releasedBy: input.releasedBy };
}
