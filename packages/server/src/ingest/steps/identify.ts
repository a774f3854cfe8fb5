import { EventType, type RecordedEvent, redactText, VeilCustomTag } from '@veil/core';
import type { Store } from '../../storage/Store.js';
import type { SubjectHasher } from '../../subjects/SubjectHasher.js';
import { type Drop, drop } from '../Drop.js';
import { detectorsFor } from './redact.js';
import type { LocatedBatch } from './siteAndOrigin.js';

/** Tags one session keeps at most (further ones are not indexed for erasure). */
export const MAX_TAGS_PER_BATCH = 50;

/** What the batch says about its subject: user-id hashes and tags, linked to the session after it is stored. */
export interface SubjectLinks {
  userHashes: string[];
  tags: Array<{ key: string; value: string }>;
}

export interface IdentifiedBatch extends LocatedBatch {
  subject: SubjectLinks;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Step 4, before any redaction (which masks strings in custom events): each `veil.identify` event's
 * user id becomes its keyed hash (HMAC-SHA256 under the identity secret) and leaves the event: only
 * the hash is ever stored, on the session. `veil.tag` pairs are kept, PII-masked, for erasure by tag.
 * A session identified as a user who opted out (on this site or instance-wide) is refused.
 */
export async function identify(
  deps: { store: Store; hasher: SubjectHasher },
  input: LocatedBatch,
): Promise<IdentifiedBatch | Drop> {
  const subject: SubjectLinks = { userHashes: [], tags: [] };
  let detectors: ReturnType<typeof detectorsFor> | undefined;
  const events = input.batch.events.map((event): RecordedEvent => {
    if (event.type !== EventType.Custom || !isObject(event.data)) return event;
    const data = event.data;
    if (data.tag === VeilCustomTag.Identify) {
      const userId = isObject(data.payload) ? data.payload.userId : undefined;
      if (typeof userId === 'string' && userId !== '') {
        const hash = deps.hasher.userHash(userId);
        if (!subject.userHashes.includes(hash)) subject.userHashes.push(hash);
      }
      // The raw id never reaches storage, whatever its shape.
      return { ...event, data: { ...data, payload: { identified: true } } };
    }
    if (
      data.tag === VeilCustomTag.Tag &&
      isObject(data.payload) &&
      subject.tags.length < MAX_TAGS_PER_BATCH
    ) {
      const { key, value } = data.payload;
      if (typeof key === 'string' && key !== '' && (typeof value === 'string' || typeof value === 'number')) {
        // Custom patterns and canaries: tags are stored apart from the (later redacted) events.
        detectors ??= detectorsFor(input.site.id, input.site.policy);
        const tag = {
          key: redactText(key.slice(0, 64), detectors).text,
          value: redactText(String(value).slice(0, 500), detectors).text,
        };
        if (tag.value !== '' && !subject.tags.some((t) => t.key === tag.key && t.value === tag.value))
          subject.tags.push(tag);
      }
    }
    return event;
  });
  const known = await deps.store.subjects.userHashesCached(input.batch.sessionId);
  const userHashes = [...new Set([...subject.userHashes, ...known])];
  if (userHashes.length > 0 && (await deps.store.optOuts.isOptedOut(input.site.id, { userHashes }))) {
    return drop('consent_required', 'this user opted out');
  }
  return { ...input, batch: { ...input.batch, events }, subject };
}

/** After `store`: links the stored session to the batch's user-id hashes and tags (idempotent). */
export async function linkSubject(
  deps: { store: Store },
  input: { site: { id: string }; batch: { sessionId: string }; subject: SubjectLinks },
  now: number,
): Promise<void> {
  for (const hash of input.subject.userHashes) {
    await deps.store.subjects.link(input.batch.sessionId, input.site.id, hash, now);
  }
  await deps.store.subjects.addTags(input.batch.sessionId, input.subject.tags);
}
