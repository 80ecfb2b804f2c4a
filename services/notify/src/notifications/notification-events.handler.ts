import { Injectable } from '@nestjs/common';
import { OnEvent, type EventOf } from '@switchboard/platform';
import { NOTIFYING_EVENT_TYPES } from './notification-plan';
import { IngestEventUseCase } from './ingest-event.use-case';

type NotifyingType = (typeof NOTIFYING_EVENT_TYPES)[number];

/** Offers, rescinds, kudos and alerts from routing and analytics. */
@Injectable()
export class NotificationEventsHandler {
  constructor(private readonly ingest: IngestEventUseCase) {}

  @OnEvent(NOTIFYING_EVENT_TYPES)
  async handle(event: EventOf<NotifyingType>): Promise<void> {
    await this.ingest.execute(event);
  }
}
