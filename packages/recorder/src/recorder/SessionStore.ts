import { randomId } from '../shared/randomId.js';
import { parseSessionState, type SessionState, sessionContinues } from '../shared/sessionState.js';
import { type KeyValueStorage, readKey, writeKey } from '../shared/storage.js';
import { StorageKey } from '../shared/storageKeys.js';

export { parseSessionState, type SessionState, sessionContinues };

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
    /** The session the loader sampled (`resumeSession`); without it, the stored one or a new one. */
    initial?: SessionState,
  ) {
    const stored = initial ?? parseSessionState(readKey(storage, StorageKey.Session));
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
