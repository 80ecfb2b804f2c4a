import { Module } from '@nestjs/common';
import { PlatformModule } from '@switchboard/platform';
import { Clock } from './clock/clock';
import { DEFAULT_PORT, notifyEnvSchema, SERVICE_NAME } from './config/notify.config';
import { NotifyTables1764000000000 } from './database/1764000000000-notify-tables';
import { SubscriptionEscalation1764000100000 } from './database/1764000100000-subscription-escalation';
import { RecipientShifts1764000200000 } from './database/1764000200000-recipient-shifts';
import { Digests1764000300000 } from './database/1764000300000-digests';
import { HeldReleaseWorker } from './recipients/held-release.worker';
import { PreferenceRepository } from './recipients/preference.repository';
import { PreferencesController } from './recipients/preferences.controller';
import { ChannelSender } from './deliveries/channel-sender';
import { DeliveriesController } from './deliveries/deliveries.controller';
import { DeliveryRepository } from './deliveries/delivery.repository';
import { DeliveryWorker } from './deliveries/delivery.worker';
import { RateLimiter } from './deliveries/rate-limiter';
import { InboxController } from './notifications/inbox.controller';
import { IngestEventUseCase } from './notifications/ingest-event.use-case';
import { NotificationEventsHandler } from './notifications/notification-events.handler';
import { NotificationRepository } from './notifications/notification.repository';
import { FanoutService } from './realtime/fanout.service';
import { SocketRegistry } from './realtime/socket-registry';
import { WebSocketGateway } from './realtime/websocket.gateway';
import { SubscriptionRepository } from './subscriptions/subscription.repository';
import { SubscriptionsController } from './subscriptions/subscriptions.controller';

@Module({
  imports: [
    PlatformModule.forRoot({
      service: SERVICE_NAME,
      defaultPort: DEFAULT_PORT,
      envSchema: notifyEnvSchema,
      database: { entities: [], migrations: [NotifyTables1764000000000, SubscriptionEscalation1764000100000, RecipientShifts1764000200000, Digests1764000300000] },
      // Events in flight are written together by one transaction (group commit): the more in flight, the larger the batches.
      messaging: { consumers: { concurrency: 1024 } },
    }),
  ],
  controllers: [InboxController, SubscriptionsController, DeliveriesController, PreferencesController],
  providers: [
    Clock,
    NotificationRepository,
    SubscriptionRepository,
    DeliveryRepository,
    SocketRegistry,
    FanoutService,
    WebSocketGateway,
    ChannelSender,
    DeliveryWorker,
    RateLimiter,
    PreferenceRepository,
    HeldReleaseWorker,
    IngestEventUseCase,
    NotificationEventsHandler,
  ],
})
export class AppModule {}
