export interface AccessAlertRecord {
  id: string;
  kind: 'raw_replay_rate';
  siteId: string | null;
  siteKey: string | null;
  userId: string | null;
  apiTokenId: string | null;
  actorLabel: string;
  count: number;
  threshold: number;
  windowStart: number;
  createdAt: number;
  acknowledgedAt: number | null;
  acknowledgedBy: string | null;
  note: string | null;
}

export interface AccessAlertRepository {
  /** Raises an alert unless one with the same `dedupeKey` exists; returns it only when new. */
  raise(alert: Omit<AccessAlertRecord, 'id'> & { dedupeKey: string }): Promise<AccessAlertRecord | undefined>;
  findById(id: string): Promise<AccessAlertRecord | undefined>;
  /**
   * Newest first. With `siteIds`, only alerts of those sites (never one of no site), filtered
   * before the limit: a caller restricted to sites gets its own newest alerts, however many other
   * sites raised since.
   */
  list(options: {
    unacknowledgedOnly: boolean;
    limit: number;
    siteIds?: readonly string[] | undefined;
  }): Promise<AccessAlertRecord[]>;
  /** True when it was open and is now acknowledged. */
  acknowledge(id: string, by: string, at: number, note: string | null): Promise<boolean>;
}
