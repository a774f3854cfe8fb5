import { SESSION_IDLE_TIMEOUT_MS } from '@veil/core';
import { URL_SAFE_ID } from './randomId.js';
import { type KeyValueStorage, readKey, writeKey } from './storage.js';
import { StorageKey } from './storageKeys.js';

/** What a tab keeps of its session in sessionStorage (`veil:session`). */
export interface SessionState {
  /** Random url-safe id (22 characters). */
  id: string;
  /** The next batch sequence number of this session. */
  seq: number;
  /** Last visitor activity, ms since epoch: the session rotates after `SESSION_IDLE_TIMEOUT_MS`. */
  at: number;
}

/** Reads a stored session; anything malformed counts as none. */
export function parseSessionState(raw: string | null): SessionState | null {
  if (!raw) return null;
  try {
    const v: unknown = JSON.parse(raw);
    if (typeof v !== 'object' || v === null) return null;
    const { id, seq, at } = v as Record<string, unknown>;
    if (typeof id !== 'string' || !URL_SAFE_ID.test(id)) return null;
    // Number.isInteger / isFinite are false for anything that is not a number (no coercion).
    if (!Number.isInteger(seq) || (seq as number) < 0 || !Number.isFinite(at)) return null;
    return { id, seq: seq as number, at: at as number };
  } catch {
    return null;
  }
}

/** A stored session continues when it was active less than the idle timeout ago. */
export function sessionContinues(state: SessionState | null, now: number): state is SessionState {
  // abs(): a clock set back by more than the timeout also ends the session.
  return state !== null && Math.abs(now - state.at) < SESSION_IDLE_TIMEOUT_MS;
}

/**
 * The tab's session as of a page load (a page load is activity): the stored one when it
 * continues, else a new id from seq 0; persisted with `at = now`. The loader samples on this
 * id and hands the state to the recorder, so both name the same session; an id outside the
 * sample stays stored (and out) for the life of the session, never redrawn.
 */
export function resumeSession(
  storage: KeyValueStorage | null,
  now: number,
  newId: () => string,
): SessionState {
  const stored = parseSessionState(readKey(storage, StorageKey.Session));
  const state = sessionContinues(stored, now) ? { ...stored, at: now } : { id: newId(), seq: 0, at: now };
  writeKey(storage, StorageKey.Session, JSON.stringify(state));
  return state;
}
