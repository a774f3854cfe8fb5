export interface BannerTextsRecord {
  siteId: string;
  language: string;
  texts: Record<string, string>;
  updatedAt: number;
  updatedBy: string;
}

export interface BannerTextRepository {
  get(siteId: string, language: string): Promise<BannerTextsRecord | undefined>;
  list(siteId: string): Promise<BannerTextsRecord[]>;
  put(record: BannerTextsRecord): Promise<void>;
  remove(siteId: string, language: string): Promise<boolean>;
}
