import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { STREAMS, type StreamDefinition } from '@switchboard/contracts';
import { JetStreamDeadLetterSink, NATS_CONNECTION, namer, PLATFORM_CONFIG, type PlatformConfig } from '@switchboard/platform';
import type { NatsConnection } from 'nats';
import { INTAKE_SETTINGS, SERVICE_NAME, type IntakeSettings } from '../config/intake.config';
import { ArchiveRepository } from './archive.repository';
import { ArchiveStreamWriter } from './archive-stream-writer';

/** The streams intake produces into, whose every event the archive keeps. */
export const ARCHIVED_STREAMS: readonly StreamDefinition[] = STREAMS.filter((s) => s.category === 'interaction' || s.category === 'agent');

/**
 * Archives every event of the interaction and agent streams into Postgres: one durable consumer per
 * stream, rows written in batches, messages acked only after their batch committed.
 */
@Injectable()
export class ArchiveConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Archive');
  private readonly writers: ArchiveStreamWriter[] = [];

  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
    @Inject(INTAKE_SETTINGS) private readonly settings: IntakeSettings,
    private readonly archive: ArchiveRepository,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const names = namer(this.config.nats.namespace);
    const deadLetters = new JetStreamDeadLetterSink(this.nc.jetstream(), names);
    for (const stream of ARCHIVED_STREAMS) {
      const writer = new ArchiveStreamWriter({
        nc: this.nc,
        names,
        service: SERVICE_NAME,
        stream,
        archive: this.archive,
        deadLetters,
        batchSize: this.settings.archive.batchSize,
        flushMs: this.settings.archive.flushMs,
        ackWaitMs: this.settings.archive.ackWaitMs,
        logger: this.logger,
      });
      await writer.start();
      this.writers.push(writer);
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all(this.writers.map((w) => w.stop(this.config.shutdownGraceMs)));
  }
}
