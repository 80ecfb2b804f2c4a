import { Injectable } from '@nestjs/common';
import type { CloudEvent } from '@switchboard/contracts';
import { OnEvent } from '@switchboard/platform';
import { WellbeingUseCase } from './wellbeing.use-case';

/** Agent presence and contact summaries → agent wellbeing (batched by the use case; ack after the batch commits). */
@Injectable()
export class WellbeingEventsHandler {
  constructor(private readonly wellbeing: WellbeingUseCase) {}

  @OnEvent('agent.state_changed', { concurrency: 256 })
  async stateChanged(event: CloudEvent<'agent.state_changed'>): Promise<void> {
    await this.wellbeing.stateChanged(event);
  }

  @OnEvent('analytics.interaction_summarized', { concurrency: 64 })
  async summarized(event: CloudEvent<'analytics.interaction_summarized'>): Promise<void> {
    await this.wellbeing.contactSummarized(event);
  }
}
