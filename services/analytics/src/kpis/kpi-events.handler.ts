import { Injectable } from '@nestjs/common';
import type { CloudEvent } from '@switchboard/contracts';
import { IdempotencyService, OnEvent } from '@switchboard/platform';
import { KpiSnapshotPublisher } from './kpi-snapshot.publisher';
import { KpiRepository } from './kpi.repository';

const CONSUMER = 'analytics-kpis';

/**
 * Interaction and presence events → the facts the KPIs are computed from (own durable consumers, so that utterance
 * scoring never holds KPIs back). Each event is applied once; the tenant's live snapshot is then refreshed.
 */
@Injectable()
export class KpiEventsHandler {
  constructor(
    private readonly idempotency: IdempotencyService,
    private readonly repository: KpiRepository,
    private readonly snapshots: KpiSnapshotPublisher,
  ) {}

  @OnEvent('interaction.created', { consumer: 'kpis' })
  async created(event: CloudEvent<'interaction.created'>): Promise<void> {
    const { interactionId, queueId, customer, channel } = event.data;
    await this.apply(event.id, event.tenantid, (manager) =>
      this.repository.recordCreated(manager, event.tenantid, { interactionId, queueId, customerId: customer.id, channel }, new Date(event.time)),
    );
  }

  @OnEvent('interaction.answered', { consumer: 'kpis' })
  async answered(event: CloudEvent<'interaction.answered'>): Promise<void> {
    await this.apply(event.id, event.tenantid, (manager) =>
      this.repository.recordAnswered(manager, event.tenantid, event.data.interactionId, event.data.agentId, new Date(event.time)),
    );
  }

  @OnEvent('interaction.ended', { consumer: 'kpis' })
  async ended(event: CloudEvent<'interaction.ended'>): Promise<void> {
    const { interactionId, reason, agentId } = event.data;
    await this.apply(event.id, event.tenantid, (manager) =>
      this.repository.recordEnded(manager, event.tenantid, interactionId, reason, agentId, new Date(event.time)),
    );
  }

  @OnEvent('agent.state_changed', { consumer: 'kpis' })
  async stateChanged(event: CloudEvent<'agent.state_changed'>): Promise<void> {
    await this.apply(event.id, event.tenantid, (manager) =>
      this.repository.recordAgentState(manager, event.tenantid, event.data.agentId, event.data.state, new Date(event.time)),
    );
  }

  private async apply(eventId: string, tenant: string, work: Parameters<IdempotencyService['runOnce']>[2]): Promise<void> {
    const outcome = await this.idempotency.runOnce(CONSUMER, eventId, work);
    if (!outcome.duplicate) this.snapshots.touch(tenant);
  }
}
