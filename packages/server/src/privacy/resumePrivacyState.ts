import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { MAX_BATCH_DECOMPRESSED_BYTES, type RecordedEvent, RedactionContext, redactEvents } from '@veil/core';
import type { EnvelopeCipher } from '../crypto/EnvelopeCipher.js';
import { chunkEvents } from '../recordings/chunkEvents.js';
import type { Store } from '../storage/Store.js';
import type { SessionPrivacyState, SessionPrivacyStates } from './SessionPrivacyStates.js';

const gunzipAsync = promisify(gunzip);

/** rrweb's full snapshot: the node tree starts afresh there, nothing before it is needed. */
const FULL_SNAPSHOT = 2;

export interface ResumeDeps {
  store: Store;
  cipher: EnvelopeCipher;
  sessions: SessionPrivacyStates;
}

/** How a batch found the session's privacy state (counted by the caller, tested). */
export type ResumeOutcome = 'continued' | 'fresh' | 'rebuilt';

/**
 * The session's privacy state, up to date for batch `seq`. Redaction of a batch depends on what
 * earlier batches showed (which nodes are password inputs, the node tree for element paths and
 * text that reads across nodes). When this process did not see the batch before `seq` — the
 * session's batches are spread over several processes on one database, or this process forgot
 * the session (the in-memory bound) or restarted — the missing batches are read back from
 * storage (decrypted, already redacted) and walked into the context first: newest first back to
 * the latest full snapshot when the process knows nothing of the session, otherwise only the
 * stored batches after the last one it saw. A batch whose predecessors are not stored yet (they
 * are still in flight elsewhere) gets what is stored.
 */
export async function resumePrivacyState(
  deps: ResumeDeps,
  sessionId: string,
  seq: number,
): Promise<{ state: SessionPrivacyState; outcome: ResumeOutcome }> {
  const known = deps.sessions.peek(sessionId);
  const state = deps.sessions.get(sessionId);
  if (known?.lastSeq !== undefined && seq <= known.lastSeq + 1) return { state, outcome: 'continued' };
  if (seq === 0 && known?.lastSeq === undefined) return { state, outcome: 'fresh' };

  const after = known?.lastSeq ?? -1;
  const chunks = (await deps.store.recordings.chunks(sessionId)).filter((c) => c.seq > after && c.seq < seq);
  if (chunks.length === 0) return { state, outcome: known?.lastSeq === undefined ? 'fresh' : 'continued' };
  const wrapped = await deps.store.recordings.wrappedKey(sessionId);
  if (!wrapped) return { state, outcome: 'fresh' };

  const dataKey = deps.cipher.unwrapDataKey(sessionId, wrapped);
  const batches: RecordedEvent[][] = [];
  try {
    // Newest first: with nothing known, stop at the latest full snapshot.
    for (let i = chunks.length - 1; i >= 0; i--) {
      const chunk = chunks[i];
      if (!chunk) continue;
      const gz = deps.cipher.openChunk(dataKey, sessionId, chunk.seq, chunk.payload);
      const json = await gunzipAsync(gz, { maxOutputLength: MAX_BATCH_DECOMPRESSED_BYTES });
      const events = chunkEvents<RecordedEvent>(json.toString('utf8'));
      batches.unshift(events);
      if (known?.lastSeq === undefined && events.some((e) => e.type === FULL_SNAPSHOT)) break;
    }
  } finally {
    dataKey.fill(0);
  }
  // What this process knew is kept only when the stored batches continue it.
  const context = known?.lastSeq === undefined ? new RedactionContext() : state.redaction;
  for (const events of batches) redactEvents(events, { inPlace: true, context });
  state.redaction = context;
  state.lastSeq = Math.max(after, ...chunks.map((c) => c.seq));
  return { state, outcome: 'rebuilt' };
}
