import { MAX_REMEMBERED_TEXT_CHARS, MAX_TRACKED_NODE_IDS, RedactionContext } from '@veil/core';

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
  /** The page the data inventory last filed this session's elements under (sanitised URL). */
  inventoryPage?: string;
}

/** Sessions remembered at most; the least recently used is forgotten first. */
export const MAX_REMEMBERED_SESSIONS = 500;
/**
 * Bytes of redaction state all remembered sessions may hold together (estimated by
 * `redactionStateBytes`); beyond, the least recently used sessions are forgotten. Memory stays
 * flat under sustained load whatever the pages' sizes; a forgotten session is rebuilt from its
 * stored chunks on its next batch (`resumePrivacyState`), so the bound never weakens masking.
 */
export const MAX_REMEMBERED_STATE_BYTES = 64 * 1024 * 1024;

/** Bytes per tracked node slot: five Int32 links, a Uint16 tag, kind and shadow bytes. */
const BYTES_PER_NODE_SLOT = 5 * 4 + 2 + 1 + 1;
/** Fixed cost of one session's state (maps, page URL, the object itself). */
const BYTES_PER_SESSION = 2 * 1024;
/** What a state counts for when its size cannot be read: the largest it can grow. */
const MAX_STATE_BYTES =
  MAX_TRACKED_NODE_IDS * BYTES_PER_NODE_SLOT + MAX_REMEMBERED_TEXT_CHARS * 2 + BYTES_PER_SESSION;

/**
 * An estimate of the memory one session's redaction context holds: its node arrays (grown by
 * doubling, at most `MAX_TRACKED_NODE_IDS` slots) and remembered text (at most
 * `MAX_REMEMBERED_TEXT_CHARS`, two bytes a character). Read from the context's own counters; a
 * context that does not expose them counts as the largest possible (evicting early is safe).
 */
export function redactionStateBytes(context: RedactionContext): number {
  const inner = context as unknown as { capacity?: unknown; textChars?: unknown };
  const { capacity, textChars } = inner;
  if (typeof capacity !== 'number' || typeof textChars !== 'number') return MAX_STATE_BYTES;
  return capacity * BYTES_PER_NODE_SLOT + textChars * 2 + BYTES_PER_SESSION;
}

/**
 * Per-session privacy state, least recently used first out, bounded both in count
 * (`MAX_REMEMBERED_SESSIONS`) and in bytes (`MAX_REMEMBERED_STATE_BYTES`). A forgotten session, or
 * one whose batches reach another process, is rebuilt from its stored chunks when its next batch
 * arrives (`resumePrivacyState`), so a bound or a second process never weakens masking; page
 * targeting asks storage for the session's last page.
 */
export class SessionPrivacyStates {
  readonly #states = new Map<string, { state: SessionPrivacyState; bytes: number }>();
  #bytes = 0;

  constructor(
    private readonly max = MAX_REMEMBERED_SESSIONS,
    private readonly maxBytes = MAX_REMEMBERED_STATE_BYTES,
  ) {}

  get(sessionId: string): SessionPrivacyState {
    const found = this.#states.get(sessionId);
    if (found) {
      // Most recently used last.
      this.#states.delete(sessionId);
      this.#states.set(sessionId, found);
      return found.state;
    }
    const state: SessionPrivacyState = {
      redaction: new RedactionContext(),
      page: undefined,
      lastSeq: undefined,
    };
    this.#evict(this.max - 1, this.maxBytes - BYTES_PER_SESSION);
    this.#states.set(sessionId, { state, bytes: BYTES_PER_SESSION });
    this.#bytes += BYTES_PER_SESSION;
    return state;
  }

  /** The state if the session is remembered, without creating one. */
  peek(sessionId: string): SessionPrivacyState | undefined {
    return this.#states.get(sessionId)?.state;
  }

  /**
   * Re-measures the session's state after a batch went through it, then forgets the least
   * recently used others while the total is over the byte bound (the session itself stays).
   */
  measure(sessionId: string): void {
    const entry = this.#states.get(sessionId);
    if (!entry) return;
    const bytes = redactionStateBytes(entry.state.redaction);
    this.#bytes += bytes - entry.bytes;
    entry.bytes = bytes;
    this.#evict(this.max, this.maxBytes, sessionId);
  }

  forget(sessionId: string): void {
    const entry = this.#states.get(sessionId);
    if (!entry) return;
    this.#bytes -= entry.bytes;
    this.#states.delete(sessionId);
  }

  get size(): number {
    return this.#states.size;
  }

  /** Estimated bytes held by every remembered session (`redactionStateBytes`). */
  get bytes(): number {
    return this.#bytes;
  }

  #evict(maxCount: number, maxBytes: number, keep?: string): void {
    for (const [id] of this.#states) {
      if (this.#states.size <= maxCount && this.#bytes <= maxBytes) return;
      if (id === keep) continue;
      this.forget(id);
    }
  }
}
