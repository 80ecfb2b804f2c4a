import { Injectable } from '@nestjs/common';
import { routingEvent } from '../events/event-factory';
import { HotStateRepository, type OpenWork } from '../hot-state/hot-state.repository';
import { interactionKey, RoutingRepository, type InteractionWithOffer, type WrapUpContext } from '../persistence/routing.repository';
import { takeAhead, type Tx } from '../persistence/tx';
import { workOf } from '../offers/offer-lifecycle.service';
import { resolveSettings } from '../settings/settings.schema';
import { DispatchSignal } from '../dispatch/dispatch-signal';

/** What must follow a committed interaction change: reservations to release, and whether an agent's state moved. */
export interface InteractionChange {
  tenant: string;
  released: OpenWork[];
  agentStateChanged: boolean;
  /** Capacity was freed or an interaction queued again: a decision round could offer. */
  routable: boolean;
}

/** What routing does when interactions end or move. Each runs inside the consumer's idempotent transaction. */
@Injectable()
export class InteractionLifecycleService {
  constructor(
    private readonly repo: RoutingRepository,
    private readonly hot: HotStateRepository,
    private readonly signal: DispatchSignal,
  ) {}

  /** Ended: withdraw it when still waiting or offered; otherwise free the agent and start wrap-up. */
  async ended(tx: Tx, tenant: string, interactionId: string): Promise<InteractionChange> {
    const interaction = await this.lock(tx, tenant, interactionId);
    if (!interaction || interaction.status === 'ended') return { tenant, released: [], agentStateChanged: false, routable: false };
    return this.finish(tx, interaction, undefined);
  }

  /** Transferred to another queue: the current agent is freed and the interaction queues again. */
  async transferred(tx: Tx, tenant: string, interactionId: string, toQueueId: string | undefined): Promise<InteractionChange> {
    const interaction = await this.lock(tx, tenant, interactionId);
    if (!interaction || interaction.status === 'ended' || !toQueueId) return { tenant, released: [], agentStateChanged: false, routable: false };
    return this.finish(tx, interaction, toQueueId);
  }

  /**
   * The agent recorded the outcome: kept for sticky routing (an unresolved case goes back to its agent) and the decision
   * log, and it ends the agent's wrap-up for this interaction (the disposition is what wrap-up waits for), except the
   * recovery time after an abusive contact, which runs in full. Before the end, it waives the coming wrap-up.
   */
  async disposition(tx: Tx, tenant: string, interactionId: string, resolved: boolean, code: string | undefined): Promise<InteractionChange> {
    const { m } = tx;
    const none = { tenant, released: [], agentStateChanged: false, routable: false };
    const ahead = takeAhead(tx.ahead?.dispositions, interactionKey(tenant, interactionId));
    const recorded = ahead.found ? ahead.value : await this.repo.recordDisposition(m, tenant, interactionId, resolved, code ?? null);
    if (!recorded) return none;
    const { interaction, agentState, agentOpen, settings: stored } = recorded;
    if (interaction.status !== 'ended' || !interaction.agent_id || !interaction.ended_at) return none;
    const agentId = interaction.agent_id;
    if (agentState !== 'wrap_up' || agentOpen > 0) return none;
    const settings = resolveSettings(stored);
    const recoveryEnd = interaction.abusive && settings.recoveryEnabled ? interaction.ended_at.getTime() + settings.recoveryWrapUpSeconds * 1000 : 0;
    if (recoveryEnd > Date.now()) {
      await this.repo.shortenWrapUp(m, tenant, agentId, new Date(recoveryEnd));
      return none;
    }
    const reason = 'disposition recorded';
    const previous = await this.repo.setAgentState(m, tenant, agentId, 'available', reason, { onlyFrom: ['wrap_up'] });
    if (!previous) return none;
    tx.events.push(routingEvent('agent.state_changed', tenant, { agentId, state: 'available', previousState: previous, reason }));
    return { tenant, released: [], agentStateChanged: true, routable: true };
  }

  async abuseDetected(tx: Tx, tenant: string, interactionId: string, customerId: string | undefined): Promise<void> {
    const customerOfInteraction = await this.repo.flagInteractionAbusive(tx.m, tenant, interactionId);
    const customer = customerId ?? customerOfInteraction;
    if (customer) await this.repo.flagCustomer(tx.m, tenant, customer, { abusive: true });
  }

  /** The interaction locked with its open offer: locked by the batch ahead of this event, else now. */
  private async lock(tx: Tx, tenant: string, interactionId: string): Promise<InteractionWithOffer | undefined> {
    const ahead = takeAhead(tx.ahead?.locked, interactionKey(tenant, interactionId));
    return ahead.found ? ahead.value : this.repo.lockInteractionWithOffer(tx.m, tenant, interactionId);
  }

