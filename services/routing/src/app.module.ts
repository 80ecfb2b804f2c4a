import { Module } from '@nestjs/common';
import { PlatformModule } from '@switchboard/platform';
import { AgentsController } from './agents/agents.controller';
import { PresenceService } from './agents/presence.service';
import { WrapUpService } from './agents/wrap-up.service';
import { DEFAULT_PORT, routingEnvSchema, SERVICE_NAME } from './config/routing.config';
import { DispatchSignal } from './dispatch/dispatch-signal';
import { dispatchRepositoryProvider } from './dispatch/dispatch-repository';
import { DispatcherService } from './dispatch/dispatcher.service';
import { TenantSnapshotCache } from './dispatch/tenant-snapshot.cache';
import { EventTransactions } from './events/event-transactions';
import { RoutingEventsHandler } from './events/routing-events.handler';
import { HotStateRepository } from './hot-state/hot-state.repository';
import { CreatedBatcher } from './interactions/created-batcher';
import { InteractionLifecycleService } from './interactions/interaction-lifecycle.service';
import { CustomersController } from './customers/customers.controller';
import { InteractionsController } from './interactions/interactions.controller';
import { OfferLifecycleService } from './offers/offer-lifecycle.service';
import { OffersController } from './offers/offers.controller';
import { RoutingDispositions1764000000201 } from './persistence/routing-dispositions.migration';
import { RoutingHotStateEpoch1765000000202 } from './persistence/routing-hot-state-epoch.migration';
import { RoutingInit1764000000200 } from './persistence/routing-init.migration';
import { RoutingRepository } from './persistence/routing.repository';
import { QueuesController } from './queues/queues.controller';
import { SettingsController } from './settings/settings.controller';

@Module({
  imports: [
    PlatformModule.forRoot({
      service: SERVICE_NAME,
      defaultPort: DEFAULT_PORT,
      envSchema: routingEnvSchema,
      database: { entities: [], migrations: [RoutingInit1764000000200, RoutingDispositions1764000000201, RoutingHotStateEpoch1765000000202] },
      // An answer for every contact offered: counted by the request metrics and recorded as routing events, failures
      // logged, not each one logged.
      logging: {
        unloggedRoutes: [
          { method: 'POST', path: 'v1/offers/:id/accept' },
          { method: 'POST', path: 'v1/offers/:id/reject' },
        ],
      },
    }),
  ],
  controllers: [AgentsController, QueuesController, OffersController, InteractionsController, CustomersController, SettingsController],
  providers: [
    RoutingRepository,
    HotStateRepository,
    DispatchSignal,
    OfferLifecycleService,
    WrapUpService,
    PresenceService,
    InteractionLifecycleService,
    CreatedBatcher,
    EventTransactions,
    dispatchRepositoryProvider,
    TenantSnapshotCache,
    DispatcherService,
    RoutingEventsHandler,
  ],
})
export class AppModule {}
