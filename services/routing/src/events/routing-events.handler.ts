import { Injectable } from '@nestjs/common';
import type { CloudEvent } from '@switchboard/contracts';
import { IdempotencyService, OnEvent, Outbox, ValidationError } from '@switchboard/platform';
import { PresenceService } from '../agents/presence.service';
import { InteractionLifecycleService } from '../interactions/interaction-lifecycle.service';
import { RoutingRepository } from '../persistence/routing.repository';
import { DispatchSignal } from '../dispatch/dispatch-signal';
import { CreatedBatcher } from '../interactions/created-batcher';
import { ROUTING_CONSUMER, ROUTING_SOURCE } from './event-factory';

const CONSUMER = ROUTING_CONSUMER;
const ARRIVALS_IN_FLIGHT = 128;

/** Consumed events: decode (platform) → use case in an idempotent transaction → ack. */
@Injectable()
export class RoutingEventsHandler {
  constructor(
    private readonly idempotency: IdempotencyService,
    private readonly interactions: InteractionLifecycleService,
    private readonly created: CreatedBatcher,
    private readonly presence: PresenceService,
    private readonly repo: RoutingRepository,
    private readonly outbox: Outbox,
    private readonly signal: DispatchSignal,
  ) {}

  /** Arrivals commit in batches (see CreatedBatcher): many handlers in flight make the batches. */
  @OnEvent('interaction.created', { concurrency: ARRIVALS_IN_FLIGHT })
  async onCreated(event: CloudEvent<'interaction.created'>): Promise<void> {
    assertStorable(event);
    await this.created.add(event);
  }

  @OnEvent('interaction.ended')
  async onEnded(event: CloudEvent<'interaction.ended'>): Promise<void> {
    assertStorable(event);
    const outcome = await this.idempotency.runOnce(CONSUMER, event.id, (m) => this.interactions.ended(m, event.tenantid, event.data.interactionId));
    await this.interactions.afterCommit(outcome.duplicate ? undefined : outcome.result);
  }

  @OnEvent('interaction.transferred')
  async onTransferred(event: CloudEvent<'interaction.transferred'>): Promise<void> {
    assertStorable(event);
    const outcome = await this.idempotency.runOnce(CONSUMER, event.id, (m) =>
      this.interactions.transferred(m, event.tenantid, event.data.interactionId, event.data.toQueueId),
    );
    await this.interactions.afterCommit(outcome.duplicate ? undefined : outcome.result);
  }

  @OnEvent('interaction.disposition')
  async onDisposition(event: CloudEvent<'interaction.disposition'>): Promise<void> {
    assertStorable(event);
    const outcome = await this.idempotency.runOnce(CONSUMER, event.id, (m) =>
      this.interactions.disposition(m, event.tenantid, event.data.interactionId, event.data.resolved, event.data.code),
    );
    await this.interactions.afterCommit(outcome.duplicate ? undefined : outcome.result);
  }

  @OnEvent('agent.state_changed')
  async onAgentState(event: CloudEvent<'agent.state_changed'>): Promise<void> {
    assertStorable(event);
    if (event.source === ROUTING_SOURCE) return;
    const agent = await this.repo.agent(event.tenantid, event.data.agentId);
    if (!agent) return;
    const outcome = await this.idempotency.runOnce(CONSUMER, event.id, (m) =>
      this.presence.changeIn(m, event.tenantid, event.data.agentId, event.data.state, event.data.reason ?? `reported by ${event.source}`),
    );
    if (!outcome.duplicate) await this.presence.afterCommit(outcome.result);
  }

  @OnEvent('analytics.abuse_detected')
  async onAbuse(event: CloudEvent<'analytics.abuse_detected'>): Promise<void> {
    assertStorable(event);
    await this.idempotency.runOnce(CONSUMER, event.id, (m) =>
      this.interactions.abuseDetected(m, event.tenantid, event.data.interactionId, event.data.customerId),
    );
  }

  @OnEvent('analytics.wellbeing_changed')
  async onWellbeing(event: CloudEvent<'analytics.wellbeing_changed'>): Promise<void> {
    assertStorable(event);
    await this.repo.setStrain(event.tenantid, event.data.agentId, event.data.level);
    await this.signal.changed(event.tenantid);
  }

  @OnEvent('analytics.churn_risk_changed')
  async onChurn(event: CloudEvent<'analytics.churn_risk_changed'>): Promise<void> {
    assertStorable(event);
    await this.idempotency.runOnce(CONSUMER, event.id, (m) =>
      this.repo.flagCustomer(m, event.tenantid, event.data.customerId, { churnLevel: event.data.level }),
    );
  }
}

/** Postgres text cannot hold NUL: such an event can never be stored, so it is refused (dead-lettered), not retried. */
function assertStorable(event: { id: string; data: unknown }): void {
  if (JSON.stringify(event.data).includes('\\u0000')) {
    throw new ValidationError(`Event ${event.id} holds a NUL character routing cannot store.`, [], 'ROUTING.UNSTORABLE_EVENT');
  }
}
