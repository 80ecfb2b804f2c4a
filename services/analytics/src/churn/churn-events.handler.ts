import { Injectable } from '@nestjs/common';
import type { CloudEvent } from '@switchboard/contracts';
import { OnEvent } from '@switchboard/platform';
import { ChurnUseCase } from './churn.use-case';

/** Interaction lifecycle events → customer churn risk (batched by the use case; ack after the batch commits). */
@Injectable()
export class ChurnEventsHandler {
  constructor(private readonly churn: ChurnUseCase) {}

  @OnEvent('interaction.created')
  async created(event: CloudEvent<'interaction.created'>): Promise<void> {
    await this.churn.record(event);
  }

  @OnEvent('interaction.ended')
  async ended(event: CloudEvent<'interaction.ended'>): Promise<void> {
    await this.churn.record(event);
  }

  @OnEvent('interaction.disposition', { concurrency: 64 })
  async disposition(event: CloudEvent<'interaction.disposition'>): Promise<void> {
    await this.churn.record(event);
  }
}
