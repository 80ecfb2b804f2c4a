export { MessagingModule } from './messaging.module';
export { EventPublisher, EVENT_HEADERS, type EventPublisherOptions, type PublishAck, type PublishManyOptions } from './event-publisher';
export { JetStreamPipeline, PipelinePublishError, type PipelineAck } from './jetstream-pipeline';
export {
  OnEvent,
  onEventRegistrations,
  type EventHandler,
  type EventOf,
  type MessageContext,
  type OnEventOptions,
  type OnEventRegistration,
} from './on-event.decorator';
export { MessagingHealth } from './messaging.health';
export {
  backoffMs,
  DEFAULT_STREAM_OPTIONS,
  MESSAGING_OPTIONS,
  NATS_CONNECTION,
  resolveMessagingOptions,
  type BackoffOptions,
  type ConsumerOptionsOverride,
  type ConsumerTuning,
  type MessagingModuleOptions,
  type ResolvedMessagingOptions,
  type StreamOptions,
} from './messaging.options';
export {
  assertNamespace,
  durableName,
  namer,
  namespacedDurable,
  namespacedStream,
  namespacedSubject,
  stripNamespace,
  type Namer,
} from './naming';
export { connectNats } from './nats-connection.provider';
export { desiredStreamConfig, provisionStreams, StreamProvisioner, type StreamOutcome } from './stream-provisioner';
export { ConsumerRuntime } from './consumer-runtime';
export { ConsumerRunner, consumerConfig, ensureConsumer, type ConsumerRunnerOptions } from './consumer-runner';
export { planConsumers, type ConsumerPlan, type HandlerBinding } from './consumer-plan';
export { KeyedScheduler } from './keyed-scheduler';
export { deadLetterMessageId, JetStreamDeadLetterSink, type DeadLetterReason, type DeadLetterRecord, type DeadLetterSink } from './dead-letter';
export { messagingMetrics, NO_METRICS, type ConsumeOutcome, type MessagingMetrics, type PublishOutcome } from './messaging.metrics';
