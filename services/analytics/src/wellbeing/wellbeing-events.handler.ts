import { Injectable } from '@nestjs/common';
import type { CloudEvent } from '@switchboard/contracts';
import { OnEvent } from '@switchboard/platform';
import { WellbeingUseCase } from './wellbeing.use-case';

/** Agent presence and contact summaries → agent wellbeing. */
@Injectable()
export class WellbeingEventsHandler {
  constructor(private readonly wellbeing: WellbeingUseCase) {}

  @OnEvent('agent.state_changed')
  async stateChanged(event: CloudEvent<'agent.state_changed'>): Promise<void> {
    await this.wellbeing.stateChanged(event);
  }

  @OnEvent('analytics.interaction_summarized')
  async summarized(event: CloudEvent<'analytics.interaction_summarized'>): Promise<void> {
    await this.wellbeing.contactSummarized(event);
  }
}
