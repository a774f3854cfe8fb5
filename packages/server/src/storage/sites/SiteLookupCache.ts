import type { SiteRecord } from './SiteRepository.js';

/**
 * How long a site (origins and policy) read for ingest is trusted before it is read again. A
 * change made through this store is seen at once (the entry is dropped); a change made by another
 * process on the same database (the CLI, a second Veil process on PostgreSQL) is seen within this
 * time (docs/deployment.md).
 */
export const SITE_LOOKUP_TTL_MS = 2_000;
/** Sites remembered at most; the cache is emptied when it is full (a key spray cannot grow it). */
export const MAX_CACHED_SITES = 10_000;

interface Entry {
  /** The lookup in flight or done; shared by concurrent batches of one site. */
  site: Promise<SiteRecord | undefined>;
  loadedAt: number;
  /** Bumped by `invalidate`: a load that started before an invalidation is not kept. */
  generation: number;
}

/**
 * Sites by key for the ingest hot path: one read (three queries and the policy's schema check) per
 * site every `SITE_LOOKUP_TTL_MS` instead of one per batch. Unknown keys are not remembered (a site
 * created by another process is found on its first batch). Policy updates and origin changes made
 * through this store drop the site's entry (`invalidate`), so the next batch reads the new version.
 */
export class SiteLookupCache {
  readonly #entries = new Map<string, Entry>();
  #generation = 0;

  constructor(
    private readonly load: (siteKey: string) => Promise<SiteRecord | undefined>,
    private readonly now: () => number = () => performance.now(),
    private readonly ttlMs = SITE_LOOKUP_TTL_MS,
  ) {}

  findByKey(siteKey: string): Promise<SiteRecord | undefined> {
    const t = this.now();
    const found = this.#entries.get(siteKey);
    if (found && t - found.loadedAt < this.ttlMs && found.generation === this.#generation) return found.site;
    if (this.#entries.size >= MAX_CACHED_SITES) this.#entries.clear();
    const generation = this.#generation;
    const site = this.load(siteKey);
    const entry: Entry = { site, loadedAt: t, generation };
    this.#entries.set(siteKey, entry);
    site.then(
      (record) => {
        if (record === undefined && this.#entries.get(siteKey) === entry) this.#entries.delete(siteKey);
      },
      () => {
        if (this.#entries.get(siteKey) === entry) this.#entries.delete(siteKey);
      },
    );
    return site;
  }

  /** Drops every entry: the next lookup of each site reads it again. */
  invalidate(): void {
    this.#generation += 1;
    this.#entries.clear();
  }
}
