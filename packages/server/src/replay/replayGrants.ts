import { actorOf, systemActor } from '../audit/auditActor.js';
import type { Principal } from '../auth/principal.js';
import type { VeilContext } from '../context.js';
import type { ReplayGrantRecord } from '../storage/access/ReplayGrantRepository.js';
import type { SessionSummaryRecord } from '../storage/recordings/RecordingRepository.js';

/** How long a stated purpose opens one session's raw events. */
export const REPLAY_GRANT_TTL_MS = 30 * 60 * 1000;
/** The access-anomaly window. */
export const RAW_REPLAY_WINDOW_MS = 60 * 60 * 1000;
export {
  MAX_REPLAY_PURPOSE_CHARS as MAX_PURPOSE_CHARS,
  MAX_REPLAY_TICKET_CHARS as MAX_TICKET_CHARS,
  MIN_REPLAY_PURPOSE_CHARS as MIN_PURPOSE_CHARS,
} from '@veil/core';

function holderOf(principal: Principal): { userId: string | null; apiTokenId: string | null } {
  return principal.kind === 'user'
    ? { userId: principal.userId, apiTokenId: null }
    : { userId: null, apiTokenId: principal.tokenId };
}

/**
 * Grants the caller raw access to one session for `REPLAY_GRANT_TTL_MS`, for a stated purpose
 * (and optional ticket reference). Only `POST /sessions/{id}/replay-grants` calls this: a grant is
 * a change of state (an access-log record and one `replay.viewed` audit entry), which no GET
 * makes. A caller who already holds a live grant with the same purpose and ticket gets it back
 * instead of a new one.
 * Opening more sessions per hour than the site allows raises an access-anomaly alert (once per
 * actor, site and hour) — the access itself goes on: the alert is for a human to review.
 */
export async function grantReplayAccess(
  veil: Pick<VeilContext, 'store' | 'clock' | 'audit' | 'alerts'>,
  principal: Principal,
  session: SessionSummaryRecord,
  purpose: string,
  ticket: string | null,
): Promise<{ grant: ReplayGrantRecord; created: boolean }> {
  const { store, clock, audit } = veil;
  const now = clock.now();
  const holder = holderOf(principal);
  const live = await store.replayGrants.findActive(session.id, holder, now);
  if (live && live.purpose === purpose && live.ticket === ticket) return { grant: live, created: false };

  const actor = actorOf(principal);
  const grant = await store.replayGrants.create({
    ...holder,
    actorLabel: actor.label ?? '',
    sessionId: session.id,
    siteId: session.siteId,
    purpose,
    ticket,
    createdAt: now,
    expiresAt: now + REPLAY_GRANT_TTL_MS,
  });
  // The access log (subject exports list it) records the grant before anything is decrypted.
  await store.accessLog.record({
    ...holder,
    sessionId: session.id,
    siteId: session.siteId,
    purpose,
    accessedAt: now,
  });
  await audit.record({
    action: 'replay.viewed',
    actor,
    siteKey: session.siteKey,
    target: { type: 'session', id: session.id },
    details: { purpose, ticket, grantId: grant.id, expiresAt: grant.expiresAt },
  });
  await checkRawReplayRate(veil, principal, session, now);
  return { grant, created: true };
}

async function checkRawReplayRate(
  veil: Pick<VeilContext, 'store' | 'clock' | 'audit' | 'alerts'>,
  principal: Principal,
  session: SessionSummaryRecord,
  now: number,
): Promise<void> {
  const { store, audit } = veil;
  const threshold = await store.accessLimits.rawReplaysPerHour(session.siteId);
  if (threshold === undefined) return;
  const holder = holderOf(principal);
  const count = await store.replayGrants.countSince(session.siteId, holder, now - RAW_REPLAY_WINDOW_MS);
  if (count <= threshold) return;
  const windowStart = Math.floor(now / RAW_REPLAY_WINDOW_MS) * RAW_REPLAY_WINDOW_MS;
  const actor = actorOf(principal);
  const alert = await store.accessAlerts.raise({
    kind: 'raw_replay_rate',
    dedupeKey: `raw_replay_rate:${session.siteId}:${holder.userId ?? `token:${holder.apiTokenId}`}:${windowStart}`,
    siteId: session.siteId,
    siteKey: session.siteKey,
    ...holder,
    actorLabel: actor.label ?? '',
    count,
    threshold,
    windowStart,
    createdAt: now,
    acknowledgedAt: null,
    acknowledgedBy: null,
    note: null,
  });
  if (!alert) return;
  if (session.siteKey) {
    await veil.alerts.raise('access_anomaly', session.siteKey, {
      subject: `raw_replay_rate|${holder.userId ?? `token:${holder.apiTokenId}`}|${windowStart}`,
      summary: `${actor.label ?? 'someone'} opened ${count} raw replays within an hour (limit ${threshold})`,
      details: { who: actor.label, count, limit: threshold, windowStart, accessAlertId: alert.id },
    });
  }
  await audit.record({
    action: 'replay.access_anomaly',
    actor: systemActor('access-anomaly'),
    siteKey: session.siteKey,
    target: actor.id ? { type: actor.type, id: actor.id } : null,
    details: { alertId: alert.id, who: actor.label, count, limit: threshold, windowMs: RAW_REPLAY_WINDOW_MS },
  });
}
