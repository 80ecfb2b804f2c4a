import { Injectable } from '@nestjs/common';
import { Outbox } from '@switchboard/platform';
import { routingEvent } from '../events/event-factory';
import { RoutingRepository } from '../persistence/routing.repository';
import { DispatchSignal } from '../dispatch/dispatch-signal';

/** Ends wrap-up (including recovery time) when it is due: the agent is available again. */
@Injectable()
export class WrapUpService {
  constructor(
    private readonly repo: RoutingRepository,
    private readonly outbox: Outbox,
    private readonly signal: DispatchSignal,
  ) {}

  async endDueWrapUps(): Promise<void> {
    const tenants = new Set<string>();
    for (const due of await this.repo.wrapUpsDue()) {
      const changed = await this.repo.dataSource.transaction(async (m) => {
        const previous = await this.repo.setAgentState(m, due.tenant, due.id, 'available', 'wrap-up ended', { onlyFrom: ['wrap_up'] });
        if (!previous) return false;
        await this.outbox.enqueue(m, [routingEvent('agent.state_changed', due.tenant, { agentId: due.id, state: 'available', previousState: previous, reason: 'wrap-up ended' })]);
        return true;
      });
      if (changed) tenants.add(due.tenant);
    }
    if (tenants.size > 0) this.outbox.kick();
    for (const tenant of tenants) await this.signal.changed(tenant);
  }
}
