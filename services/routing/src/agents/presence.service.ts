import { Injectable } from '@nestjs/common';
import type { AgentState, AnyCloudEvent } from '@switchboard/contracts';
import { NotFoundError, Outbox } from '@switchboard/platform';
import type { EntityManager } from 'typeorm';
import { routingEvent } from '../events/event-factory';
import { RoutingRepository } from '../persistence/routing.repository';
import { OfferLifecycleService } from '../offers/offer-lifecycle.service';
import { DispatchSignal } from '../dispatch/dispatch-signal';

/** Agent presence: routing is authoritative and publishes every change. */
@Injectable()
export class PresenceService {
  constructor(
    private readonly repo: RoutingRepository,
    private readonly offers: OfferLifecycleService,
    private readonly outbox: Outbox,
    private readonly signal: DispatchSignal,
  ) {}

  /** Changes an agent's state (API or telephony); withdraws open offers when the agent leaves. */
  async change(tenant: string, agentId: string, state: AgentState, reason: string | undefined, manager?: EntityManager): Promise<{ agentId: string; state: AgentState; previousState?: AgentState }> {
    const work = async (m: EntityManager): Promise<{ previous?: AgentState; events: AnyCloudEvent[]; rescinded: Awaited<ReturnType<OfferLifecycleService['rescindAgentOffers']>> }> => {
      const agent = await this.repo.agent(tenant, agentId, m);
      if (!agent) throw new NotFoundError(`Agent ${agentId} not found.`, 'ROUTING.AGENT_NOT_FOUND');
      const previous = await this.repo.setAgentState(m, tenant, agentId, state, reason ?? null, { resetMissed: state === 'available' });
      const events: AnyCloudEvent[] = [];
      if (!previous) return { events, rescinded: [] };
      events.push(routingEvent('agent.state_changed', tenant, { agentId, state, previousState: previous, reason }));
      const rescinded = state === 'available' ? [] : await this.offers.rescindAgentOffers(m, tenant, agentId, events, `agent ${state}`);
      await this.outbox.enqueue(m, events);
      return { previous, events, rescinded };
    };
    const result = manager ? await work(manager) : await this.repo.dataSource.transaction(work);
    await this.offers.releaseAll(result.rescinded);
    if (result.events.length > 0) {
      this.outbox.kick();
      this.signal.kick();
    }
    return { agentId, state, previousState: result.previous };
  }
}
