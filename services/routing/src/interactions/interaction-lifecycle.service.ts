import { Injectable } from '@nestjs/common';
import type { AnyCloudEvent } from '@switchboard/contracts';
import { Outbox } from '@switchboard/platform';
import type { EntityManager } from 'typeorm';
import { routingEvent } from '../events/event-factory';
import { HotStateRepository } from '../hot-state/hot-state.repository';
import { RoutingRepository } from '../persistence/routing.repository';
import type { InteractionRow, OfferRow } from '../persistence/rows';
import { workOf } from '../offers/offer-lifecycle.service';
import { resolveSettings } from '../settings/settings.schema';
import { DispatchSignal } from '../dispatch/dispatch-signal';

/** What must follow a committed interaction change: reservations to release, and whether an agent's state moved. */
export interface InteractionChange {
  tenant: string;
  released: OfferRow[];
  agentStateChanged: boolean;
}

/** What routing does when interactions arrive, end or move. Each runs inside the consumer's idempotent transaction. */
@Injectable()
export class InteractionLifecycleService {
  constructor(
    private readonly repo: RoutingRepository,
    private readonly hot: HotStateRepository,
    private readonly outbox: Outbox,
    private readonly signal: DispatchSignal,
  ) {}

  /** Ended: withdraw it when still waiting or offered; otherwise free the agent and start wrap-up. */
  async ended(m: EntityManager, tenant: string, interactionId: string): Promise<InteractionChange> {
    const interaction = await this.repo.interaction(tenant, interactionId, m, true);
    if (!interaction || interaction.status === 'ended') return { tenant, released: [], agentStateChanged: false };
    return this.finish(m, interaction, undefined);
  }

  /** Transferred to another queue: the current agent is freed and the interaction queues again. */
  async transferred(m: EntityManager, tenant: string, interactionId: string, toQueueId: string | undefined): Promise<InteractionChange> {
    const interaction = await this.repo.interaction(tenant, interactionId, m, true);
    if (!interaction || interaction.status === 'ended' || !toQueueId) return { tenant, released: [], agentStateChanged: false };
    return this.finish(m, interaction, toQueueId);
  }

  /**
   * The agent recorded the outcome: kept for sticky routing (an unresolved case goes back to its agent) and the decision
   * log, and it ends the agent's wrap-up for this interaction (the disposition is what wrap-up waits for), except the
   * recovery time after an abusive contact, which runs in full. Before the end, it waives the coming wrap-up.
   */
  async disposition(m: EntityManager, tenant: string, interactionId: string, resolved: boolean, code: string | undefined): Promise<InteractionChange> {
    const interaction = await this.repo.recordDisposition(m, tenant, interactionId, resolved, code ?? null);
    const none = { tenant, released: [], agentStateChanged: false };
    if (!interaction || interaction.status !== 'ended' || !interaction.agent_id || !interaction.ended_at) return none;
    const agentId = interaction.agent_id;
    const agent = await this.repo.agent(tenant, agentId, m);
    if (!agent || agent.state !== 'wrap_up' || (await this.repo.openInteractionsOf(m, tenant, agentId)) > 0) return none;
    const settings = resolveSettings(await this.repo.settings(tenant));
    const recoveryEnd = interaction.abusive && settings.recoveryEnabled ? interaction.ended_at.getTime() + settings.recoveryWrapUpSeconds * 1000 : 0;
    if (recoveryEnd > Date.now()) {
      await this.repo.shortenWrapUp(m, tenant, agentId, new Date(recoveryEnd));
      return none;
    }
    const reason = 'disposition recorded';
    const previous = await this.repo.setAgentState(m, tenant, agentId, 'available', reason, { onlyFrom: ['wrap_up'] });
    if (!previous) return none;
    await this.outbox.enqueue(m, [routingEvent('agent.state_changed', tenant, { agentId, state: 'available', previousState: previous, reason })]);
    return { tenant, released: [], agentStateChanged: true };
  }

  async abuseDetected(m: EntityManager, tenant: string, interactionId: string, customerId: string | undefined): Promise<void> {
    await this.repo.updateInteraction(m, tenant, interactionId, { abusive: true });
    const interaction = await this.repo.interaction(tenant, interactionId, m);
    const customer = customerId ?? interaction?.customer_id;
    if (customer) await this.repo.flagCustomer(m, tenant, customer, { abusive: true });
  }

