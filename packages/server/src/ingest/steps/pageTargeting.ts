import {
  EventType,
  enforceActivityEvent,
  isNetworkPayloadEvent,
  pageAllowed,
  type RecordedEvent,
  urlPath,
  VeilCustomTag,
} from '@veil/core';
import type { Clock } from '../../clock.js';
import type { SessionPrivacyStates } from '../../privacy/SessionPrivacyStates.js';
import type { Store } from '../../storage/Store.js';
import { type Drop, drop } from '../Drop.js';
import type { LocatedBatch } from './siteAndOrigin.js';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The page an event moves the session to (rrweb Meta, Veil page view), if it does. */
function pageOf(event: RecordedEvent): string | undefined {
  const data = event.data;
  if (!isObject(data)) return undefined;
  if (event.type === EventType.Meta && typeof data.href === 'string') return data.href;
  if (event.type === EventType.Custom && data.tag === VeilCustomTag.PageView && isObject(data.payload)) {
    return typeof data.payload.url === 'string' ? data.payload.url : undefined;
  }
  return undefined;
}

/** A Veil custom event's tag, if the event is one. */
function customTag(event: RecordedEvent): unknown {
  return event.type === EventType.Custom && isObject(event.data) ? event.data.tag : undefined;
}

/** Heatmap events name their own page path (`veil.hm.*`, payload `path`). */
function ownPath(event: RecordedEvent): string | undefined {
  const data = event.data;
  if (event.type !== EventType.Custom || !isObject(data) || typeof data.tag !== 'string') return undefined;
  if (!data.tag.startsWith('veil.hm.') || !isObject(data.payload)) return undefined;
  return typeof data.payload.path === 'string' ? data.payload.path : undefined;
}

/**
 * Page targeting, checked again on the server (the browser can lie): events recorded on pages
 * outside the allow list or inside the deny list are dropped and counted, and so are network
 * payload events (XHR/fetch bodies) unless the policy captures them, and error and network
 * metadata events when the policy's `captureErrors` / `captureNetworkMetadata` are off; the
 * error and network events kept are rebuilt from their allowed fields (core's
 * `enforceActivityEvent`: no headers or bodies, no query or fragment in a path, texts pre-cut,
 * `redact` cuts them to their caps), a malformed one is dropped (`malformed_activity`). The session's page carries
 * over between batches (remembered, else its last stored page view); while it is unknown on a
 * site with page lists, events are dropped (privacy fails closed). A batch left empty is refused.
 */
export async function pageTargeting<T extends LocatedBatch>(
  deps: { store: Store; clock: Clock; sessions: SessionPrivacyStates },
  input: T,
): Promise<T | Drop> {
  const { site, batch } = input;
  const { pageAllowList, pageDenyList, captureNetworkPayloads, captureErrors, captureNetworkMetadata } =
    site.policy;
  const targeted = pageAllowList.length > 0 || pageDenyList.length > 0;
  let networkDropped = 0;
  let errorsDropped = 0;
  let metadataDropped = 0;
  let malformedDropped = 0;
  let pageDropped = 0;
  let events = batch.events;
  if (!captureNetworkPayloads) {
    events = events.filter((e) => !isNetworkPayloadEvent(e));
    networkDropped = batch.events.length - events.length;
  }
  {
    // Error and network events: dropped when their switch is off, else rebuilt from their allowed
    // fields (paths without query or fragment, texts pre-cut), dropped when malformed.
    let changed = false;
    const kept: RecordedEvent[] = [];
    for (const e of events) {
      const tag = customTag(e);
      if (tag !== VeilCustomTag.Error && tag !== VeilCustomTag.Network) {
        kept.push(e);
        continue;
      }
      changed = true;
      if (!captureErrors && tag === VeilCustomTag.Error) errorsDropped++;
      else if (!captureNetworkMetadata && tag === VeilCustomTag.Network) metadataDropped++;
      else {
        const enforced = enforceActivityEvent(e);
        if (enforced === 'drop') malformedDropped++;
        else kept.push(enforced);
      }
    }
    if (changed) events = kept;
  }
  if (targeted) {
    const state = deps.sessions.get(batch.sessionId);
    if (
      state.page === undefined &&
      pageOf(events[0] ?? { type: -1, timestamp: 0, data: null }) === undefined
    ) {
      const pages = await deps.store.recordings.pages(batch.sessionId);
      state.page = pages.at(-1)?.url;
    }
    let allowed = state.page !== undefined && pageAllowed(urlPath(state.page), pageAllowList, pageDenyList);
    const kept: RecordedEvent[] = [];
    for (const event of events) {
      const page = pageOf(event);
      if (page !== undefined) {
        state.page = page;
        allowed = pageAllowed(urlPath(page), pageAllowList, pageDenyList);
      }
      const path = ownPath(event);
      const ok = path !== undefined ? pageAllowed(path, pageAllowList, pageDenyList) : allowed;
      if (ok) kept.push(event);
      else pageDropped++;
    }
    events = kept;
  }
  const now = deps.clock.now();
  if (networkDropped > 0) await deps.store.privacy.countDrop(site.id, 'network_payload', now, networkDropped);
  if (errorsDropped > 0) await deps.store.privacy.countDrop(site.id, 'error_events', now, errorsDropped);
  if (metadataDropped > 0)
    await deps.store.privacy.countDrop(site.id, 'network_metadata', now, metadataDropped);
  if (malformedDropped > 0)
    await deps.store.privacy.countDrop(site.id, 'malformed_activity', now, malformedDropped);
  if (pageDropped > 0) await deps.store.privacy.countDrop(site.id, 'page_not_allowed', now, pageDropped);
  if (events.length === 0 && batch.events.length > 0) {
    return drop('not_recorded', 'the site does not record this page');
  }
  if (events === batch.events) return input;
  return { ...input, batch: { ...batch, events } };
}
