import { Injectable } from '@nestjs/common';
import type { CloudEvent } from '@switchboard/contracts';
import { OnEvent } from '@switchboard/platform';
import { KpiFactsUseCase } from './kpi-facts.use-case';

/** Handlers of the KPI consumers in flight at once, so that the events arriving together share a transaction. */
const IN_FLIGHT = 512;

/**
 * Interaction and presence events → the facts the KPIs are computed from (own durable consumers, so that utterance
 * scoring never holds KPIs back). Decoding and validation are the platform's; ack after the batch commits.
 */
@Injectable()
export class KpiEventsHandler {
  constructor(private readonly facts: KpiFactsUseCase) {}

  @OnEvent('interaction.created', { consumer: 'kpis', concurrency: IN_FLIGHT })
  async created(event: CloudEvent<'interaction.created'>): Promise<void> {
    await this.facts.record(event);
  }

  @OnEvent('interaction.answered', { consumer: 'kpis', concurrency: IN_FLIGHT })
  async answered(event: CloudEvent<'interaction.answered'>): Promise<void> {
    await this.facts.record(event);
  }

  @OnEvent('interaction.ended', { consumer: 'kpis', concurrency: IN_FLIGHT })
  async ended(event: CloudEvent<'interaction.ended'>): Promise<void> {
    await this.facts.record(event);
  }

  @OnEvent('agent.state_changed', { consumer: 'kpis', concurrency: IN_FLIGHT })
  async stateChanged(event: CloudEvent<'agent.state_changed'>): Promise<void> {
    await this.facts.record(event);
  }
}
