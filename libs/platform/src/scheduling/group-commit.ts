interface Waiter<T, R> {
  item: T;
  resolve: (result: R) => void;
  reject: (error: unknown) => void;
}

export interface GroupCommitOptions {
  /** Most items in one flush. */
  maxBatch: number;
  /** Most flushes running at once (the flush itself orders what must be ordered); default 1. */
  parallel?: number;
  /**
   * When a batch of several fails, flush its items again one by one so that one bad item fails alone (default true);
   * false fails every item of the batch with its error.
   */
  splitFailedBatches?: boolean;
  /** Told when a batch of several failed, before its items are flushed one by one (to log it, say). */
  onBatchFailed?: (size: number, error: unknown) => void;
  /**
   * How long a flush waits for more items once one is waiting (default 0: one turn of the event loop). Trades that
   * much latency for fewer, larger batches when items trickle in; a full batch goes at once.
   */
  lingerMs?: number;
}

/**
 * Group commit: callers submit items one by one and each waits for its own outcome, while the items that arrive in one
 * turn of the event loop (a pulled batch of messages) and those arriving during a flush are written together by the
 * next one. Under load batches grow by themselves; when idle an item waits one turn of the event loop.
 */
export class GroupCommit<T, R = void> {
  private queue: Waiter<T, R>[] = [];
  private running = 0;
  private scheduled = false;
  private readonly maxBatch: number;
  private readonly parallel: number;
  private readonly splitFailedBatches: boolean;
  private readonly onBatchFailed: ((size: number, error: unknown) => void) | undefined;
  private readonly lingerMs: number;
  private lingering: NodeJS.Timeout | undefined;

  /** `flush` answers with one result per item, in order (or nothing, for `R = void`). */
  constructor(
    private readonly flush: (items: readonly T[]) => Promise<readonly R[] | void>,
    options: GroupCommitOptions,
  ) {
    this.maxBatch = options.maxBatch;
    this.parallel = options.parallel ?? 1;
    this.splitFailedBatches = options.splitFailedBatches ?? true;
    this.onBatchFailed = options.onBatchFailed;
    this.lingerMs = options.lingerMs ?? 0;
    if (!Number.isFinite(this.lingerMs) || this.lingerMs < 0) throw new Error(`lingerMs must be zero or more, got ${this.lingerMs}`);
    if (!Number.isInteger(this.maxBatch) || this.maxBatch < 1) throw new Error(`maxBatch must be a positive integer, got ${this.maxBatch}`);
    if (!Number.isInteger(this.parallel) || this.parallel < 1) throw new Error(`parallel must be a positive integer, got ${this.parallel}`);
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
    if (this.lingering && this.queue.length >= this.maxBatch) {
      // A full batch does not wait.
      clearTimeout(this.lingering);
      this.lingering = undefined;
      this.scheduled = false;
    }
    if (this.scheduled || this.running >= this.parallel || this.queue.length === 0) return;
    this.scheduled = true;
    const go = (): void => {
      this.scheduled = false;
      this.lingering = undefined;
      this.pump();
    };
    if (this.lingerMs > 0 && this.queue.length < this.maxBatch) {
      this.lingering = setTimeout(go, this.lingerMs);
      return;
    }
    // Let the items already submitted in this turn of the event loop join the batch.
    setImmediate(go);
  }

  private pump(): void {
    while (this.running < this.parallel && this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      this.running += 1;
      void this.write(batch).finally(() => {
        this.running -= 1;
        this.schedule();
      });
    }
  }

  private async write(batch: Waiter<T, R>[]): Promise<void> {
    try {
      const results = await this.flush(batch.map((b) => b.item));
      batch.forEach((b, i) => b.resolve(results?.[i] as R));
    } catch (error) {
      if (batch.length === 1 || !this.splitFailedBatches) {
        for (const b of batch) b.reject(error);
        return;
      }
      this.onBatchFailed?.(batch.length, error);
      for (const b of batch) {
        try {
          const results = await this.flush([b.item]);
          b.resolve(results?.[0] as R);
        } catch (single) {
          b.reject(single);
        }
      }
    }
  }
}
