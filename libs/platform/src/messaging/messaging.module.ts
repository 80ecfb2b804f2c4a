import { DynamicModule, Global, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { ConsumerRuntime } from './consumer-runtime';
import { EventPublisher } from './event-publisher';
import { MessagingHealth } from './messaging.health';
import { MESSAGING_OPTIONS, NATS_CONNECTION, resolveMessagingOptions, type MessagingModuleOptions } from './messaging.options';
import { NatsConnectionCloser, natsConnectionProvider } from './nats-connection.provider';
import { StreamProvisioner } from './stream-provisioner';

/**
 * JetStream messaging for a service: the NATS connection, the streams, the `EventPublisher`, and a
 * durable pull consumer for the `@OnEvent` handlers of the application. Needs PLATFORM_CONFIG (and
 * uses MetricsRegistry when present).
 */
@Global()
@Module({})
export class MessagingModule {
  static forRoot(options: MessagingModuleOptions = {}): DynamicModule {
    return {
      module: MessagingModule,
      imports: [DiscoveryModule],
      providers: [
        { provide: MESSAGING_OPTIONS, useValue: resolveMessagingOptions(options) },
        natsConnectionProvider,
        NatsConnectionCloser,
        StreamProvisioner,
        EventPublisher,
        MessagingHealth,
        ConsumerRuntime,
      ],
      exports: [NATS_CONNECTION, MESSAGING_OPTIONS, EventPublisher, MessagingHealth, StreamProvisioner, ConsumerRuntime],
    };
  }
}
