import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { AnyCloudEvent } from '@switchboard/contracts';
import { ConflictError, errorMessage, ForbiddenError, GroupCommit, NotFoundError, Outbox, type Principal } from '@switchboard/platform';
import { routingEvent } from '../events/event-factory';
import { HotStateRepository, type OpenWork } from '../hot-state/hot-state.repository';
import { RoutingRepository } from '../persistence/routing.repository';
import type { OfferRow } from '../persistence/rows';
import { resolveSettings } from '../settings/settings.schema';
import { DispatchSignal } from '../dispatch/dispatch-signal';
import { TenantSnapshotCache } from '../dispatch/tenant-snapshot.cache';
import { inTransaction } from '../persistence/tx';

export function workOf(offer: Pick<OfferRow, 'tenant' | 'agent_id' | 'interaction_id' | 'channel' | 'id'>): OpenWork {
  return { tenant: offer.tenant, agentId: offer.agent_id, interactionId: offer.interaction_id, channel: offer.channel, offerId: offer.id };
}

interface AcceptRequest {
  tenant: string;
  offerId: string;
  agentId: string;
}

interface Accepted {
  offer: OfferRow;
  stateChanged: boolean;
}

/** Offer outcomes: accept, reject, time out and rescind, each an atomic transition of the offer row. */
@Injectable()
export class OfferLifecycleService {
  private readonly logger = new Logger('OfferLifecycle');
  constructor(
    private readonly repo: RoutingRepository,
    private readonly hot: HotStateRepository,
    private readonly outbox: Outbox,
    private readonly signal: DispatchSignal,
    private readonly snapshots: TenantSnapshotCache,
  ) {}

  private async ownOffer(principal: Principal, offerId: string): Promise<OfferRow> {
    const offer = await this.repo.offer(principal.tenant, offerId);
    if (!offer) throw new NotFoundError(`Offer ${offerId} not found.`, 'ROUTING.OFFER_NOT_FOUND');
    if (principal.role !== 'agent' || principal.subject !== offer.agent_id) {
      throw new ForbiddenError('Only the offered agent may answer an offer.', 'ROUTING.NOT_YOUR_OFFER');
    }
    return offer;
  }

  async accept(principal: Principal, offerId: string): Promise<{ offerId: string; status: 'accepted'; interactionId: string }> {
    // One statement on the way that succeeds (the offer is the caller's and open); the reason of a refusal is read after.
    const accepted = principal.role === 'agent' && principal.subject ? await this.accepts.submit({ tenant: principal.tenant, offerId, agentId: principal.subject }) : undefined;
    if (!accepted) {
      await this.ownOffer(principal, offerId);
      throw new ConflictError(`Offer ${offerId} is no longer open.`, 'ROUTING.OFFER_NOT_OPEN');
    }
    if (accepted.stateChanged) await this.signal.changed(principal.tenant);
    return { offerId: accepted.offer.id, status: 'accepted', interactionId: accepted.offer.interaction_id };
  }

  /**
   * The accepts that arrive together commit together: one transaction, one statement for all of them (and one more for
   * each voice or video offer, which makes the agent busy), and one outbox insert for all their events. A batch that
   * fails is retried one accept at a time.
   */
  private readonly accepts = new GroupCommit<AcceptRequest, Accepted | undefined>((items) => this.acceptBatch(items), {
    maxBatch: 200,
    parallel: 2,
    onBatchFailed: (size, error) =>
      this.logger.warn(`batch of ${size} accepts failed (${errorMessage(error)}); accepting one by one`),
  });

  private async acceptBatch(items: readonly AcceptRequest[]): Promise<(Accepted | undefined)[]> {
    const results = await inTransaction(this.repo.dataSource, this.outbox, async ({ m, events }) => {
      const out: (Accepted | undefined)[] = [];
      for (const accepted of await this.repo.acceptOffers(m, items)) {
        if (!accepted) {
          out.push(undefined);
          continue;
        }
        const { offer: open, interaction } = accepted;
        const base = { interactionId: open.interaction_id, queueId: open.queue_id, offerId: open.id, agentId: open.agent_id, channel: open.channel };
        const waitMs = interaction ? Date.now() - interaction.queued_at.getTime() : undefined;
        events.push(
          routingEvent('routing.accepted', open.tenant, base),
          routingEvent('routing.assigned', open.tenant, { ...base, waitMs, customerId: interaction?.customer_id }),
        );
        let previous: Awaited<ReturnType<RoutingRepository['setAgentState']>>;
        if (open.channel === 'voice' || open.channel === 'video') {
          previous = await this.repo.setAgentState(m, open.tenant, open.agent_id, 'busy', `on ${open.channel}`);
          if (previous) events.push(routingEvent('agent.state_changed', open.tenant, { agentId: open.agent_id, state: 'busy', previousState: previous }));
        }
        out.push({ offer: open, stateChanged: previous !== undefined });
      }
      return out;
    });
    this.outbox.kick();
    for (const tenant of new Set(items.map((item) => item.tenant))) this.snapshots.forgetOccupancy(tenant);
    return results;
  }

