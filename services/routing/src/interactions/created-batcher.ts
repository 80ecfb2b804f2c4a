import { Injectable, Logger } from '@nestjs/common';
import type { CloudEvent } from '@switchboard/contracts';
import { IdempotencyService, Outbox } from '@switchboard/platform';
import { DispatchSignal } from '../dispatch/dispatch-signal';
import { ROUTING_CONSUMER, routingEvent } from '../events/event-factory';
import { RoutingRepository } from '../persistence/routing.repository';

const MAX_BATCH = 500;
const MAX_IN_FLIGHT = 2;

interface Pending {
  event: CloudEvent<'interaction.created'>;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Queues arriving interactions in batches: the handlers in flight hand their `interaction.created` events here, and
 * each batch commits in one transaction (processed ids, interactions, `routing.queued` events), after which every
 * handler of the batch resolves and its message is acked. A batch that fails is retried one event at a time, so one
 * event that can never succeed fails alone.
 */
@Injectable()
export class CreatedBatcher {
  private readonly logger = new Logger('CreatedBatcher');
  private pending: Pending[] = [];
  private scheduled = false;
  private inFlight = 0;

  constructor(
    private readonly idempotency: IdempotencyService,
    private readonly repo: RoutingRepository,
    private readonly outbox: Outbox,
    private readonly signal: DispatchSignal,
  ) {}

  /** Resolves once the event's interaction is durably queued (or was already). */
  add(event: CloudEvent<'interaction.created'>): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ event, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight >= MAX_IN_FLIGHT || this.pending.length === 0) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.flush();
    });
  }

  private async flush(): Promise<void> {
    const batch = this.pending.splice(0, MAX_BATCH);
    if (batch.length === 0) return;
    this.inFlight += 1;
    try {
      try {
        await this.commit(batch.map((p) => p.event));
        for (const p of batch) p.resolve();
      } catch (error) {
        if (batch.length === 1) throw error;
        this.logger.warn(`batch of ${batch.length} failed (${error instanceof Error ? error.message : String(error)}); committing one by one`);
        for (const p of batch) {
          try {
            await this.commit([p.event]);
            p.resolve();
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

  private async commit(events: CloudEvent<'interaction.created'>[]): Promise<void> {
    await this.repo.dataSource.transaction(async (m) => {
      const fresh = await this.idempotency.claim(m, ROUTING_CONSUMER, events.map((e) => e.id));
      const seen = new Set<string>();
      const todo = events.filter((e) => fresh.has(e.id) && !seen.has(e.id) && seen.add(e.id));
      const inserted = await this.repo.insertInteractions(m, todo.map((e) => ({
        tenant: e.tenantid, id: e.data.interactionId, queue_id: e.data.queueId, channel: e.data.channel, customer_id: e.data.customer.id,
        vip: e.data.customer.vip ?? false, language: e.data.language ?? null, priority: e.data.priority ?? null,
      })));
      await this.outbox.enqueue(m, todo.filter((e) => inserted.has(`${e.tenantid}|${e.data.interactionId}`)).map((e) =>
        routingEvent('routing.queued', e.tenantid, {
          interactionId: e.data.interactionId, queueId: e.data.queueId, priority: e.data.priority, customerId: e.data.customer.id, channel: e.data.channel,
        }),
      ));
    });
    this.outbox.kick();
    this.signal.kick();
  }
}
