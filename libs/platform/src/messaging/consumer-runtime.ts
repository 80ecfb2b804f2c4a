import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap, Optional } from '@nestjs/common';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import type { AnyCloudEvent } from '@switchboard/contracts';
import type { NatsConnection } from 'nats';
import type { PlatformConfig } from '../config/platform-config';
import { PLATFORM_CONFIG } from '../config/tokens';
import { MetricsRegistry } from '../metrics/metrics.registry';
import { planConsumers, type ConsumerPlan, type HandlerBinding } from './consumer-plan';
import { ConsumerRunner } from './consumer-runner';
import { MESSAGING_OPTIONS, NATS_CONNECTION, type ResolvedMessagingOptions } from './messaging.options';
import { messagingMetrics } from './messaging.metrics';
import { namer } from './naming';
import { onEventRegistrations, type MessageContext } from './on-event.decorator';

/**
 * Finds every `@OnEvent` method of the application's providers at bootstrap, starts one durable pull
 * consumer per planned group, and stops them first thing at shutdown (before connections close).
 */
@Injectable()
export class ConsumerRuntime implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Messaging');
  private stopping: Promise<void> | undefined;
  private runners: ConsumerRunner[] = [];
  private phase: 'starting' | 'running' | 'stopping' | 'stopped' = 'starting';

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
    @Inject(MESSAGING_OPTIONS) private readonly options: ResolvedMessagingOptions,
    @Optional() private readonly registry?: MetricsRegistry,
  ) {}

  /** The consumers this application runs (after bootstrap). */
  get plans(): ConsumerPlan[] {
    return this.currentPlans;
  }

  private currentPlans: ConsumerPlan[] = [];

  async onApplicationBootstrap(): Promise<void> {
    this.currentPlans = planConsumers(this.config.service, this.discoverHandlers());
    const metrics = messagingMetrics(this.registry);
    const names = namer(this.config.nats.namespace);
    const tuning = { ...this.options.consumers, ackWaitMs: this.config.nats.ackWaitMs ?? this.options.consumers.ackWaitMs };
    this.runners = this.currentPlans.map(
      (plan) =>
        new ConsumerRunner({
          nc: this.nc,
          service: this.config.service,
          names,
          plan,
          typeLimits: new Map([...plan.handlers.keys()].map((type) => [type, plan.typeConcurrency.get(type) ?? tuning.concurrency])),
          tuning:
            plan.concurrency === undefined
              ? tuning
              : { ...tuning, concurrency: plan.concurrency, maxAckPending: Math.max(tuning.maxAckPending, plan.concurrency * 4) },
          metrics,
        }),
    );
    await Promise.all(this.runners.map((runner) => runner.start()));
    this.phase = 'running';
  }

  /** Stops every consumer, draining the handlers in flight; once (later calls wait for the same stop). */
  beforeApplicationShutdown(): Promise<void> {
    this.stopping ??= (async () => {
      this.phase = 'stopping';
      const graceMs = this.config.shutdownGraceMs;
      await Promise.all(this.runners.map((runner) => runner.stop(graceMs)));
      this.phase = 'stopped';
    })();
    return this.stopping;
  }

  /** Where the consumers are in their life: pulling while `running`; `stopping` while draining handlers in flight. */
  get state(): 'starting' | 'running' | 'stopping' | 'stopped' {
    return this.phase;
  }

  /** Handlers in flight across this application's consumers. */
  get inFlight(): number {
    return this.runners.reduce((sum, runner) => sum + runner.inFlight, 0);
  }

  private discoverHandlers(): HandlerBinding[] {
    const bindings: HandlerBinding[] = [];
    const seen = new Set<object>();
    for (const wrapper of this.discovery.getProviders()) {
      const instance: unknown = wrapper.instance;
      if (!instance || typeof instance !== 'object' || seen.has(instance)) continue;
      seen.add(instance);
      const prototype = Object.getPrototypeOf(instance) as object | null;
      if (!prototype) continue;
      for (const methodName of this.scanner.getAllMethodNames(prototype)) {
        const method: unknown = (instance as Record<string, unknown>)[methodName];
        const registrations = onEventRegistrations(method);
        if (registrations.length === 0) continue;
        if (!wrapper.isDependencyTreeStatic()) {
          throw new Error(`@OnEvent handler ${wrapper.name}.${methodName} must be in a singleton provider (not request- or transient-scoped)`);
        }
        const fn = method as (event: AnyCloudEvent, context: MessageContext) => Promise<void>;
        const name = `${instance.constructor.name}.${methodName}`;
        for (const registration of registrations) {
          bindings.push({
            types: registration.types,
            ...(registration.consumer === undefined ? {} : { consumer: registration.consumer }),
            ...(registration.concurrency === undefined ? {} : { concurrency: registration.concurrency }),
            name,
            handle: (event, context) => fn.call(instance, event, context),
          });
        }
        this.logger.log(`${name} handles ${registrations.flatMap((r) => r.types).join(', ')}`);
      }
    }
    return bindings;
  }
}
