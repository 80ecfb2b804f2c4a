import { Injectable } from '@nestjs/common';
import { createEvent, type AnyCloudEvent, type CloudEvent } from '@switchboard/contracts';
import { IdempotencyService, Outbox } from '@switchboard/platform';
import type { EntityManager } from 'typeorm';
import { SERVICE_SOURCE } from '../config/analytics.config';
import { assessChurn, CHURN_WINDOW_MS } from './churn-risk';
import { ChurnRepository } from './churn.repository';

const CONSUMER = 'analytics-churn';

/**
 * Keeps each customer's contacts and re-assesses churn risk when a contact starts, ends or gets its disposition;
 * publishes `analytics.churn_risk_changed` when the level changes.
 */
@Injectable()
export class ChurnUseCase {
  constructor(
    private readonly idempotency: IdempotencyService,
    private readonly outbox: Outbox,
    private readonly repository: ChurnRepository,
  ) {}

  async created(event: CloudEvent<'interaction.created'>): Promise<void> {
    await this.run(event, async (manager) => {
      await this.repository.recordContact(manager, event.tenantid, event.data.interactionId, event.data.customer.id, new Date(event.time));
      return event.data.customer.id;
    });
  }

  async ended(event: CloudEvent<'interaction.ended'>): Promise<void> {
    await this.run(event, (manager) =>
      this.repository.updateContact(manager, event.tenantid, event.data.interactionId, {
        abandoned: event.data.reason === 'abandoned',
        endSentimentFromInsights: true,
      }),
    );
  }

  async disposition(event: CloudEvent<'interaction.disposition'>): Promise<void> {
    await this.run(event, (manager) =>
      this.repository.updateContact(manager, event.tenantid, event.data.interactionId, { resolved: event.data.resolved }),
    );
  }

  private async run(event: AnyCloudEvent, apply: (manager: EntityManager) => Promise<string | undefined>): Promise<void> {
    const outcome = await this.idempotency.runOnce(CONSUMER, event.id, async (manager) => {
      const customerId = await apply(manager);
      if (customerId === undefined) return false;
      const now = new Date(event.time);
      const contacts = await this.repository.contacts(manager, event.tenantid, customerId, new Date(now.getTime() - CHURN_WINDOW_MS));
      const assessment = assessChurn(contacts, now);
      const previousLevel = await this.repository.saveAssessment(manager, event.tenantid, customerId, assessment, now);
      if (previousLevel === assessment.level || (previousLevel === undefined && assessment.level === 'low')) return false;
      await this.outbox.enqueue(manager, [
        createEvent({
          type: 'analytics.churn_risk_changed',
          tenantid: event.tenantid,
          source: SERVICE_SOURCE,
          subject: customerId,
          data: {
            customerId,
            score: assessment.score,
            level: assessment.level,
            ...(previousLevel === undefined ? {} : { previousLevel }),
            interactionId: (event.data as { interactionId: string }).interactionId,
            reasons: assessment.reasons,
          },
          ...(event.traceparent === undefined ? {} : { traceparent: event.traceparent }),
        }),
      ]);
      return true;
    });
    if (!outcome.duplicate && outcome.result) this.outbox.kick();
  }
}
