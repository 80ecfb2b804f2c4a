interface Waiter<T, R> {
  item: T;
  resolve: (result: R) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit: callers submit items one by one and each waits for its own outcome, while the items
 * that arrive during a flush are written together by a following one. At most `parallel` flushes run
 * at once (the flush itself orders what must be ordered). A failed batch is split and its items are
 * flushed one by one, so that one bad item fails alone.
 */
export class GroupCommit<T, R> {
  private queue: Waiter<T, R>[] = [];
  private running = 0;
  private scheduled = false;

  constructor(
    private readonly flush: (items: readonly T[]) => Promise<R[]>,
    private readonly maxBatch: number,
    private readonly parallel = 1,
  ) {
    if (!Number.isInteger(maxBatch) || maxBatch < 1) throw new Error(`maxBatch must be a positive integer, got ${maxBatch}`);
    if (!Number.isInteger(parallel) || parallel < 1) throw new Error(`parallel must be a positive integer, got ${parallel}`);
  }

  /** Items waiting for a flush. */
  get pending(): number {
    return this.queue.length;
  }

  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.running >= this.parallel || this.queue.length === 0) return;
    this.scheduled = true;
    // Let the messages already received in this turn of the event loop join the batch.
    setImmediate(() => {
      this.scheduled = false;
      this.startFlush();
    });
  }

  private startFlush(): void {
    if (this.running >= this.parallel || this.queue.length === 0) return;
    const batch = this.queue.splice(0, this.maxBatch);
    this.running += 1;
    void this.write(batch).finally(() => {
      this.running -= 1;
      this.schedule();
    });
    this.schedule();
  }

  private async write(batch: Waiter<T, R>[]): Promise<void> {
    try {
      const results = await this.flush(batch.map((b) => b.item));
      batch.forEach((b, i) => b.resolve(results[i] as R));
    } catch (error) {
      if (batch.length === 1) {
        batch[0]?.reject(error);
        return;
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
}
