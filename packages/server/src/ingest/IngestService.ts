import type { Drop } from './Drop.js';
import type { IngestResult } from './IngestPipeline.js';
import type { IngestMetrics } from './pipelineMetrics.js';
import type { RawBatchRequest } from './steps/validate.js';

/**
 * Ingest as the HTTP layer uses it: the pipeline on the main thread (`IngestPipeline`,
 * `VEIL_INGEST_WORKERS=0`) or on worker threads (`IngestWorkerPool`).
 */
export interface IngestService {
  readonly metrics: IngestMetrics;
  run(request: RawBatchRequest): Promise<IngestResult>;
  /** Records a batch the HTTP layer refused at the ingest limit (load shedding). */
  recordShed(): void;
  /** Records a refusal the HTTP layer made before the pipeline ran (body over the limit). */
  recordEarlyDrop(d: Drop): void;
  /** Forgets the session's in-memory privacy state (rebuilt from storage on its next batch). */
  forgetSession(sessionId: string): void;
  /** Resolves once every chunk handed to the group commit is written (shutdown). */
  drained(): Promise<void>;
  /** Stops the worker threads, if any. */
  close(): Promise<void>;
}
