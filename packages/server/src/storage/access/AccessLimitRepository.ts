export interface AccessLimitRepository {
  rawReplaysPerHour(siteId: string): Promise<number | undefined>;
  setRawReplaysPerHour(siteId: string, limit: number): Promise<void>;
}
