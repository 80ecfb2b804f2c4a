import { Injectable } from '@nestjs/common';
import type { AgentState } from '@switchboard/contracts';
import { NotFoundError, Outbox } from '@switchboard/platform';
import { routingEvent } from '../events/event-factory';
import { RoutingRepository } from '../persistence/routing.repository';
import type { OfferRow } from '../persistence/rows';
import { inTransaction, type Tx } from '../persistence/tx';
import { OfferLifecycleService } from '../offers/offer-lifecycle.service';
import { DispatchSignal } from '../dispatch/dispatch-signal';

/** A committed (or about to commit) presence change and what must follow the commit. */
export interface PresenceChange {
  tenant: string;
  agentId: string;
  state: AgentState;
  previousState?: AgentState;
  rescinded: OfferRow[];
}

/** Agent presence: routing is authoritative and publishes every change. */
@Injectable()
export class PresenceService {
  constructor(
    private readonly repo: RoutingRepository,
    private readonly offers: OfferLifecycleService,
    private readonly outbox: Outbox,
    private readonly signal: DispatchSignal,
  ) {}

  /** Changes an agent's state (API); withdraws open offers when the agent leaves. */
  async change(tenant: string, agentId: string, state: AgentState, reason: string | undefined): Promise<{ agentId: string; state: AgentState; previousState?: AgentState }> {
    const change = await inTransaction(this.repo.dataSource, this.outbox, (tx) => this.changeIn(tx, tenant, agentId, state, reason));
    await this.afterCommit(change);
    return { agentId, state, previousState: change.previousState };
  }

  /** The change inside the caller's transaction (a consumed event); call {@link afterCommit} once it committed. */
  async changeIn(tx: Tx, tenant: string, agentId: string, state: AgentState, reason: string | undefined): Promise<PresenceChange> {
    const { m, events } = tx;
    const agent = await this.repo.agent(tenant, agentId, m);
    if (!agent) throw new NotFoundError(`Agent ${agentId} not found.`, 'ROUTING.AGENT_NOT_FOUND');
    const previous = await this.repo.setAgentState(m, tenant, agentId, state, reason ?? null, { resetMissed: state === 'available' });
    if (!previous) return { tenant, agentId, state, rescinded: [] };
    events.push(routingEvent('agent.state_changed', tenant, { agentId, state, previousState: previous, reason }));
    const rescinded = state === 'available' ? [] : await this.offers.rescindAgentOffers(m, tenant, agentId, events, `agent ${state}`);
    return { tenant, agentId, state, previousState: previous, rescinded };
  }

  async afterCommit(change: PresenceChange): Promise<void> {
    await this.offers.releaseAll(change.rescinded);
    if (change.previousState) {
      this.outbox.kick();
      await this.signal.changed(change.tenant);
    }
  }
}
