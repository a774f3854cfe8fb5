import type { SessionSignalState, SignalCounts } from '@veil/core';

export type SignalIngestOutcome = 'counted' | 'duplicate' | 'conflict';

export interface SignalIngestKey {
  sessionId: string;
  siteId: string;
  seq: number;
}

export interface SignalRepository {
  /**
   * In one transaction (serialised per session): reads the session's signal state, and unless this
   * batch (`seq`) was counted already, stores `fold(state)` with the batch marked counted. A
   * session id owned by another site is a `conflict`.
   */
  ingest(
    key: SignalIngestKey,
    fold: (state: SessionSignalState | undefined) => SessionSignalState,
    now: number,
  ): Promise<SignalIngestOutcome>;
  /** The session's counts; undefined when nothing was counted for it. */
  counts(sessionId: string): Promise<SignalCounts | undefined>;
}
