import { Logger } from '@nestjs/common';
import {
  AckPolicy,
  DeliverPolicy,
  nanos,
  ReplayPolicy,
  type ConsumerConfig,
  type ConsumerInfo,
  type ConsumerMessages,
  type JetStreamManager,
  type NatsConnection,
} from 'nats';
import { typeSubjectFilter } from '@switchboard/contracts';
import type { ConsumerPlan } from './consumer-plan';
import { JetStreamDeadLetterSink, type DeadLetterSink } from './dead-letter';
import { errorMessage } from '../errors/error-message';
import { JS_ERR, jsErrorCode } from './jetstream-errors';
import { KeyedScheduler, Semaphore } from './keyed-scheduler';
import { MessageProcessor } from './message-processor';
import type { ConsumerTuning } from './messaging.options';
import { NO_METRICS, type MessagingMetrics } from './messaging.metrics';
import type { Namer } from './naming';

export interface ConsumerRunnerOptions {
  nc: NatsConnection;
  service: string;
  names: Namer;
  plan: ConsumerPlan;
  tuning: ConsumerTuning;
  /**
   * Per event type, the most of its messages in flight at once when below the consumer's concurrency: a consumer raised
   * for one batching handler does not let its other types crowd the database with as many.
   */
  typeLimits?: ReadonlyMap<string, number>;
  metrics?: MessagingMetrics;
  deadLetters?: DeadLetterSink;
  random?: () => number;
}

/** The durable consumer configuration of a plan (namespaced). */
export function consumerConfig(plan: ConsumerPlan, names: Namer, tuning: ConsumerTuning): Partial<ConsumerConfig> & { durable_name: string } {
  const [streamSubject] = plan.stream.subjects;
  if (!streamSubject || plan.stream.subjects.length !== 1) {
    throw new Error(`Stream ${plan.stream.name} must have exactly one subject to derive a consumer filter`);
  }
  // A durable of one event type sees only that type's messages: the server skips the others instead of delivering
  // each for the client to skip and ack (one filter subject per consumer, which NATS 2.9 supports).
  const types = [...plan.handlers.keys()];
  const filter = types.length === 1 ? typeSubjectFilter(types[0] as string) : streamSubject;
  return {
    durable_name: names.durable(plan.durable),
    description: `${plan.durable}: ${[...plan.handlers.keys()].join(', ')}`,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    replay_policy: ReplayPolicy.Instant,
    filter_subject: names.subject(filter),
    ack_wait: nanos(tuning.ackWaitMs),
    // One delivery beyond the handler attempts, so that a last attempt that never completed (crash,
    // ack timeout) comes back once more and is dead-lettered instead of silently dropped by the server.
    max_deliver: tuning.maxDeliver + 1,
    max_ack_pending: tuning.maxAckPending,
  };
}

/** Creates the durable when missing, updates it when its settings drifted; tolerates replicas doing the same. */
export async function ensureConsumer(
  jsm: JetStreamManager,
  stream: string,
  config: Partial<ConsumerConfig> & { durable_name: string },
): Promise<ConsumerInfo> {
  let info = await consumerInfo(jsm, stream, config.durable_name);
  if (!info) {
    try {
      return await jsm.consumers.add(stream, config);
    } catch (error) {
      const code = jsErrorCode(error);
      if (code !== JS_ERR.CONSUMER_EXISTS && code !== JS_ERR.CONSUMER_NAME_EXISTS) throw error;
      info = await consumerInfo(jsm, stream, config.durable_name);
      if (!info) throw error;
    }
  }
  const keys = ['description', 'filter_subject', 'ack_wait', 'max_deliver', 'max_ack_pending'] as const;
  const drift = keys.filter((key) => config[key] !== undefined && info.config[key] !== config[key]);
  if (drift.length === 0) return info;
  const update: Partial<ConsumerConfig> = {};
  for (const key of drift) Object.assign(update, { [key]: config[key] });
  return jsm.consumers.update(stream, config.durable_name, update);
}

async function consumerInfo(jsm: JetStreamManager, stream: string, durable: string): Promise<ConsumerInfo | undefined> {
  try {
    return await jsm.consumers.info(stream, durable);
  } catch (error) {
    if (jsErrorCode(error) === JS_ERR.CONSUMER_NOT_FOUND) return undefined;
    throw error;
  }
}

const RESTART_DELAY_MS = 1000;

/**
 * Runs one durable pull consumer: pulls in batches of 2 × concurrency, hands each message to the
 * processor through a keyed scheduler (bounded concurrency, per-key order) and stops taking messages
 * while the scheduler is full (the durable's max ack pending bounds what the client buffers meanwhile). `stop` ends pulling, returns messages not yet started to JetStream and waits
 * (bounded) for the handlers in flight.
 */
export class ConsumerRunner {
  private readonly logger: Logger;
  private readonly scheduler: KeyedScheduler;
  private readonly typeLimiters = new Map<string, Semaphore>();
  private readonly processor: MessageProcessor;
  private readonly stream: string;
  private readonly config: Partial<ConsumerConfig> & { durable_name: string };
  private messages: ConsumerMessages | undefined;
  private loop: Promise<void> | undefined;
  private stopping = false;
  private wakeStop: () => void = () => undefined;
  private readonly stopSignal = new Promise<void>((resolve) => (this.wakeStop = resolve));

