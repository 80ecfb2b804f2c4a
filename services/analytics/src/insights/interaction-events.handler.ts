import { Injectable } from '@nestjs/common';
import type { CloudEvent } from '@switchboard/contracts';
import { OnEvent } from '@switchboard/platform';
import { InteractionInsightsUseCase, UTTERANCE_BATCH } from './interaction-insights.use-case';

/** Lifecycle events of each type in flight, so that those arriving together share a transaction. */
const LIFECYCLE_IN_FLIGHT = 64;
const UTTERANCES_IN_FLIGHT = 2 * UTTERANCE_BATCH;

/** Interaction events → per-interaction insights. Decoding and validation are the platform's; ack after the work commits. */
@Injectable()
export class InteractionEventsHandler {
  constructor(private readonly insights: InteractionInsightsUseCase) {}

  @OnEvent('interaction.created', { concurrency: LIFECYCLE_IN_FLIGHT })
  async created(event: CloudEvent<'interaction.created'>): Promise<void> {
    await this.insights.created(event);
  }

  @OnEvent('interaction.answered', { concurrency: LIFECYCLE_IN_FLIGHT })
  async answered(event: CloudEvent<'interaction.answered'>): Promise<void> {
    await this.insights.answered(event);
  }

  /**
   * Many in flight, so that utterances of different interactions share a transaction (see GroupCommit): two full
   * batches, so that one fills (and goes without lingering) while the other is written.
   */
  @OnEvent('interaction.utterance', { concurrency: UTTERANCES_IN_FLIGHT })
  async utterance(event: CloudEvent<'interaction.utterance'>): Promise<void> {
    await this.insights.utterance(event);
  }

  @OnEvent('interaction.ended', { concurrency: LIFECYCLE_IN_FLIGHT })
  async ended(event: CloudEvent<'interaction.ended'>): Promise<void> {
    await this.insights.ended(event);
  }
}
