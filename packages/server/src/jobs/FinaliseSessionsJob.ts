import { DEFAULT_PRIVACY_POLICY, SESSION_FINALISE_AFTER_MS } from '@veil/core';
import type { FastifyBaseLogger } from 'fastify';
import type { Clock } from '../clock.js';
import type { Store } from '../storage/Store.js';

/** Sessions handled per query; the job loops until none is left. */
const BATCH_SIZE = 200;
/** Upper bound of loops per run, so one run always ends. */
const MAX_BATCHES_PER_RUN = 100;

export interface FinaliseResult {
  finalised: number;
  /** Sessions shorter than their site's `minSessionMs`, deleted with their chunks and keys. */
  discarded: number;
}

/**
 * Closes sessions that received nothing for `SESSION_FINALISE_AFTER_MS`: a session shorter than its
 * site policy's `minSessionMs` is deleted (data key first), any other is marked finalised. A batch
 * that arrives meanwhile keeps its session open (both writes re-check idleness).
 */
export class FinaliseSessionsJob {
  constructor(
    private readonly deps: { store: Store; clock: Clock; logger: FastifyBaseLogger },
    private readonly idleMs: number = SESSION_FINALISE_AFTER_MS,
  ) {}

  async runOnce(): Promise<FinaliseResult> {
    const { store, clock } = this.deps;
    const idleBefore = clock.now() - this.idleMs;
    const minSessionMs = new Map<string, number>();
    const result: FinaliseResult = { finalised: 0, discarded: 0 };
    for (let i = 0; i < MAX_BATCHES_PER_RUN; i++) {
      const idle = await store.recordings.findIdle(idleBefore, BATCH_SIZE);
      if (idle.length === 0) break;
      let progressed = false;
      for (const session of idle) {
        let min = minSessionMs.get(session.siteId);
        if (min === undefined) {
          const site = await store.sites.findById(session.siteId);
          min = site?.policy.minSessionMs ?? DEFAULT_PRIVACY_POLICY.minSessionMs;
          minSessionMs.set(session.siteId, min);
        }
        if (session.durationMs < min) {
          if (await store.recordings.delete(session.id, idleBefore)) {
            await store.privacy.countDrop(session.siteId, 'session_too_short', clock.now());
            result.discarded += 1;
            progressed = true;
          }
        } else if (await store.recordings.finalise(session.id, idleBefore)) {
          result.finalised += 1;
          progressed = true;
        }
      }
      if (!progressed) break;
    }
    // Discarded sessions' keys must not stay readable in the database files.
    if (result.discarded > 0) await store.recordings.reclaimDeleted();
    if (result.finalised + result.discarded > 0) this.deps.logger.info(result, 'sessions finalised');
    return result;
  }
}
