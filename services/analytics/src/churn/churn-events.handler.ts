import { Injectable } from '@nestjs/common';
import type { CloudEvent } from '@switchboard/contracts';
import { OnEvent } from '@switchboard/platform';
import { ChurnUseCase } from './churn.use-case';

/** Interaction lifecycle events → customer churn risk. */
@Injectable()
export class ChurnEventsHandler {
  constructor(private readonly churn: ChurnUseCase) {}

  @OnEvent('interaction.created')
  async created(event: CloudEvent<'interaction.created'>): Promise<void> {
    await this.churn.created(event);
  }

  @OnEvent('interaction.ended')
  async ended(event: CloudEvent<'interaction.ended'>): Promise<void> {
    await this.churn.ended(event);
  }

  @OnEvent('interaction.disposition')
  async disposition(event: CloudEvent<'interaction.disposition'>): Promise<void> {
    await this.churn.disposition(event);
  }
}
