import { RedactionContext } from '@veil/core';

/** What the privacy steps remember of one session between its batches (in this process). */
export interface SessionPrivacyState {
  /** Node tree, password inputs and current page, for redaction and element paths. */
  redaction: RedactionContext;
  /** The page the session is on, as page targeting last saw it (sanitised URL). */
  page: string | undefined;
  /**
   * Highest batch sequence number whose events went through `redaction` in this process;
   * undefined until one did. A batch that does not follow it means the session's other batches
   * reached another process (or this one forgot it): the context is brought up to date from
   * storage before redacting (`resumePrivacyState`).
   */
  lastSeq: number | undefined;
}

/**
 * Sessions remembered at most; the least recently used is forgotten first. With at most
 * `MAX_TRACKED_NODE_IDS` nodes of about 18 bytes each per session, the worst case stays under
 * 600 MB and a typical page (a few thousand nodes) costs well under 100 KB.
 */
export const MAX_REMEMBERED_SESSIONS = 500;

/**
 * Per-session privacy state, least recently used first out. A forgotten session, or one whose
 * batches reach another process, is rebuilt from its stored chunks when its next batch arrives
 * (`resumePrivacyState`), so a bound or a second process never weakens masking; page targeting
 * asks storage for the session's last page.
 */
export class SessionPrivacyStates {
  readonly #states = new Map<string, SessionPrivacyState>();

  constructor(private readonly max = MAX_REMEMBERED_SESSIONS) {}

  get(sessionId: string): SessionPrivacyState {
    let state = this.#states.get(sessionId);
    if (state) {
      this.#states.delete(sessionId);
    } else {
      state = { redaction: new RedactionContext(), page: undefined, lastSeq: undefined };
      while (this.#states.size >= this.max) {
        const oldest = this.#states.keys().next().value;
        if (oldest === undefined) break;
        this.#states.delete(oldest);
      }
    }
    this.#states.set(sessionId, state);
    return state;
  }

  /** The state if the session is remembered, without creating one. */
  peek(sessionId: string): SessionPrivacyState | undefined {
    return this.#states.get(sessionId);
  }

  forget(sessionId: string): void {
    this.#states.delete(sessionId);
  }

  get size(): number {
    return this.#states.size;
  }
}
