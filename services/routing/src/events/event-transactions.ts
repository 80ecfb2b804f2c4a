import { Injectable, Logger } from '@nestjs/common';
import { errorMessage, GroupCommit, IdempotencyService, Outbox, type IdempotentOutcome } from '@switchboard/platform';
import { interactionKey, RoutingRepository, type InteractionWithOffer, type RecordedDisposition, type WrapUpContext } from '../persistence/routing.repository';
import type { BatchAhead, Tx } from '../persistence/tx';
import { ROUTING_CONSUMER } from './event-factory';

/** What an event's work needs done first, batched with the other events' (one statement for all of a kind). */
export type Ahead =
  | { lock: { tenant: string; interactionId: string } }
  | { end: { tenant: string; interactionId: string } }
  | { disposition: { tenant: string; interactionId: string; resolved: boolean; code: string | null } };

interface Item {
  eventId: string;
  work: (tx: Tx) => Promise<unknown>;
  ahead: Ahead | undefined;
}

/**
 * The idempotent transactions of consumed events (ends, transfers, dispositions, presence, flags), committed in
 * batches: the events in flight share one transaction, one processed-id insert and one outbox insert, so a burst of them
 * takes one pooled connection instead of one each; a batch waits up to 10 ms for company. Each event's work runs in
 * arrival order; an event seen before is reported as a duplicate and its work skipped. What the events need first is
 * done for all of them ahead of their work, one statement of each kind (`Ahead`): the interactions that end or move are
 * locked with their open offers, the dispositions are recorded, and the assigned interactions that end are ended with
 * their agents' wrap-up context (an agent's last end of the batch is the one that finds no open work left). A batch
 * never holds two events of one interaction (the consumer runs one interaction's events one after another, each after
 * its batch committed), so what is done ahead for one event cannot be changed by another's work in between except
 * through the agent's state, which every follow-up write checks again.
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
      this.logger.warn(`batch of ${size} failed (${errorMessage(error)}); committing one by one`),
  });

  constructor(
    private readonly idempotency: IdempotencyService,
    private readonly repo: RoutingRepository,
    private readonly outbox: Outbox,
  ) {}

  /** Runs `work` once per event id, in a batch's transaction; resolves once that transaction committed. */
  run<T>(eventId: string, work: (tx: Tx) => Promise<T>, ahead?: Ahead): Promise<IdempotentOutcome<T>> {
    return this.batcher.submit({ eventId, work, ahead }) as Promise<IdempotentOutcome<T>>;
  }

  private async commit(items: readonly Item[]): Promise<IdempotentOutcome<unknown>[]> {
    const outcomes = await this.repo.dataSource.transaction(async (m) => {
      const fresh = await this.idempotency.claim(m, ROUTING_CONSUMER, items.map((i) => i.eventId));
      const tx: Tx = { m, events: [], ahead: await this.doAhead(m, items.filter((i) => fresh.has(i.eventId))) };
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

  private async doAhead(m: Tx['m'], items: readonly Item[]): Promise<BatchAhead> {
    const locks: { tenant: string; id: string; end: boolean }[] = [];
    const dispositions: { tenant: string; id: string; resolved: boolean; code: string | null }[] = [];
    for (const { ahead } of items) {
      if (!ahead) continue;
      if ('lock' in ahead) locks.push({ tenant: ahead.lock.tenant, id: ahead.lock.interactionId, end: false });
      else if ('end' in ahead) locks.push({ tenant: ahead.end.tenant, id: ahead.end.interactionId, end: true });
      else dispositions.push({ tenant: ahead.disposition.tenant, id: ahead.disposition.interactionId, resolved: ahead.disposition.resolved, code: ahead.disposition.code });
    }
    const locked = await this.repo.lockInteractionsWithOffers(m, locks);
    const recorded = await this.repo.recordDispositions(m, dispositions);
    const keys = (list: readonly { tenant: string; id: string }[]): string[] => list.map((k) => interactionKey(k.tenant, k.id));
    const lockedRows = keys(locks).map((key) => [key, locked.get(key)] as const);
    return {
      locked: new Map(lockedRows),
      dispositions: new Map(keys(dispositions).map((key) => [key, recorded.get(key)])),
      ended: await this.endAhead(m, locks.map((lock, i) => ({ end: lock.end, row: lockedRows[i]?.[1] })), recorded),
    };
  }

  /**
   * Ends the batch's assigned interactions in one statement, in batch order, with each agent's wrap-up context. An agent
   * whose open work or state another event of the batch changes first (a disposition or a transfer of one of theirs) is
   * left out: those ends run one by one, after the work before them. A presence change of the batch may still be newer
   * than the state read here, which the wrap-up's write checks again.
   */
  private async endAhead(
    m: Tx['m'],
    locked: readonly { end: boolean; row: InteractionWithOffer | undefined }[],
    recorded: ReadonlyMap<string, RecordedDisposition>,
  ): Promise<Map<string, WrapUpContext | undefined>> {
    const agentOf = (row: { tenant: string; agent_id: string | null }): string => `${row.tenant}/${row.agent_id}`;
    const touched = new Set<string>();
    for (const { interaction } of recorded.values()) if (interaction.agent_id) touched.add(agentOf(interaction));
    for (const { end, row } of locked) if (!end && row?.agent_id) touched.add(agentOf(row));
    const assigned = locked.flatMap(({ end, row }) => (end && row?.status === 'assigned' && row.agent_id && !touched.has(agentOf(row))
      ? [{ tenant: row.tenant, id: row.id, agentId: row.agent_id, queueId: row.queue_id }]
      : []));
    const contexts = await this.repo.endAssigned(m, assigned, new Date());
    return new Map(assigned.map(({ tenant, id }) => [interactionKey(tenant, id), contexts.get(interactionKey(tenant, id))]));
  }
}
