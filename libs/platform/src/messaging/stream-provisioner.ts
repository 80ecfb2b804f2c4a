import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { DEAD_LETTER_STREAM, STREAMS, type StreamDefinition } from '@switchboard/contracts';
import {
  DiscardPolicy,
  nanos,
  RetentionPolicy,
  StorageType,
  type JetStreamManager,
  type NatsConnection,
  type StreamConfig,
  type StreamInfo,
} from 'nats';
import type { PlatformConfig } from '../config/platform-config';
import { PLATFORM_CONFIG } from '../config/tokens';
import { errorMessage } from '../errors/error-message';
import { isRequestTimeout, JS_ERR, jsErrorCode } from './jetstream-errors';
import { MESSAGING_OPTIONS, NATS_CONNECTION, type ResolvedMessagingOptions, type StreamOptions } from './messaging.options';
import { namer } from './naming';

export type StreamOutcome = 'created' | 'updated' | 'unchanged';

/** The configuration a contract stream should have (namespaced). */
export function desiredStreamConfig(
  definition: StreamDefinition,
  namespace: string,
  options: StreamOptions,
): Partial<StreamConfig> & { name: string; subjects: string[] } {
  const n = namer(namespace);
  const deadLetter = definition.name === DEAD_LETTER_STREAM.name;
  return {
    name: n.stream(definition.name),
    subjects: definition.subjects.map((s) => n.subject(s)),
    description: definition.description,
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    discard: DiscardPolicy.Old,
    num_replicas: options.replicas,
    max_age: nanos(deadLetter ? options.deadLetterMaxAgeMs : options.maxAgeMs),
    duplicate_window: nanos(options.duplicateWindowMs),
  };
}

/** The updatable fields in which `current` differs from `desired` (storage and retention cannot change in place). */
export function streamDrift(current: StreamConfig, desired: Partial<StreamConfig>): string[] {
  const drift: string[] = [];
  const same = (a: readonly string[] = [], b: readonly string[] = []) =>
    a.length === b.length && [...a].sort().join('\n') === [...b].sort().join('\n');
  if (!same(current.subjects, desired.subjects)) drift.push('subjects');
  for (const key of ['description', 'max_age', 'duplicate_window', 'num_replicas', 'discard'] as const) {
    if (desired[key] !== undefined && current[key] !== desired[key]) drift.push(key);
  }
  return drift;
}

/**
 * Creates every contract stream and the dead letter stream when missing and brings their settings up
 * to date; never deletes a stream or its messages. Safe to run from many replicas at once.
 */
export async function provisionStreams(
  jsm: JetStreamManager,
  namespace: string,
  options: StreamOptions,
  logger: Pick<Logger, 'log' | 'warn'> = new Logger('StreamProvisioner'),
): Promise<Record<string, StreamOutcome>> {
  const outcomes: Record<string, StreamOutcome> = {};
  for (const definition of [...STREAMS, DEAD_LETTER_STREAM]) {
    const desired = desiredStreamConfig(definition, namespace, options);
    outcomes[desired.name] = await ensureStream(jsm, desired, logger);
  }
  return outcomes;
}

/** How long provisioning keeps asking again when JetStream does not answer in time. */
const UNANSWERED_RETRY_MS = 60_000;

/**
 * Ensures one stream, asking again while JetStream leaves requests unanswered: on a fresh cluster, several services
 * creating the same streams at once can see the meta leader time out on the duplicates while the first create is in
 * progress. Each attempt starts from the stream's info again, so a create that did happen is not repeated.
 */
async function ensureStream(
  jsm: JetStreamManager,
  desired: Partial<StreamConfig> & { name: string },
  logger: Pick<Logger, 'log' | 'warn'>,
): Promise<StreamOutcome> {
  const deadline = Date.now() + UNANSWERED_RETRY_MS;
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await ensureStreamOnce(jsm, desired, logger);
    } catch (error) {
      if (!isRequestTimeout(error) || Date.now() >= deadline) throw error;
      logger.warn(`stream ${desired.name}: JetStream did not answer in time, asking again`);
      await new Promise((resolve) => setTimeout(resolve, Math.min(2_000, 250 * 2 ** attempt)));
    }
  }
}

async function ensureStreamOnce(
  jsm: JetStreamManager,
  desired: Partial<StreamConfig> & { name: string },
  logger: Pick<Logger, 'log' | 'warn'>,
): Promise<StreamOutcome> {
  let info = await streamInfo(jsm, desired.name);
  if (!info) {
    try {
      await jsm.streams.add(desired);
      logger.log(`stream ${desired.name} created`);
      return 'created';
    } catch (error) {
      // Another replica created it first: fall through and compare with what it created.
      if (jsErrorCode(error) !== JS_ERR.STREAM_NAME_IN_USE) throw error;
      info = await streamInfo(jsm, desired.name);
      if (!info) throw error;
    }
  }
  if (info.config.storage !== desired.storage || info.config.retention !== desired.retention) {
    logger.warn(
      `stream ${desired.name} has storage ${info.config.storage}/retention ${info.config.retention}; ` +
        `expected ${desired.storage}/${desired.retention} (cannot change in place, left as is)`,
    );
  }
  const drift = streamDrift(info.config, desired);
  if (drift.length === 0) return 'unchanged';
  const { name: _name, storage: _storage, retention: _retention, ...update } = desired;
  await jsm.streams.update(desired.name, update);
  logger.log(`stream ${desired.name} updated (${drift.join(', ')})`);
  return 'updated';
}

async function streamInfo(jsm: JetStreamManager, name: string): Promise<StreamInfo | undefined> {
  try {
    return await jsm.streams.info(name);
  } catch (error) {
    if (jsErrorCode(error) === JS_ERR.STREAM_NOT_FOUND) return undefined;
    throw error;
  }
}

/** Provisions the streams when the module starts, before anything publishes or consumes. */
@Injectable()
export class StreamProvisioner implements OnModuleInit {
  private readonly logger = new Logger('StreamProvisioner');

  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
    @Inject(MESSAGING_OPTIONS) private readonly options: ResolvedMessagingOptions,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.provision();
  }

  async provision(): Promise<Record<string, StreamOutcome>> {
    try {
      const jsm = await this.nc.jetstreamManager();
      const replicas = this.config.nats.streamReplicas ?? this.options.streams.replicas;
      return await provisionStreams(jsm, this.config.nats.namespace, { ...this.options.streams, replicas }, this.logger);
    } catch (error) {
      throw new Error(`Could not provision the JetStream streams: ${errorMessage(error)}`, { cause: error });
    }
  }
}
