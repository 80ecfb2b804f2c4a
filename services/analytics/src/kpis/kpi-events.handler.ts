import { Injectable } from '@nestjs/common';
import type { CloudEvent } from '@switchboard/contracts';
import { OnEvent } from '@switchboard/platform';
import { KpiFactsUseCase } from './kpi-facts.use-case';

/** Handlers of the KPI consumers in flight at once, so that the events arriving together share a transaction. */
const IN_FLIGHT = 512;

/**
 * Interaction and presence events → the facts the KPIs are computed from. Decoding and validation are the platform's;
 * ack after the batch commits.
 *
 * The interaction events share the service's durable on `CC_INTERACTIONS` with the insights and churn handlers: a
 * durable of its own would be handed every utterance only to skip it (NATS 2.9 has one filter subject per consumer and
 * the three lifecycle types have no subject of their own), which cost each utterance a delivery and an ack more
 * (≈ 25 µs of this service's CPU and 15 µs of the NATS server's). The price: lifecycle events wait behind an utterance
 * backlog, if there is one, instead of overtaking it. Presence has a durable of its own on `CC_AGENTS`, filtered to
 * `agent.state_changed`, so that its batches do not wait for the wellbeing consumer's.
 */
@Injectable()
export class KpiEventsHandler {
  constructor(private readonly facts: KpiFactsUseCase) {}

  @OnEvent('interaction.created', { concurrency: IN_FLIGHT })
  async created(event: CloudEvent<'interaction.created'>): Promise<void> {
    await this.facts.record(event);
  }

  @OnEvent('interaction.answered', { concurrency: IN_FLIGHT })
  async answered(event: CloudEvent<'interaction.answered'>): Promise<void> {
    await this.facts.record(event);
  }

  @OnEvent('interaction.ended', { concurrency: IN_FLIGHT })
  async ended(event: CloudEvent<'interaction.ended'>): Promise<void> {
    await this.facts.record(event);
  }

  @OnEvent('agent.state_changed', { consumer: 'kpis', concurrency: IN_FLIGHT })
  async stateChanged(event: CloudEvent<'agent.state_changed'>): Promise<void> {
    await this.facts.record(event);
  }
}
