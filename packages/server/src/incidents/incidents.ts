import { randomUUID } from 'node:crypto';
import {
  type AuditActor,
  type Incident,
  type IncidentDecisionInput,
  type IncidentDetail,
  type NewIncident,
  notificationClock,
} from '@veil/core';
import type { Clock } from '../clock.js';
import { contentScanView } from '../erasure/contentScanView.js';
import { VeilError } from '../errors/VeilError.js';
import type { IncidentRecord } from '../storage/incidents/IncidentRepository.js';
import type { Store } from '../storage/Store.js';
import type { SiteRecord } from '../storage/sites/SiteRepository.js';
import type { AuditRecorder } from '../subjects/eraseSubject.js';

export interface IncidentDeps {
  store: Store;
  clock: Clock;
  audit: AuditRecorder;
}

/** Records an exposure incident (audited). Discovery may predate the record, never the future. */
export async function createIncident(
  deps: IncidentDeps,
  input: { site: SiteRecord; body: NewIncident; createdBy: string; actor: AuditActor },
): Promise<IncidentRecord> {
  const { store, clock, audit } = deps;
  const now = clock.now();
  const discoveredAt = input.body.discoveredAt ?? now;
  if (discoveredAt > now) throw new VeilError('validation_failed', 'discoveredAt is in the future');
  const incident: IncidentRecord = {
    id: `inc_${randomUUID()}`,
    siteId: input.site.id,
    siteKey: input.site.siteKey,
    title: input.body.title,
    kind: input.body.kind,
    page: input.body.page ?? null,
    element: input.body.element ?? null,
    windowFrom: input.body.windowFrom ?? null,
    windowTo: input.body.windowTo ?? null,
    foundHow: input.body.foundHow,
    foundDetails: input.body.foundDetails ?? null,
    discoveredAt,
    createdBy: input.createdBy,
    createdAt: now,
    decision: null,
  };
  await store.incidents.create(incident);
  await audit.record({
    action: 'incident.created',
    actor: input.actor,
    siteKey: input.site.siteKey,
    target: { type: 'incident', id: incident.id },
    details: {
      incidentId: incident.id,
      title: incident.title,
      kind: incident.kind,
      page: incident.page,
      element: incident.element,
      windowFrom: incident.windowFrom,
      windowTo: incident.windowTo,
      foundHow: incident.foundHow,
      discoveredAt,
    },
  });
  return incident;
}

/** The site's incident with this id, or 404. */
export async function incidentOf(store: Store, site: SiteRecord, id: string): Promise<IncidentRecord> {
  const incident = await store.incidents.get(id);
  if (!incident || incident.siteId !== site.id) throw new VeilError('not_found', 'no incident has this id');
  return incident;
}

/** Records the notification decision, once (409 afterwards), with its reason (audited). */
export async function decideIncident(
  deps: IncidentDeps,
  input: { site: SiteRecord; id: string; body: IncidentDecisionInput; decidedBy: string; actor: AuditActor },
): Promise<IncidentRecord> {
  const { store, clock, audit } = deps;
  const incident = await incidentOf(store, input.site, input.id);
  if (input.body.notifiedAt !== undefined && input.body.decision !== 'notify')
    throw new VeilError('validation_failed', 'notifiedAt goes with the decision notify');
  const decision = {
    decision: input.body.decision,
    reason: input.body.reason,
    notifiedAt: input.body.notifiedAt ?? null,
    decidedBy: input.decidedBy,
    decidedAt: clock.now(),
  };
  if (!(await store.incidents.decide(incident.id, decision)))
    throw new VeilError('conflict', 'the notification decision of this incident is recorded already');
  const clockState = notificationClock(incident.discoveredAt, decision.decidedAt, decision.decidedAt);
  await audit.record({
    action: 'incident.decided',
    actor: input.actor,
    siteKey: input.site.siteKey,
    target: { type: 'incident', id: incident.id },
    details: {
      incidentId: incident.id,
      decision: decision.decision,
      reason: decision.reason.slice(0, 1000),
      notifiedAt: decision.notifiedAt,
      discoveredAt: incident.discoveredAt,
      deadline: clockState.deadline,
      inTime: clockState.state === 'decided',
    },
  });
  return { ...incident, decision };
}

/** The API's view: the 72-hour clock at `now` and how many sessions its scans found and erased. */
export async function incidentView(store: Store, incident: IncidentRecord, now: number): Promise<Incident> {
  const scans = await store.contentScans.listForIncident(incident.id);
  return view(incident, scans, now);
}

function view(
  incident: IncidentRecord,
  scans: Awaited<ReturnType<Store['contentScans']['listForIncident']>>,
  now: number,
): Incident {
  const found = new Set<string>();
  const erased = new Set<string>();
  for (const s of scans) {
    for (const m of s.matches) found.add(m.sessionId);
    for (const id of s.erasure?.sessionIds ?? []) erased.add(id);
  }
  const { siteId: _siteId, ...rest } = incident;
  return {
    ...rest,
    clock: notificationClock(incident.discoveredAt, incident.decision?.decidedAt ?? null, now),
    sessionsFound: found.size,
    sessionsErased: erased.size,
  };
}

/** One incident with its scans (matches, erasure receipts): the evidence. */
export async function incidentDetail(
  store: Store,
  incident: IncidentRecord,
  now: number,
): Promise<IncidentDetail> {
  const scans = await store.contentScans.listForIncident(incident.id);
  return { incident: view(incident, scans, now), scans: scans.map(contentScanView) };
}
