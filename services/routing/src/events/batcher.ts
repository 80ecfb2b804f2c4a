import { Logger } from '@nestjs/common';

interface Pending<I, R> {
  item: I;
  resolve: (result: R) => void;
  reject: (error: unknown) => void;
}

export interface BatcherOptions<I, R> {
  name: string;
  /** Most items committed together. */
  maxBatch: number;
  /** Batches committing at once. */
  maxInFlight: number;
  /** Commits the items in one transaction; returns one result per item, in order. */
  commit: (items: I[]) => Promise<R[]>;
}

/**
 * Group commit for consumed events: the handlers in flight hand their items here and each batch commits in one
 * transaction, after which every handler of the batch resolves with its item's result (and its message is acked). A
 * batch that fails is retried one item at a time, so an item that can never succeed fails alone.
 */
export class Batcher<I, R> {
  private readonly logger: Logger;
  private pending: Pending<I, R>[] = [];
  private scheduled = false;
  private inFlight = 0;

  constructor(private readonly options: BatcherOptions<I, R>) {
    this.logger = new Logger(options.name);
  }

  /** Resolves with the item's result once its batch committed. */
  add(item: I): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight >= this.options.maxInFlight || this.pending.length === 0) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.flush();
    });
  }

  private async flush(): Promise<void> {
    const batch = this.pending.splice(0, this.options.maxBatch);
    if (batch.length === 0) return;
    this.inFlight += 1;
    this.schedule();
    try {
      try {
        const results = await this.options.commit(batch.map((p) => p.item));
        for (const [i, p] of batch.entries()) p.resolve(results[i] as R);
      } catch (error) {
        if (batch.length === 1) throw error;
        this.logger.warn(`batch of ${batch.length} failed (${error instanceof Error ? error.message : String(error)}); committing one by one`);
        for (const p of batch) {
          try {
            const [result] = await this.options.commit([p.item]);
            p.resolve(result as R);
          } catch (single) {
            p.reject(single);
          }
        }
      }
    } catch (error) {
      for (const p of batch) p.reject(error);
    } finally {
      this.inFlight -= 1;
      this.schedule();
    }
  }
}
