/**
 * Runs `work` over a FIFO queue with at most `concurrency` items at once; work may enqueue more
 * (breadth-first crawl: links found on a page are visited after the pages already queued).
 */
export async function runPool<T>(
  initial: readonly T[],
  concurrency: number,
  work: (item: T, enqueue: (next: T) => void) => Promise<void>,
): Promise<void> {
  const queue = [...initial];
  const running = new Set<Promise<void>>();
  const enqueue = (next: T) => {
    queue.push(next);
  };
  while (queue.length > 0 || running.size > 0) {
    while (queue.length > 0 && running.size < concurrency) {
      const item = queue.shift()!;
      const task = work(item, enqueue).finally(() => running.delete(task));
      running.add(task);
    }
    if (running.size > 0) await Promise.race(running);
  }
}
