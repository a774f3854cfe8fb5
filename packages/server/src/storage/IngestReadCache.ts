/**
 * How long a read the ingest hot path repeats for every batch (a consent grant, a session's user
 * hashes, whether a session has heatmap state) is trusted before it is read again. A change made
 * through this process's store is seen at once (the entries are dropped before and after the
 * write); a change made by another process on the same database (a second Veil process on
 * PostgreSQL, the CLI) is seen within this time (docs/deployment.md).
 */
export const INGEST_READ_TTL_MS = 1_000;
/** Entries kept at most per cache; a full cache is emptied (a spray of ids cannot grow it). */
export const MAX_CACHED_INGEST_READS = 20_000;

interface Entry<V> {
  /** The read in flight or done; shared by concurrent batches. */
  value: Promise<V>;
  /** When the read started (a read is as old as its start). */
  loadedAt: number;
  /** `invalidate` bumps the cache's generation: a read from before it is never used after it. */
  generation: number;
}

/**
 * One of the ingest hot path's repeated reads, remembered per key for at most `ttlMs`. Fails
 * closed: a read that failed, or whose value `keep` refuses (say, a grant not found yet), is not
 * remembered; `invalidate` (every write that can change an answer, in this process) makes every
 * entry and every read still in flight stale at once; `forget` drops one key.
 */
export class IngestReadCache<V> {
  readonly #entries = new Map<string, Entry<V>>();
  #generation = 0;

  constructor(
    private readonly keep: (value: V) => boolean = () => true,
    private readonly now: () => number = () => performance.now(),
    private readonly ttlMs = INGEST_READ_TTL_MS,
    private readonly maxEntries = MAX_CACHED_INGEST_READS,
  ) {}

  get(key: string, load: () => Promise<V>): Promise<V> {
    const t = this.now();
    const found = this.#entries.get(key);
    if (found && t - found.loadedAt < this.ttlMs && found.generation === this.#generation) return found.value;
    if (this.#entries.size >= this.maxEntries) this.#entries.clear();
    const value = load();
    const entry: Entry<V> = { value, loadedAt: t, generation: this.#generation };
    this.#entries.set(key, entry);
    const drop = () => {
      if (this.#entries.get(key) === entry) this.#entries.delete(key);
    };
    value.then((v) => {
      if (!this.keep(v)) drop();
    }, drop);
    return value;
  }

  /** Drops one key: its next read goes to the database. */
  forget(key: string): void {
    this.#entries.delete(key);
  }

  /** Drops every entry, and every read in flight, of this cache. */
  invalidate(): void {
    this.#generation += 1;
    this.#entries.clear();
  }

  /** Runs a write that can change answers: entries are dropped before it and once it settled. */
  async around<T>(write: () => Promise<T>): Promise<T> {
    this.invalidate();
    try {
      return await write();
    } finally {
      this.invalidate();
    }
  }
}
