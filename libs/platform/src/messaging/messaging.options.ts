/** Tuning of a service's durable consumers. */
export interface ConsumerTuning {
  /** Handlers in flight per consumer and process (default 16). */
  concurrency: number;
  /** How long JetStream waits for an ack before it redelivers (default 30 s). */
  ackWaitMs: number;
  /** Deliveries of a message before it is dead-lettered (default 8). */
  maxDeliver: number;
  /** Un-acked messages JetStream hands out per consumer across all replicas (default concurrency × 4). */
  maxAckPending: number;
  /** Redelivery delay after a retryable failure: exponential from `baseMs`, capped at `maxMs`, with jitter. */
  backoff: BackoffOptions;
}

export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
}

export type ConsumerOptionsOverride = Partial<Omit<ConsumerTuning, 'backoff'>> & { backoff?: Partial<BackoffOptions> };

export interface StreamOptions {
  /** Replicas of every stream (1 on a single server, 3 on a cluster). */
  replicas: number;
  /** How long event streams keep messages (default 7 days). */
  maxAgeMs: number;
  /** How long the dead letter stream keeps messages (default 30 days). */
  deadLetterMaxAgeMs: number;
  /** Window in which JetStream drops a re-published message id (default 2 min). */
  duplicateWindowMs: number;
}

export interface MessagingModuleOptions {
  consumers?: ConsumerOptionsOverride;
  streams?: Partial<StreamOptions>;
}

export interface ResolvedMessagingOptions {
  consumers: ConsumerTuning;
  streams: StreamOptions;
}

/** Injection token for the service's NATS connection (`NatsConnection` from `nats`). */
export const NATS_CONNECTION = Symbol('NATS_CONNECTION');
/** Injection token for the {@link ResolvedMessagingOptions}. */
export const MESSAGING_OPTIONS = Symbol('MESSAGING_OPTIONS');

const DAY = 24 * 60 * 60 * 1000;

export const DEFAULT_STREAM_OPTIONS: StreamOptions = {
  replicas: 1,
  maxAgeMs: 7 * DAY,
  deadLetterMaxAgeMs: 30 * DAY,
  duplicateWindowMs: 2 * 60 * 1000,
};

export function resolveMessagingOptions(options: MessagingModuleOptions = {}): ResolvedMessagingOptions {
  const c = options.consumers ?? {};
  const concurrency = positive('concurrency', c.concurrency ?? 16);
  const consumers: ConsumerTuning = {
    concurrency,
    ackWaitMs: positive('ackWaitMs', c.ackWaitMs ?? 30_000),
    maxDeliver: positive('maxDeliver', c.maxDeliver ?? 8),
    maxAckPending: positive('maxAckPending', c.maxAckPending ?? concurrency * 4),
    backoff: {
      baseMs: positive('backoff.baseMs', c.backoff?.baseMs ?? 500),
      maxMs: positive('backoff.maxMs', c.backoff?.maxMs ?? 30_000),
    },
  };
  return { consumers, streams: { ...DEFAULT_STREAM_OPTIONS, ...options.streams } };
}

function positive(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new Error(`Messaging option ${name} must be a positive integer, got ${value}`);
  }
  return value;
}

/**
 * Delay before the next delivery after the `deliveryCount`-th delivery failed: the exponential ceiling
 * `min(maxMs, baseMs × 2^(deliveryCount−1))`, of which a random half is kept ("equal jitter"), so
 * that retries of a burst spread out yet still grow.
 */
export function backoffMs(deliveryCount: number, backoff: BackoffOptions, random: () => number = Math.random): number {
  const exponent = Math.min(Math.max(0, deliveryCount - 1), 30);
  const ceiling = Math.min(backoff.maxMs, backoff.baseMs * 2 ** exponent);
  return Math.max(1, Math.round(ceiling / 2 + random() * (ceiling / 2)));
}
