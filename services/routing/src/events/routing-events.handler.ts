import { Injectable } from '@nestjs/common';
import type { CloudEvent } from '@switchboard/contracts';
import { OnEvent, ValidationError } from '@switchboard/platform';
import { PresenceService } from '../agents/presence.service';
import { InteractionLifecycleService } from '../interactions/interaction-lifecycle.service';
import { RoutingRepository } from '../persistence/routing.repository';
import { DispatchSignal } from '../dispatch/dispatch-signal';
import { CreatedBatcher } from '../interactions/created-batcher';
import { EventTransactions } from './event-transactions';
import { ROUTING_SOURCE } from './event-factory';

/**
 * Handlers in flight per event type: arrivals and the other transactional events commit in batches (CreatedBatcher,
 * EventTransactions), so many in flight make the batches without holding more than a few pooled connections. The
 * types share the durable's slots (the largest of these limits), and an end or a disposition holds its slot until its
 * batch commits: with room for two full batches of them and more, arrivals behind them in the stream are not held up.
 */
const BATCHED_IN_FLIGHT = 256;

/** Consumed events: decode (platform) → use case in an idempotent transaction → ack. */
@Injectable()
export class RoutingEventsHandler {
  constructor(
    private readonly transactions: EventTransactions,
    private readonly interactions: InteractionLifecycleService,
    private readonly created: CreatedBatcher,
    private readonly presence: PresenceService,
    private readonly repo: RoutingRepository,
    private readonly signal: DispatchSignal,
  ) {}

  /** Arrivals commit in batches (see CreatedBatcher): many handlers in flight make the batches. */
  @OnEvent('interaction.created', { concurrency: BATCHED_IN_FLIGHT })
  async onCreated(event: CloudEvent<'interaction.created'>): Promise<void> {
    assertStorable(event);
    await this.created.add(event);
  }

  @OnEvent('interaction.ended', { concurrency: BATCHED_IN_FLIGHT })
  async onEnded(event: CloudEvent<'interaction.ended'>): Promise<void> {
    assertStorable(event);
    const { tenantid: tenant, data } = event;
    const outcome = await this.transactions.run(event.id, (tx) => this.interactions.ended(tx, tenant, data.interactionId), {
      end: { tenant, interactionId: data.interactionId },
    });
    await this.interactions.afterCommit(outcome.duplicate ? undefined : outcome.result);
  }

  @OnEvent('interaction.transferred', { concurrency: BATCHED_IN_FLIGHT })
  async onTransferred(event: CloudEvent<'interaction.transferred'>): Promise<void> {
    assertStorable(event);
    const outcome = await this.transactions.run(
      event.id,
      (tx) => this.interactions.transferred(tx, event.tenantid, event.data.interactionId, event.data.toQueueId),
      { lock: { tenant: event.tenantid, interactionId: event.data.interactionId } },
    );
    await this.interactions.afterCommit(outcome.duplicate ? undefined : outcome.result);
  }

  @OnEvent('interaction.disposition', { concurrency: BATCHED_IN_FLIGHT })
  async onDisposition(event: CloudEvent<'interaction.disposition'>): Promise<void> {
    assertStorable(event);
    const { tenantid: tenant, data } = event;
    const outcome = await this.transactions.run(
      event.id,
      (tx) => this.interactions.disposition(tx, tenant, data.interactionId, data.resolved, data.code),
      { disposition: { tenant, interactionId: data.interactionId, resolved: data.resolved, code: data.code ?? null } },
    );
    await this.interactions.afterCommit(outcome.duplicate ? undefined : outcome.result);
  }

  @OnEvent('agent.state_changed', { concurrency: BATCHED_IN_FLIGHT })
  async onAgentState(event: CloudEvent<'agent.state_changed'>): Promise<void> {
    assertStorable(event);
    if (event.source === ROUTING_SOURCE) return;
    const agent = await this.repo.agent(event.tenantid, event.data.agentId);
    if (!agent) return;
    const outcome = await this.transactions.run(event.id, (tx) =>
      this.presence.changeIn(tx, event.tenantid, event.data.agentId, event.data.state, event.data.reason ?? `reported by ${event.source}`),
    );
    if (!outcome.duplicate) await this.presence.afterCommit(outcome.result);
  }

  // Each analytics type has a durable of its own that sees only that type (they need no order between them): the
  // stream's other events (a score per utterance, summaries, KPI snapshots) are never delivered here to be skipped.
  @OnEvent('analytics.abuse_detected', { consumer: 'abuse', concurrency: BATCHED_IN_FLIGHT })
  async onAbuse(event: CloudEvent<'analytics.abuse_detected'>): Promise<void> {
    assertStorable(event);
    await this.transactions.run(event.id, (tx) =>
      this.interactions.abuseDetected(tx, event.tenantid, event.data.interactionId, event.data.customerId),
    );
  }

  @OnEvent('analytics.wellbeing_changed', { consumer: 'wellbeing' })
  async onWellbeing(event: CloudEvent<'analytics.wellbeing_changed'>): Promise<void> {
    assertStorable(event);
    await this.repo.setStrain(event.tenantid, event.data.agentId, event.data.level);
    await this.signal.changed(event.tenantid);
  }

  @OnEvent('analytics.churn_risk_changed', { consumer: 'churn', concurrency: BATCHED_IN_FLIGHT })
  async onChurn(event: CloudEvent<'analytics.churn_risk_changed'>): Promise<void> {
    assertStorable(event);
    await this.transactions.run(event.id, (tx) =>
      this.repo.flagCustomer(tx.m, event.tenantid, event.data.customerId, { churnLevel: event.data.level }),
    );
  }
}

/** Postgres text cannot hold NUL: such an event can never be stored, so it is refused (dead-lettered), not retried. */
function assertStorable(event: { id: string; data: unknown }): void {
  if (JSON.stringify(event.data).includes('\\u0000')) {
    throw new ValidationError(`Event ${event.id} holds a NUL character routing cannot store.`, [], 'ROUTING.UNSTORABLE_EVENT');
  }
}
