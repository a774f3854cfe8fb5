import { emptySignalState, foldSessionSignals, type SignalEventLike } from '@veil/core';
import type { EnvelopeCipher } from '../crypto/EnvelopeCipher.js';
import { type BatchForPlan, type HeatmapSessionState, planHeatmapBatch } from '../heatmap/sessionPlan.js';
import type { HeatmapIngestOutcome } from '../storage/heatmaps/HeatmapRepository.js';
import type {
  ChunkIngest,
  ChunkSealer,
  ChunkSignals,
  ChunkWrite,
  IngestOutcome,
} from '../storage/recordings/RecordingRepository.js';
import type { Store } from '../storage/Store.js';
import type { FunnelClick } from '../storage/signals/SignalRepository.js';
import { GroupCommit } from './GroupCommit.js';

/** A batch's chunk as the `store` step hands it over: plain data, sealed where it is written. */
export interface ChunkSubmission {
  chunk: ChunkIngest;
  /** The gzip of the stored events (the client's own when it held exactly them). */
  compressed: Buffer;
  /** Aligned with `chunk.pages`: each page view's title, sealed with the chunk; null without one. */
  titles: ReadonlyArray<string | null>;
  /**
   * The batch's events signal counting reads and its element clicks (step `signals`): counted in
   * the transaction that stores the chunk, not in one of their own.
   */
  signals?: BatchSignals | undefined;
}

/** What step `signals` hands to the chunk write: the events counting reads and the batch's clicks. */
export interface BatchSignals {
  events: readonly SignalEventLike[];
  clicks: readonly FunnelClick[];
}

/**
 * The writes of ingest whose storage call takes a function (it runs inside the storing
 * transaction), given as plain data so that the steps that compute them may run on an ingest
 * worker thread while the writes stay on the main thread (`ingest/workers/`): the chunk with its
 * signal fold (group commit, sealed inside the transaction) and the heatmap plan.
 */
export interface IngestWrites {
  chunk(submission: ChunkSubmission): Promise<IngestOutcome>;
  heatmap(
    key: { sessionId: string; siteId: string },
    batch: BatchForPlan,
    now: number,
  ): Promise<{ outcome: HeatmapIngestOutcome; state: HeatmapSessionState | undefined }>;
  /** Resolves once every chunk handed over is written (shutdown). */
  drained(): Promise<void>;
}

/** Seals a submitted chunk inside the storing transaction, with the session's key as stored. */
export function sealerFor(cipher: EnvelopeCipher, s: ChunkSubmission): ChunkSealer {
  const { sessionId, seq } = s.chunk;
  return {
    newWrappedDataKey: () => cipher.newWrappedDataKey(sessionId),
    seal: (wrappedKey) => {
      const dataKey = cipher.unwrapDataKey(sessionId, wrappedKey);
      try {
        return {
          payload: cipher.sealChunk(dataKey, sessionId, seq, s.compressed),
          titles: s.titles.map((title) =>
            title === null ? null : cipher.sealTitle(dataKey, sessionId, title),
          ),
        };
      } finally {
        dataKey.fill(0);
      }
    },
  };
}

/** The chunk write's signal fold for a batch's signal events and clicks. */
function chunkSignals(signals: BatchSignals | undefined): ChunkSignals | undefined {
  if (!signals) return undefined;
  const { events, clicks } = signals;
  return { fold: (state) => foldSessionSignals(state ?? emptySignalState(), events), clicks };
}

/**
 * The writes on this thread's store: chunks and their signal folds through one group commit
 * (batches stored at the same moment share one transaction, each acknowledged after its commit),
 * heatmap plans in their repository's transactions.
 */
export function localWrites(store: Store, cipher: EnvelopeCipher): IngestWrites {
  const chunks = new GroupCommit<ChunkWrite, IngestOutcome>((items) => store.recordings.ingestChunks(items));
  return {
    chunk: (s) =>
      chunks.submit({ chunk: s.chunk, sealer: sealerFor(cipher, s), signals: chunkSignals(s.signals) }),
    heatmap: (key, batch, now) =>
      store.heatmaps.ingest(key, (stored) => planHeatmapBatch(stored, batch), now),
    drained: () => chunks.drained(),
  };
}
