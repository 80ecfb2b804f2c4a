/**
 * Group commit: callers submit items one by one and each waits for its own outcome, while the items
 * that arrive during a flush are written together by the next one. Flushes run one at a time, so a
 * flush that commits before another also started before it. A failed batch is split and its items
 * are flushed one by one, so that one bad item fails alone.
 */
export class GroupCommit<T, R> {
  private queue: { item: T; resolve: (result: R) => void; reject: (error: unknown) => void }[] = [];
  private draining = false;

  constructor(
    private readonly flush: (items: readonly T[]) => Promise<R[]>,
    private readonly maxBatch: number,
  ) {
    if (!Number.isInteger(maxBatch) || maxBatch < 1) throw new Error(`maxBatch must be a positive integer, got ${maxBatch}`);
  }

  /** Items waiting for the next flush. */
  get pending(): number {
    return this.queue.length;
  }

  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (this.draining) return;
      this.draining = true;
      // Let the messages already received in this turn of the event loop join the first batch.
      setImmediate(() => void this.drain());
    });
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.maxBatch);
        try {
          const results = await this.flush(batch.map((b) => b.item));
          batch.forEach((b, i) => b.resolve(results[i] as R));
        } catch (error) {
          if (batch.length === 1) {
            batch[0]?.reject(error);
            continue;
          }
          for (const b of batch) {
            try {
              const [result] = await this.flush([b.item]);
              b.resolve(result as R);
            } catch (single) {
              b.reject(single);
            }
          }
        }
      }
    } finally {
      this.draining = false;
    }
  }
}
