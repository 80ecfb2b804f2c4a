import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { createRedisClient, errorMessage, PLATFORM_CONFIG, REDIS, type PlatformConfig } from '@switchboard/platform';
import type { Redis } from 'ioredis';
import type { NotificationRecord } from '../notifications/notification.repository';
import { decodeItems, encodeBatch, type FanoutItem } from './fanout-message';
import { SocketRegistry } from './socket-registry';
import { toWire } from './wire-message';

/**
 * Pushes persisted notifications to the sockets of every replica. The replica that committed them
 * hands them to its own sockets at once, then announces the whole batch in one Redis pub/sub message
 * that the other replicas hand to the sockets they hold (the origin skips its own announcement after
 * comparing its first bytes). Each message is serialised once, whatever the number of sockets that
 * receive it.
 */
@Injectable()
export class FanoutService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Fanout');
  private readonly channel: string;
  private readonly replicaId = randomUUID();
  /** `<replicaId>\n`: how this replica's own announcements begin. */
  private readonly ownPrefix = Buffer.from(`${this.replicaId}\n`, 'utf8');
  private subscriber: Redis | undefined;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
    private readonly registry: SocketRegistry,
  ) {
    // Channels are not keys: the prefix is applied here so test runs and deployments stay apart. The
    // suffix is the announcement format's version: replicas of another format do not read each other.
    this.channel = `${config.redis.keyPrefix}fanout.v2`;
  }

  async onApplicationBootstrap(): Promise<void> {
    this.subscriber = createRedisClient(this.config.redis, `${this.config.service}-fanout`);
    // Buffers: a replica's own announcement is recognised without decoding it.
    this.subscriber.on('messageBuffer', (_channel: Buffer, raw: Buffer) => this.onMessage(raw));
    await this.subscriber.subscribe(this.channel);
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.subscriber) await this.subscriber.quit().catch(() => undefined);
  }

  /** Pushes committed notifications to this replica's sockets and announces them to the other replicas. */
  async publish(records: readonly NotificationRecord[]): Promise<void> {
    if (records.length === 0) return;
    const items: FanoutItem[] = records.map((n) => ({ tenant: n.tenant, recipient: n.recipient, id: n.id, message: JSON.stringify(toWire(n)) }));
    this.deliverLocally(items);
    await this.redis.publish(this.channel, encodeBatch(this.replicaId, items));
  }

  private deliverLocally(items: readonly FanoutItem[]): void {
    for (const { tenant, recipient, id, message } of items) {
      const sessions = this.registry.sessionsFor(tenant, recipient);
      if (sessions.size === 0) continue;
      const frame = sessions.size === 1 ? message : Buffer.from(message, 'utf8');
      for (const session of sessions) session.sendOnce(id, frame);
    }
  }

  private onMessage(raw: Buffer): void {
    if (raw.length >= this.ownPrefix.length && raw.compare(this.ownPrefix, 0, this.ownPrefix.length, 0, this.ownPrefix.length) === 0) return;
    let items: FanoutItem[];
    try {
      items = decodeItems(raw.toString('utf8'));
    } catch (error) {
      this.logger.warn(`fan-out message invalid; ignored: ${errorMessage(error)}`);
      return;
    }
    this.deliverLocally(items);
  }
}
