import { signalEvents } from '@veil/core';
import type { Clock } from '../../clock.js';
import { type Drop, drop } from '../Drop.js';
import type { IngestWrites } from '../IngestWrites.js';
import type { StoredBatch } from './store.js';

/**
 * Step `signals`: the stored batch's events are folded into its session's frustration and error
 * signal counts (`foldSessionSignals`) at once, so that the session list filters and sorts by them
 * without ever reading a recording back. Counted once per (session, seq): a retried batch, also
 * one whose chunk was stored before a failure here, is counted exactly once.
 */
export async function countSignals<T extends StoredBatch>(
  deps: { writes: Pick<IngestWrites, 'signals'>; clock: Clock },
  input: T,
): Promise<T | Drop> {
  const { batch, site } = input;
  // Only the events counting reads travel to the write (the rest of the batch cannot change a count).
  const outcome = await deps.writes.signals(
    { sessionId: batch.sessionId, siteId: site.id, seq: batch.seq },
    signalEvents(batch.events),
    deps.clock.now(),
  );
  if (outcome === 'conflict') return drop('conflict', 'this session id belongs to another site');
  return input;
}