  constructor(private readonly options: ConsumerRunnerOptions) {
    const { nc, names, plan, tuning } = options;
    this.logger = new Logger(`Consumer ${plan.durable}`);
    this.scheduler = new KeyedScheduler(tuning.concurrency);
    for (const [type, limit] of options.typeLimits ?? []) if (limit < tuning.concurrency) this.typeLimiters.set(type, new Semaphore(limit));
    this.stream = names.stream(plan.stream.name);
    this.config = consumerConfig(plan, names, tuning);
    this.processor = new MessageProcessor({
      service: options.service,
      plan,
      names,
      tuning,
      deadLetters: options.deadLetters ?? new JetStreamDeadLetterSink(nc.jetstream(), names),
      metrics: options.metrics ?? NO_METRICS,
      logger: this.logger,
      ...(options.random ? { random: options.random } : {}),
    });
  }

  get durable(): string {
    return this.config.durable_name;
  }

  /** Handlers admitted and not yet finished. */
  get inFlight(): number {
    return this.scheduler.size;
  }

  /** Creates or updates the durable, then starts pulling; resolves once pulling has begun. */
  async start(): Promise<void> {
    const jsm = await this.options.nc.jetstreamManager();
    await ensureConsumer(jsm, this.stream, this.config);
    this.messages = await this.subscribe();
    this.loop = this.run(this.messages);
    this.logger.log(`consuming ${this.config.filter_subject} from ${this.stream} (concurrency ${this.scheduler.limit})`);
  }

  /** Stops pulling and waits up to `graceMs` for handlers in flight; true when all of them finished. */
  async stop(graceMs: number): Promise<boolean> {
    if (this.stopping) return this.scheduler.idle(graceMs);
    this.stopping = true;
    this.wakeStop();
    void this.messages?.close();
    await this.loop;
    const finished = await this.scheduler.idle(graceMs);
    this.processor.flushAcks();
    if (!finished) {
      this.logger.warn(`${this.scheduler.size} handler(s) still running after ${graceMs} ms; their messages stay un-acked and will be redelivered`);
    }
    return finished;
  }

  private async subscribe(): Promise<ConsumerMessages> {
    const consumer = await this.options.nc.jetstream().consumers.get(this.stream, this.config.durable_name);
    const messages = await consumer.consume({ max_messages: this.scheduler.limit * 2 });
    void this.watch(messages);
    return messages;
  }

  private async run(messages: ConsumerMessages): Promise<void> {
    let current = messages;
    for (;;) {
      try {
        await this.pull(current);
      } catch (error) {
        if (!this.stopping) this.logger.error(`pulling failed: ${errorMessage(error)}`);
      }
      if (this.stopping) return;
      // The iterator ended without stop() (consumer deleted, connection closed): try again.
      await Promise.race([new Promise((resolve) => setTimeout(resolve, RESTART_DELAY_MS)), this.stopSignal]);
      if (this.stopping || this.options.nc.isClosed()) return;
      try {
        await ensureConsumer(await this.options.nc.jetstreamManager(), this.stream, this.config);
        current = this.messages = await this.subscribe();
        this.logger.log('resumed pulling');
      } catch (error) {
        this.logger.error(`could not resume pulling: ${errorMessage(error)}`);
      }
    }
  }

  private async pull(messages: ConsumerMessages): Promise<void> {
    for await (const msg of messages) {
      if (this.stopping) {
        this.release(msg);
        continue;
      }
      const classified = this.processor.classify(msg);
      if (classified.kind === 'skip') {
        this.processor.skip(msg, classified);
        continue;
      }
      if (this.scheduler.size >= this.scheduler.limit) await Promise.race([this.scheduler.slot(), this.stopSignal]);
      if (this.stopping) {
        this.release(msg);
        continue;
      }
      const key = classified.kind === 'event' ? classified.key : `#${msg.seq}`;
      const limiter = classified.kind === 'event' ? this.typeLimiters.get(classified.event.type) : undefined;
      let started = false;
      let keepAlive: NodeJS.Timeout | undefined;
      const start = (): Promise<void> => {
        started = true;
        clearInterval(keepAlive);
        return this.processor.process(msg, classified);
      };
      this.scheduler.run(key, () => (limiter ? limiter.run(start) : start()));
      // Most messages start at once (no earlier message of their key, room under their type's limit): no timer for them.
      if (!started) keepAlive = this.keepAlive(msg);
    }
  }

  /** While a message waits behind earlier messages of its key (or for its type's limit), tells JetStream it is in progress so its ack wait does not lapse. */
  private keepAlive(msg: { working(): void }): NodeJS.Timeout {
    const timer = setInterval(() => {
      try {
        msg.working();
      } catch {
        // Connection gone: nothing to keep alive.
      }
    }, Math.max(500, Math.floor(this.options.tuning.ackWaitMs / 2)));
    timer.unref();
    return timer;
  }

  /** Hands a message that was pulled but not started back to JetStream for another replica. */
  private release(msg: { nak(millis?: number): void }): void {
    try {
      msg.nak();
    } catch {
      // Connection gone: JetStream redelivers after ack_wait.
    }
  }

  private async watch(messages: ConsumerMessages): Promise<void> {
    for await (const status of await messages.status()) {
      if (status.type === 'heartbeats_missed' || status.type === 'consumer_not_found' || status.type === 'stream_not_found') {
        this.logger.warn(`${status.type}: ${JSON.stringify(status.data)}`);
      }
    }
  }
}
