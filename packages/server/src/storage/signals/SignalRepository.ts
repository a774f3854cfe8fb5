import type {
  FunnelReach,
  FunnelStep,
  PageSessionSignals,
  PathReach,
  SessionSignalState,
  SignalCounts,
  SignalDayRow,
} from '@veil/core';
import type { FunnelSegment } from '../recordings/RecordingRepository.js';

export type SignalIngestOutcome = 'counted' | 'duplicate' | 'conflict';

/** A click on an element, kept for funnel steps. */
export interface FunnelClick {
  ts: number;
  page: string;
  element: string;
}

export interface SignalIngestKey {
  sessionId: string;
  siteId: string;
  seq: number;
}

export interface SignalRepository {
  /**
   * In one transaction (serialised per session): reads the session's signal state, and unless this
   * batch (`seq`) was counted already, stores `fold(state)` with the batch marked counted. A
   * session id owned by another site is a `conflict`. The batch's `clicks` are kept (for funnel
   * steps) in the same transaction, so a retried batch never adds them twice, and the batch's stored
   * page views and clicks are merged into the session's funnel sequence (`session_funnels`): the
   * row a rebuild from every stored page view and click would give, in any order of batches.
   */
  ingest(
    key: SignalIngestKey,
    fold: (state: SessionSignalState | undefined) => SessionSignalState,
    now: number,
    clicks?: readonly FunnelClick[],
  ): Promise<SignalIngestOutcome>;
  /**
   * How many sessions (and distinct visitors) of a site, first received in [from, to] (server
   * clock) and in the segment, reached each step: counted from the funnel sequences kept at
   * ingest alone. Sessions exactly; distinct visitors up to `enoughVisitors` (a step with more
   * shows that number: k-anonymity only asks whether a step has enough). What `funnelReach`
   * gives over `recordings.funnelSessions`, visitors capped.
   */
  funnelReach(
    siteId: string,
    from: number,
    to: number,
    steps: readonly FunnelStep[],
    segment: FunnelSegment,
    enoughVisitors: number,
  ): Promise<FunnelReach>;
  /**
   * Top paths after (or before) a page (`pathNeighbour` of each session) over a site's sessions
   * first received in [from, to], from the funnel sequences kept at ingest alone: sessions exactly;
   * distinct visitors of the page's sessions and of each row with at least `k` sessions up to
   * `enoughVisitors`, of a row with fewer its sessions (enough for k-anonymity to withhold it).
   */
  pathReach(
    siteId: string,
    from: number,
    to: number,
    pattern: string,
    direction: 'after' | 'before',
    sitePatterns: readonly string[],
    k: number,
    enoughVisitors: number,
  ): Promise<PathReach>;
  /** The session's counts; undefined when nothing was counted for it. */
  counts(sessionId: string): Promise<SignalCounts | undefined>;
  /**
   * A site's signals over the sessions Veil first received in [from, to] (server clock), read from
   * the counts kept at ingest: per UTC day the sessions and how many had each signal, and each
   * (session, page path) visited with that session's counts.
   */
  overview(
    siteId: string,
    from: number,
    to: number,
  ): Promise<{ days: SignalDayRow[]; pages: PageSessionSignals[] }>;
}
