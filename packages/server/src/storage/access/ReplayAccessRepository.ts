export interface ReplayAccessEntry {
  id: string;
  userId: string | null;
  apiTokenId: string | null;
  sessionId: string;
  siteId: string | null;
  purpose: string;
  accessedAt: number;
}

export interface ReplayAccessRepository {
  record(entry: Omit<ReplayAccessEntry, 'id'>): Promise<ReplayAccessEntry>;
  listForSession(sessionId: string): Promise<ReplayAccessEntry[]>;
}
