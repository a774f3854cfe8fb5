import { SESSION_IDLE_TIMEOUT_MS } from '@veil/core';
import { randomId, URL_SAFE_ID } from '../shared/randomId.js';
import { type KeyValueStorage, readKey, writeKey } from '../shared/storage.js';
import { StorageKey } from '../shared/storageKeys.js';

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
    if (typeof seq !== 'number' || !Number.isInteger(seq) || seq < 0) return null;
    if (typeof at !== 'number' || !Number.isFinite(at)) return null;
    return { id, seq, at };
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
 * The tab's session: one id per tab (sessionStorage), kept across navigations while the visitor
 * is active, rotated after `SESSION_IDLE_TIMEOUT_MS` of inactivity; `seq` strictly increases
 * within a session and continues on the next page.
 */
export class SessionStore {
  private state: SessionState;

  constructor(
    private readonly storage: KeyValueStorage | null,
    now: number,
    private readonly newId: () => string = randomId,
  ) {
    const stored = parseSessionState(readKey(storage, StorageKey.Session));
    this.state = sessionContinues(stored, now) ? { ...stored, at: now } : this.fresh(now);
    this.persist();
  }

  get id(): string {
    return this.state.id;
  }

  /** The next sequence number (persisted at once, so a new page never reuses one). */
  nextSeq(): number {
    const seq = this.state.seq;
    this.state.seq = seq + 1;
    this.persist();
    return seq;
  }

  /** True when the session has been idle too long: the caller ends it and calls `rotate`. */
  expired(now: number): boolean {
    return !sessionContinues(this.state, now);
  }

  /** Records visitor activity (kept in memory, persisted with the next `nextSeq` or `persist`). */
  touch(now: number): void {
    if (now > this.state.at) this.state.at = now;
  }

  /** Starts a new session: new id, seq from 0. */
  rotate(now: number): void {
    this.state = this.fresh(now);
    this.persist();
  }

  persist(): void {
    writeKey(this.storage, StorageKey.Session, JSON.stringify(this.state));
  }

  private fresh(now: number): SessionState {
    return { id: this.newId(), seq: 0, at: now };
  }
}
