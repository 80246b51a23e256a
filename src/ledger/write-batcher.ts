/**
 * Groups writes that arrive together into one statement: the first goes at once; those that
 * arrive while `concurrency` statements are in flight wait and go together as soon as one is done
 * (at most `maxItems` in one). No write waits for a timer, and under load each statement, commit
 * and disk flush serves many mutations. Each write still commits with its own mutation's rows or
 * not at all: a failed statement fails every write it carried.
 */
export class WriteBatcher<T> {
  private readonly queue: Array<{ item: T; done: (error?: unknown) => void }> = [];
  private inFlight = 0;

  constructor(
    private readonly write: (items: T[]) => Promise<unknown>,
    private readonly options: { maxItems: number; concurrency: number },
  ) {}

  /** Resolves once the statement carrying `item` has committed. */
  submit(item: T): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ item, done: (error) => (error === undefined ? resolve() : reject(error)) });
      if (this.inFlight < this.options.concurrency) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.inFlight += 1;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.options.maxItems);
        try {
          await this.write(batch.map((entry) => entry.item));
          for (const entry of batch) entry.done();
        } catch (error) {
          for (const entry of batch) entry.done(error ?? new Error('write failed'));
        }
      }
    } finally {
      this.inFlight -= 1;
    }
  }
}
