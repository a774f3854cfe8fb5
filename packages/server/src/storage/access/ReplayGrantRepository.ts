export interface ReplayGrantRecord {
  id: string;
  userId: string | null;
  apiTokenId: string | null;
  actorLabel: string;
  sessionId: string;
  siteId: string | null;
  purpose: string;
  ticket: string | null;
  createdAt: number;
  expiresAt: number;
}

export interface ReplayGrantQuery {
  userId?: string | undefined;
  apiTokenId?: string | undefined;
  siteId?: string | undefined;
  from?: number | undefined;
  to?: number | undefined;
  limit: number;
}

/** One holder's grants among those a query matches: the access report's totals. */
export interface ReplayGrantTotal {
  userId: string | null;
  apiTokenId: string | null;
  /** The label of the holder's newest grant among them. */
  actorLabel: string;
  count: number;
}

export interface ReplayGrantRepository {
  create(grant: Omit<ReplayGrantRecord, 'id'>): Promise<ReplayGrantRecord>;
  findById(id: string): Promise<ReplayGrantRecord | undefined>;
  /** The caller's newest grant on a session still valid at `now`. */
  findActive(
    sessionId: string,
    holder: { userId: string | null; apiTokenId: string | null },
    now: number,
  ): Promise<ReplayGrantRecord | undefined>;
  /** Grants the holder received on a site since `since` (the access-anomaly count). */
  countSince(
    siteId: string,
    holder: { userId: string | null; apiTokenId: string | null },
    since: number,
  ): Promise<number>;
  /** Newest first, at most `limit`. */
  list(query: ReplayGrantQuery): Promise<ReplayGrantRecord[]>;
  /**
   * Every grant the query's filters match, however many `list` returns (its `limit` is not
   * applied), counted per holder: most first, then by holder id.
   */
  totals(query: Omit<ReplayGrantQuery, 'limit'>): Promise<ReplayGrantTotal[]>;
}
