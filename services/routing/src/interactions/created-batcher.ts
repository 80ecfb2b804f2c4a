import { Injectable, Logger } from '@nestjs/common';
import type { CloudEvent } from '@switchboard/contracts';
import { errorMessage, GroupCommit, IdempotencyService, Outbox } from '@switchboard/platform';
import { DispatchSignal } from '../dispatch/dispatch-signal';
import { ROUTING_CONSUMER, routingEvent } from '../events/event-factory';
import { RoutingRepository } from '../persistence/routing.repository';

/**
 * Queues arriving interactions in batches: the handlers in flight hand their `interaction.created` events here, and
 * each batch is written by one statement (processed ids, interactions, `routing.queued` events in the outbox), after
 * which every handler of the batch resolves and its message is acked; then a decision round is kicked.
 */
@Injectable()
export class CreatedBatcher {
  private readonly logger = new Logger('CreatedBatcher');
  private readonly batcher = new GroupCommit<CloudEvent<'interaction.created'>, void>((items) => this.commit(items), {
    maxBatch: 500,
    parallel: 2,
    onBatchFailed: (size, error) =>
      this.logger.warn(`batch of ${size} failed (${errorMessage(error)}); committing one by one`),
  });

  constructor(
    private readonly idempotency: IdempotencyService,
    private readonly repo: RoutingRepository,
    private readonly outbox: Outbox,
    private readonly signal: DispatchSignal,
  ) {}

  /** Resolves once the event's interaction is durably queued (or was already). */
  add(event: CloudEvent<'interaction.created'>): Promise<void> {
    return this.batcher.submit(event);
  }

  private async commit(events: readonly CloudEvent<'interaction.created'>[]): Promise<void[]> {
    const seen = new Set<string>();
    const todo = events.filter((e) => !seen.has(e.id) && seen.add(e.id));
    const queued = todo.map((e) => routingEvent('routing.queued', e.tenantid, {
      interactionId: e.data.interactionId, queueId: e.data.queueId, priority: e.data.priority, customerId: e.data.customer.id, channel: e.data.channel,
    }));
    // One statement, its own transaction: one round trip on every arrival's way to a decision.
    const written = await this.repo.queueArrivals(
      (consumer, ids) => this.idempotency.claimSql(consumer, ids),
      (source) => this.outbox.insertFrom(source),
      ROUTING_CONSUMER,
      todo.map((e) => ({
        eventId: e.id, tenant: e.tenantid, id: e.data.interactionId, queue_id: e.data.queueId, channel: e.data.channel, customer_id: e.data.customer.id,
        vip: e.data.customer.vip ?? false, language: e.data.language ?? null, priority: e.data.priority ?? null,
      })),
      queued,
    );
    this.outbox.track(undefined, written, queued);
    this.signal.kick();
    return events.map(() => undefined);
  }
}
