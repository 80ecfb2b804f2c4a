import type { Counter, Histogram } from 'prom-client';
import type { MetricsRegistry } from '../metrics/metrics.registry';

export type PublishOutcome = 'stored' | 'duplicate' | 'failed';
export type ConsumeOutcome = 'acked' | 'skipped' | 'retried' | 'dead_lettered';

/** The messaging metrics; a no-op stand-in when there is no registry (benchmarks, scripts). */
export interface MessagingMetrics {
  published(type: string, outcome: PublishOutcome, seconds?: number): void;
  consumed(consumer: string, type: string, outcome: ConsumeOutcome): void;
  handled(consumer: string, type: string, seconds: number): void;
}

export const NO_METRICS: MessagingMetrics = {
  published: () => undefined,
  consumed: () => undefined,
  handled: () => undefined,
};

export function messagingMetrics(registry: MetricsRegistry | undefined): MessagingMetrics {
  if (!registry) return NO_METRICS;
  const published: Counter<'type' | 'outcome'> = registry.counter(
    'sb_events_published_total',
    'Events published to JetStream, by type and outcome (stored, duplicate, failed)',
    ['type', 'outcome'],
  );
  const publishLatency: Histogram<'type'> = registry.histogram(
    'sb_event_publish_duration_seconds',
    'Time from publish to the JetStream acknowledgement',
    ['type'],
  );
  const consumed: Counter<'consumer' | 'type' | 'outcome'> = registry.counter(
    'sb_events_consumed_total',
    'Messages consumed, by consumer, type and outcome (acked, skipped, retried, dead_lettered)',
    ['consumer', 'type', 'outcome'],
  );
  const handlerDuration: Histogram<'consumer' | 'type'> = registry.histogram(
    'sb_event_handler_duration_seconds',
    'Time spent in the handlers of one message',
    ['consumer', 'type'],
  );
  return {
    published(type, outcome, seconds) {
      published.inc({ type, outcome });
      if (seconds !== undefined && outcome !== 'failed') publishLatency.observe({ type }, seconds);
    },
    consumed(consumer, type, outcome) {
      consumed.inc({ consumer, type, outcome });
    },
    handled(consumer, type, seconds) {
      handlerDuration.observe({ consumer, type }, seconds);
    },
  };
}
