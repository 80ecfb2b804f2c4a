import { Injectable } from '@nestjs/common';
import { OnEvent, type EventOf } from '@switchboard/platform';
import { NOTIFYING_EVENT_TYPES } from './notification-plan';
import { IngestEventUseCase } from './ingest-event.use-case';

type NotifyingType = (typeof NOTIFYING_EVENT_TYPES)[number];

/** Offers, rescinds, kudos and alerts from routing and analytics. */
@Injectable()
export class NotificationEventsHandler {
  constructor(private readonly ingest: IngestEventUseCase) {}

  // An offer and its rescission share the routing durable (in order). Each analytics type has a durable of its own that
  // sees only that type (they need no order between them): the stream's other events (a score per utterance,
  // summaries, KPI snapshots) are never delivered here to be skipped.
  @OnEvent(['routing.offered', 'routing.offer_rescinded'])
  @OnEvent('analytics.kudos', { consumer: 'kudos' })
  @OnEvent('analytics.abuse_detected', { consumer: 'abuse' })
  @OnEvent('analytics.wellbeing_changed', { consumer: 'wellbeing' })
  @OnEvent('analytics.sla_breached', { consumer: 'sla' })
  @OnEvent('analytics.churn_risk_changed', { consumer: 'churn' })
  async handle(event: EventOf<NotifyingType>): Promise<void> {
    await this.ingest.execute(event);
  }
}
