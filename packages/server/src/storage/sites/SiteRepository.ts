import type { PrivacyPolicy } from '@veil/core';

export interface SiteRecord {
  id: string;
  siteKey: string;
  name: string;
  /** Normalised origins (`scheme://host[:port]`), sorted. */
  origins: string[];
  policy: PrivacyPolicy;
  createdAt: number;
  /** The demo site (`VEIL_DEMO`): its sessions are recorded as demo data. Absent means false. */
  demo?: boolean;
}

export interface NewSite {
  siteKey: string;
  name: string;
  origins: readonly string[];
  policy: PrivacyPolicy;
  createdAt: number;
}

export interface SiteRepository {
  create(site: NewSite): Promise<SiteRecord>;
  list(): Promise<SiteRecord[]>;
  findByKey(siteKey: string): Promise<SiteRecord | undefined>;
  /**
   * `findByKey` for the ingest hot path: read at most once per `SITE_LOOKUP_TTL_MS` per site.
   * Changes through this store (policy versions, origins) are seen at once, changes by another
   * process within `SITE_LOOKUP_TTL_MS`.
   */
  findByKeyCached(siteKey: string): Promise<SiteRecord | undefined>;
  /** Drops what `findByKeyCached` remembers (after a policy or origin change). */
  forgetCached(): void;
  findById(id: string): Promise<SiteRecord | undefined>;
  replaceOrigins(siteId: string, origins: readonly string[]): Promise<void>;
  /** Marks the site as the demo site: sessions recorded for it from now on are demo data. */
  markDemo(siteId: string): Promise<void>;
  /** True when any site lists `origin` (used to answer CORS preflights before the site is known). */
  isKnownOrigin(origin: string): Promise<boolean>;
}
