import { Injectable, Logger } from '@nestjs/common';
import { GroupCommit, IdempotencyService, Outbox, type IdempotentOutcome } from '@switchboard/platform';
import { RoutingRepository } from '../persistence/routing.repository';
import type { Tx } from '../persistence/tx';
import { ROUTING_CONSUMER } from './event-factory';

interface Item {
  eventId: string;
  work: (tx: Tx) => Promise<unknown>;
}

/**
 * The idempotent transactions of consumed events (ends, transfers, dispositions, presence, flags), committed in
 * batches: the events in flight share one transaction, one processed-id insert and one outbox insert, so a burst of them
 * takes one pooled connection instead of one each; a batch waits up to 10 ms for company. Each event's work runs in
 * arrival order; an event seen before is reported as a duplicate and its work skipped.
 */
@Injectable()
export class EventTransactions {
  private readonly logger = new Logger('EventTransactions');
  private readonly batcher = new GroupCommit<Item, IdempotentOutcome<unknown>>((items) => this.commit(items), {
    maxBatch: 64,
    parallel: 2,
    // Ends and dispositions trickle in; none of them is waited for by a caller, so they wait a little for company.
    lingerMs: 10,
    onBatchFailed: (size, error) =>
      this.logger.warn(`batch of ${size} failed (${error instanceof Error ? error.message : String(error)}); committing one by one`),
  });

  constructor(
    private readonly idempotency: IdempotencyService,
    private readonly repo: RoutingRepository,
    private readonly outbox: Outbox,
  ) {}

  /** Runs `work` once per event id, in a batch's transaction; resolves once that transaction committed. */
  run<T>(eventId: string, work: (tx: Tx) => Promise<T>): Promise<IdempotentOutcome<T>> {
    return this.batcher.submit({ eventId, work }) as Promise<IdempotentOutcome<T>>;
  }

  private async commit(items: readonly Item[]): Promise<IdempotentOutcome<unknown>[]> {
    const outcomes = await this.repo.dataSource.transaction(async (m) => {
      const fresh = await this.idempotency.claim(m, ROUTING_CONSUMER, items.map((i) => i.eventId));
      const tx: Tx = { m, events: [] };
      const out: IdempotentOutcome<unknown>[] = [];
      for (const item of items) {
        // delete: an id given twice in one batch runs once.
        if (fresh.delete(item.eventId)) out.push({ duplicate: false, result: await item.work(tx) });
        else out.push({ duplicate: true });
      }
      await this.outbox.enqueue(m, tx.events);
      return { out, enqueued: tx.events.length };
    });
    if (outcomes.enqueued > 0) this.outbox.kick();
    return outcomes.out;
  }
}
