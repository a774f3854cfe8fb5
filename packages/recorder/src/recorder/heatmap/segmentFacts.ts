import { REFERRER_CLASSES, type ReferrerClass, referrerClass } from '@veil/core';
import { type KeyValueStorage, readKey, writeKey } from '../../shared/storage.js';
import { StorageKey } from '../../shared/storageKeys.js';

/** What heatmap segments need to know of a session, decided on its first page. */
export interface SegmentFacts {
  /** The session is the visitor's first. */
  nv: boolean;
  ref: ReferrerClass;
}

interface Stored extends SegmentFacts {
  /** The session these facts belong to. */
  s: string;
}

function parse(raw: string | null): Stored | null {
  try {
    const v = raw ? (JSON.parse(raw) as Partial<Stored>) : null;
    if (!v || typeof v.s !== 'string' || typeof v.nv !== 'boolean') return null;
    if (!(REFERRER_CLASSES as readonly unknown[]).includes(v.ref)) return null;
    return { s: v.s, nv: v.nv, ref: v.ref as ReferrerClass };
  } catch {
    return null;
  }
}

/**
 * The session's segment facts (`veil:segment` in sessionStorage): on the session's first page,
 * new visitor = the visitor id did not exist before this session, referrer class from
 * `document.referrer` and the landing URL's campaign parameters (read here; only the class is
 * sent). Later pages of the session reuse them.
 */
export function sessionSegmentFacts(
  storage: KeyValueStorage | null,
  sessionId: string,
  firstSessionOfVisitor: boolean,
  referrer: string,
  href: string,
): SegmentFacts {
  const stored = parse(readKey(storage, StorageKey.Segment));
  if (stored && stored.s === sessionId) return { nv: stored.nv, ref: stored.ref };
  const facts: SegmentFacts = { nv: firstSessionOfVisitor, ref: referrerClass(referrer, href) };
  writeKey(storage, StorageKey.Segment, JSON.stringify({ s: sessionId, ...facts }));
  return facts;
}