  private async finish(m: EntityManager, interaction: InteractionRow, toQueueId: string | undefined): Promise<InteractionChange> {
    const { tenant, id } = interaction;
    const events: AnyCloudEvent[] = [];
    const released: OfferRow[] = [];
    const offer = await this.repo.openOfferFor(m, tenant, id);
    const waitMs = Date.now() - interaction.queued_at.getTime();
    if (interaction.status === 'queued' || interaction.status === 'offered') {
      if (offer && offer.status === 'offered') {
        const rescinded = await this.repo.resolveOffer(m, offer.id, 'rescinded');
        if (rescinded) {
          released.push(rescinded);
          events.push(routingEvent('routing.offer_rescinded', tenant, {
            interactionId: id, queueId: offer.queue_id, offerId: offer.id, agentId: offer.agent_id, reason: toQueueId ? 'transferred' : 'interaction ended',
          }));
        }
      }
      if (!toQueueId) events.push(routingEvent('routing.abandoned', tenant, { interactionId: id, queueId: interaction.queue_id, waitMs, customerId: interaction.customer_id }));
    } else if (interaction.status === 'assigned' && offer) {
      released.push(offer);
    }
    if (toQueueId) {
      await this.repo.updateInteraction(m, tenant, id, { status: 'queued', queue_id: toQueueId, agent_id: null, queued_at: new Date(), overflow_step: 0, logged_outcome: null });
      events.push(routingEvent('routing.queued', tenant, { interactionId: id, queueId: toQueueId, customerId: interaction.customer_id, channel: interaction.channel }));
    } else {
      await this.repo.updateInteraction(m, tenant, id, { status: 'ended', ended_at: new Date() });
    }
    const agentStateChanged = interaction.status === 'assigned' && interaction.agent_id ? await this.startWrapUp(m, interaction, events) : false;
    await this.outbox.enqueue(m, events);
    return { tenant, released, agentStateChanged };
  }

  /** Starts the agent's wrap-up when this was their last open interaction; true when their state changed. */
  private async startWrapUp(m: EntityManager, interaction: InteractionRow, events: AnyCloudEvent[]): Promise<boolean> {
    const agentId = interaction.agent_id;
    if (!agentId) return false;
    if ((await this.repo.openInteractionsOf(m, interaction.tenant, agentId)) > 0) return false;
    const agent = await this.repo.agent(interaction.tenant, agentId, m);
    if (!agent || !(agent.state === 'busy' || agent.state === 'available')) return false;
    const queue = await this.repo.queue(interaction.tenant, interaction.queue_id, m);
    const settings = resolveSettings(await this.repo.settings(interaction.tenant));
    const recovery = settings.recoveryEnabled && interaction.abusive ? settings.recoveryWrapUpSeconds : 0;
    // A disposition recorded before the end already did what wrap-up is for; recovery still applies.
    const seconds = (interaction.disposed_at ? 0 : (queue?.wrap_up_seconds ?? 0)) + recovery;
    const reason = recovery > 0 ? `wrap-up with ${recovery}s recovery after abusive contact` : 'wrap-up';
    if (seconds <= 0) {
      const previous = await this.repo.setAgentState(m, interaction.tenant, agentId, 'available', 'interaction ended', { onlyFrom: ['busy'] });
      if (previous) events.push(routingEvent('agent.state_changed', interaction.tenant, { agentId, state: 'available', previousState: previous, reason: 'interaction ended' }));
      return previous !== undefined;
    }
    const previous = await this.repo.setAgentState(m, interaction.tenant, agentId, 'wrap_up', reason, { wrapUpUntil: new Date(Date.now() + seconds * 1000) });
    if (previous) events.push(routingEvent('agent.state_changed', interaction.tenant, { agentId, state: 'wrap_up', previousState: previous, reason }));
    return previous !== undefined;
  }

  /** After the consumer's transaction committed. */
  async afterCommit(change: InteractionChange | undefined): Promise<void> {
    for (const offer of change?.released ?? []) await this.hot.release(workOf(offer));
    this.outbox.kick();
    if (change?.agentStateChanged) await this.signal.changed(change.tenant);
    else this.signal.kick();
  }
}