  private async finish(tx: Tx, interaction: InteractionWithOffer, toQueueId: string | undefined): Promise<InteractionChange> {
    const { m, events } = tx;
    const { tenant, id, offer } = interaction;
    const released: OpenWork[] = [];
    const waitMs = Date.now() - interaction.queued_at.getTime();
    if (interaction.status === 'queued' || interaction.status === 'offered') {
      if (offer && offer.status === 'offered') {
        const rescinded = await this.repo.resolveOffer(m, offer.id, 'rescinded');
        if (rescinded) {
          released.push(workOf(rescinded));
          events.push(routingEvent('routing.offer_rescinded', tenant, {
            interactionId: id, queueId: offer.queue_id, offerId: offer.id, agentId: offer.agent_id, reason: toQueueId ? 'transferred' : 'interaction ended',
          }));
        }
      }
      if (!toQueueId) events.push(routingEvent('routing.abandoned', tenant, { interactionId: id, queueId: interaction.queue_id, waitMs, customerId: interaction.customer_id }));
    } else if (interaction.status === 'assigned' && offer) {
      released.push(workOf(offer));
    }
    const agentId = interaction.status === 'assigned' ? interaction.agent_id : null;
    let context: WrapUpContext | undefined;
    if (toQueueId) {
      await this.repo.updateInteraction(m, tenant, id, { status: 'queued', queue_id: toQueueId, agent_id: null, queued_at: new Date(), overflow_step: 0, logged_outcome: null });
      events.push(routingEvent('routing.queued', tenant, { interactionId: id, queueId: toQueueId, customerId: interaction.customer_id, channel: interaction.channel }));
      if (agentId) context = await this.repo.wrapUpContext(m, tenant, agentId, interaction.queue_id);
    } else if (agentId) {
      const ahead = takeAhead(tx.ahead?.ended, interactionKey(tenant, id));
      context = ahead.found ? ahead.value : await this.repo.wrapUpContext(m, tenant, agentId, interaction.queue_id, { interactionId: id, at: new Date() });
    } else {
      await this.repo.updateInteraction(m, tenant, id, { status: 'ended', ended_at: new Date() });
    }
    const agentStateChanged = agentId ? await this.startWrapUp(tx, interaction, agentId, context) : false;
    return { tenant, released, agentStateChanged, routable: true };
  }

  /** Starts the agent's wrap-up when this was their last open interaction; true when their state changed. */
  private async startWrapUp(tx: Tx, interaction: InteractionWithOffer, agentId: string, context: WrapUpContext | undefined): Promise<boolean> {
    const { m, events } = tx;
    const { tenant } = interaction;
    if (!context || context.agentOpen > 0 || !(context.agentState === 'busy' || context.agentState === 'available')) return false;
    const settings = resolveSettings(context.settings);
    const recovery = settings.recoveryEnabled && interaction.abusive ? settings.recoveryWrapUpSeconds : 0;
    // A disposition recorded before the end already did what wrap-up is for; recovery still applies.
    const seconds = (interaction.disposed_at ? 0 : (context.wrapUpSeconds ?? 0)) + recovery;
    const reason = recovery > 0 ? `wrap-up with ${recovery}s recovery after abusive contact` : 'wrap-up';
    if (seconds <= 0) {
      // Only a busy agent (on a call) changes state; an available one stays available.
      if (context.agentState !== 'busy') return false;
      const previous = await this.repo.setAgentState(m, tenant, agentId, 'available', 'interaction ended', { onlyFrom: ['busy'] });
      if (previous) events.push(routingEvent('agent.state_changed', tenant, { agentId, state: 'available', previousState: previous, reason: 'interaction ended' }));
      return previous !== undefined;
    }
    // Checked again as it is written: the state read with the context may be older than another event of the batch.
    const previous = await this.repo.setAgentState(m, tenant, agentId, 'wrap_up', reason, { wrapUpUntil: new Date(Date.now() + seconds * 1000), onlyFrom: ['busy', 'available'] });
    if (previous) events.push(routingEvent('agent.state_changed', tenant, { agentId, state: 'wrap_up', previousState: previous, reason }));
    return previous !== undefined;
  }

  /** After the consumer's transaction committed (which relays its events): releases, then a round when one could offer. */
  async afterCommit(change: InteractionChange | undefined): Promise<void> {
    if (!change) return;
    for (const work of change.released) await this.hot.release(work);
    if (change.agentStateChanged) await this.signal.changed(change.tenant);
    else if (change.routable) this.signal.kick();
  }
}
