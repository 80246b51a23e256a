import { bulkhead } from 'cockatiel';

/** Runs a task when one of its slots is free; tasks beyond the bound wait, first come first served. */
export type ConcurrencyLimit = <T>(task: () => Promise<T>) => Promise<T>;

/** The gateway's one concurrency bound (cockatiel's bulkhead, with no cap on the queue). */
export function concurrencyLimit(limit: number): ConcurrencyLimit {
  const slots = bulkhead(Math.max(1, limit), Number.POSITIVE_INFINITY);
  return (task) => slots.execute(task);
}

/**
 * Runs `task` for every item with at most `limit` running at once, in the items' order; resolves
 * when all are done and rejects with the first failure (the others still run to their end).
 */
export async function forEachConcurrently<T>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<void>,
): Promise<void> {
  const limited = concurrencyLimit(limit);
  await Promise.all(items.map((item) => limited(() => task(item))));
}
