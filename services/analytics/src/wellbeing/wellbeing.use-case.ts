import { Injectable } from '@nestjs/common';
import { createEvent, type AnyCloudEvent, type CloudEvent } from '@switchboard/contracts';
import { IdempotencyService, Outbox } from '@switchboard/platform';
import { SERVICE_SOURCE } from '../config/analytics.config';
import type { Shift } from './shift';
import { applyContact, applyStateChange, computeWellbeing, type AgentDay } from './wellbeing-model';
import { WellbeingRepository } from './wellbeing.repository';

const CONSUMER = 'analytics-wellbeing';

/**
 * Folds agent state changes and the customer-side summaries of the agent's contacts into the agent's day, and publishes
 * `analytics.wellbeing_changed` when the strain level changes. Never reads the agent's own words.
 */
@Injectable()
export class WellbeingUseCase {
  constructor(
    private readonly idempotency: IdempotencyService,
    private readonly outbox: Outbox,
    private readonly repository: WellbeingRepository,
  ) {}

  async stateChanged(event: CloudEvent<'agent.state_changed'>): Promise<void> {
    await this.update(event, event.data.agentId, (day, at, shift) => applyStateChange(day, event.data.state, at, shift));
  }

  async contactSummarized(event: CloudEvent<'analytics.interaction_summarized'>): Promise<void> {
    const { agentId, abusiveCount, sentiment, smallTalkShare, utterances } = event.data;
    if (agentId === undefined) return;
    await this.update(event, agentId, (day, at) =>
      applyContact(day, { abusiveCount, endSentiment: sentiment.end, meanSentiment: sentiment.mean, smallTalkShare, utterances }, at),
    );
  }

  private async update(
    event: AnyCloudEvent,
    agentId: string,
    apply: (day: AgentDay | undefined, at: Date, shift: Shift | undefined) => AgentDay,
  ): Promise<void> {
    const at = new Date(event.time);
    const outcome = await this.idempotency.runOnce(CONSUMER, event.id, async (manager) => {
      const current = await this.repository.lock(manager, event.tenantid, agentId);
      const shift = await this.repository.findShift(event.tenantid, agentId, manager);
      const day = apply(current?.day, at, shift);
      const wellbeing = computeWellbeing(day, at, shift);
      await this.repository.save(manager, event.tenantid, agentId, day, wellbeing.level);
      const previousLevel = current?.level;
      if (wellbeing.level === (previousLevel ?? 'ok')) return false;
      await this.outbox.enqueue(manager, [
        createEvent({
          type: 'analytics.wellbeing_changed',
          tenantid: event.tenantid,
          source: SERVICE_SOURCE,
          data: { agentId, score: wellbeing.score, level: wellbeing.level, ...(previousLevel === undefined ? {} : { previousLevel }), factors: wellbeing.factors },
          ...(event.traceparent === undefined ? {} : { traceparent: event.traceparent }),
        }),
      ]);
      return true;
    });
    if (!outcome.duplicate && outcome.result) this.outbox.kick();
  }
}
