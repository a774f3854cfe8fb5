/** Batches written in one transaction at most (a longer queue is committed in several groups). */
export const MAX_GROUP_COMMIT_BATCHES = 64;

interface Pending<I, O> {
  item: I;
  resolve(outcome: O): void;
  reject(error: Error): void;
}

/**
 * Group commit for the `store` step: batches that reach `store` while a group is being written (or
 * in the same turn of the event loop) are written together, in one short transaction and one commit
 * (`recordings.ingestChunks`), instead of one transaction each. Every batch's promise settles only
 * after its group committed, so a batch is acknowledged only once it is durable; a crash in the
 * middle of a group loses the whole uncommitted group and nothing of it was acknowledged (the
 * recorder sends it again; idempotency by (session, seq) keeps it once). A failing batch is
 * answered with its own error and does not fail the others.
 */
export class GroupCommit<I, O> {
  #queue: Array<Pending<I, O>> = [];
  #running = false;
  #idle: Promise<void> = Promise.resolve();
  #wake: (() => void) | undefined;

  constructor(
    private readonly write: (items: readonly I[]) => Promise<Array<O | Error>>,
    private readonly maxGroup = MAX_GROUP_COMMIT_BATCHES,
  ) {}

  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.#queue.push({ item, resolve, reject });
      if (!this.#running) {
        this.#running = true;
        this.#idle = new Promise((r) => {
          this.#wake = r;
        });
        // The rest of this turn's batches join the first group.
        setImmediate(() => void this.#drain());
      }
    });
  }

  /** Resolves once every submitted batch is written (or refused). */
  drained(): Promise<void> {
    return this.#running ? this.#idle : Promise.resolve();
  }

  /** Batches waiting for the next group (for load shedding and metrics). */
  get waiting(): number {
    return this.#queue.length;
  }

  async #drain(): Promise<void> {
    try {
      while (this.#queue.length > 0) {
        const group = this.#queue.splice(0, this.maxGroup);
        let outcomes: Array<O | Error>;
        try {
          outcomes = await this.write(group.map((p) => p.item));
        } catch (error) {
          const e = error instanceof Error ? error : new Error(String(error));
          outcomes = group.map(() => e);
        }
        group.forEach((p, i) => {
          const outcome = outcomes[i];
          if (outcome === undefined) p.reject(new Error('the group commit gave no outcome'));
          else if (outcome instanceof Error) p.reject(outcome);
          else p.resolve(outcome);
        });
      }
    } finally {
      this.#running = false;
      this.#wake?.();
    }
  }
}