  async reject(principal: Principal, offerId: string, reason: string | undefined): Promise<{ offerId: string; status: 'rejected' }> {
    const offer = await this.ownOffer(principal, offerId);
    await this.repo.dataSource.transaction(async (m) => {
      const open = await this.repo.resolveOffer(m, offer.id, 'rejected');
      if (!open) throw new ConflictError(`Offer ${offerId} is no longer open.`, 'ROUTING.OFFER_NOT_OPEN');
      await this.requeue(m, open);
      await this.repo.resetMissed(m, open.tenant, open.agent_id);
      await this.outbox.enqueue(m, [
        routingEvent('routing.rejected', open.tenant, {
          interactionId: open.interaction_id, queueId: open.queue_id, offerId: open.id, agentId: open.agent_id, reason,
        }),
      ]);
    });
    await this.hot.release(workOf(offer));
    this.outbox.kick();
    this.signal.kick();
    return { offerId: offer.id, status: 'rejected' };
  }

  /** Times out one expired offer; a no-op when another replica (or an answer) got there first. */
  async timeOut(offerId: string): Promise<void> {
    const done = await this.repo.dataSource.transaction(async (m) => {
      const open = await this.repo.resolveOffer(m, offerId, 'timed_out');
      if (!open) return undefined;
      await this.requeue(m, open);
      const events: AnyCloudEvent[] = [
        routingEvent('routing.offer_timed_out', open.tenant, {
          interactionId: open.interaction_id, queueId: open.queue_id, offerId: open.id, agentId: open.agent_id,
        }),
      ];
      const missed = await this.repo.incrementMissed(m, open.tenant, open.agent_id);
      const settings = resolveSettings(await this.repo.settings(open.tenant));
      const rescinded: OfferRow[] = [];
      let stateChanged = false;
      if (missed >= settings.maxMissedOffers) {
        const reason = `missed ${missed} offers in a row`;
        const previous = await this.repo.setAgentState(m, open.tenant, open.agent_id, 'not_responding', reason);
        if (previous) {
          stateChanged = true;
          events.push(routingEvent('agent.state_changed', open.tenant, { agentId: open.agent_id, state: 'not_responding', previousState: previous, reason }));
          rescinded.push(...(await this.rescindAgentOffers(m, open.tenant, open.agent_id, events, 'agent not responding')));
        }
      }
      await this.outbox.enqueue(m, events);
      return { tenant: open.tenant, released: [open, ...rescinded], stateChanged };
    });
    if (!done) return;
    for (const offer of done.released) await this.hot.release(workOf(offer));
    this.outbox.kick();
    if (done.stateChanged) await this.signal.changed(done.tenant);
    else this.signal.kick();
  }

  /** Withdraws an agent's open offers (agent left), putting their interactions back in queue. Call in a transaction. */
  async rescindAgentOffers(m: EntityManager, tenant: string, agentId: string, events: AnyCloudEvent[], reason: string): Promise<OfferRow[]> {
    const rescinded: OfferRow[] = [];
    for (const offer of await this.repo.openOffersOfAgent(m, tenant, agentId)) {
      const open = await this.repo.resolveOffer(m, offer.id, 'rescinded');
      if (!open) continue;
      await this.requeue(m, open);
      events.push(routingEvent('routing.offer_rescinded', tenant, {
        interactionId: open.interaction_id, queueId: open.queue_id, offerId: open.id, agentId: open.agent_id, reason,
      }));
      rescinded.push(open);
    }
    return rescinded;
  }

  private async requeue(m: EntityManager, offer: OfferRow): Promise<void> {
    await this.repo.updateInteraction(m, offer.tenant, offer.interaction_id, { status: 'queued', agent_id: null, declined: offer.agent_id, logged_outcome: null }, ['offered']);
  }

  async releaseAll(offers: OfferRow[]): Promise<void> {
    for (const offer of offers) await this.hot.release(workOf(offer));
  }
}
