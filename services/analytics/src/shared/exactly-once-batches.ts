import { GroupCommit, type IdempotencyService } from '@switchboard/platform';
import type { DataSource, EntityManager } from 'typeorm';

export interface ExactlyOnceBatchesOptions<T, R> {
  dataSource: DataSource;
  idempotency: IdempotencyService;
  /** The idempotency ledger's consumer name. */
  consumer: string;
  /** The event id of an item. */
  idOf(item: T): string;
  /** The work of the items not processed before, inside the batch's transaction. */
  apply(manager: EntityManager, fresh: T[]): Promise<R>;
  /** After the batch committed (e.g. kick the outbox relay). */
  committed?(result: R, fresh: T[]): void;
  maxBatch: number;
  maxWrites: number;
  /** How long a batch waits for more items once one is waiting (default `BATCH_LINGER_MS`). */
  lingerMs?: number;
}

/**
 * Analytics is off the path that routes work to agents: a batch waits this long for company, which turns a trickle of
 * events into a few transactions a second instead of one per event-loop turn.
 */
export const BATCH_LINGER_MS = 50;

/**
 * Event work done exactly once and in batches: the items that arrive while earlier batches are being written are written
 * together (GroupCommit), in one transaction that records their event ids in the idempotency ledger and does the work
 * of those not processed before (an id twice in a batch counts once). Each `add` settles when its batch committed.
 */
export class ExactlyOnceBatches<T, R = void> {
  private readonly batches: GroupCommit<T>;

  constructor(private readonly options: ExactlyOnceBatchesOptions<T, R>) {
    // A failed batch fails every item (each message is redelivered); the batch's transaction decides what to retry.
    this.batches = new GroupCommit<T>((items) => this.write(items), {
      maxBatch: options.maxBatch,
      parallel: options.maxWrites,
      splitFailedBatches: false,
      lingerMs: options.lingerMs ?? BATCH_LINGER_MS,
    });
  }

  add(item: T): Promise<void> {
    return this.batches.submit(item);
  }

  private async write(items: readonly T[]): Promise<void> {
    const { dataSource, idempotency, consumer, idOf, apply, committed } = this.options;
    let fresh: T[] = [];
    const result = await dataSource.transaction(async (manager) => {
      const claimed = await idempotency.claim(manager, consumer, items.map(idOf));
      fresh = items.filter((item) => claimed.delete(idOf(item)));
      return apply(manager, fresh);
    });
    committed?.(result, fresh);
  }
}
