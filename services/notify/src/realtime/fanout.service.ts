import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { createRedisClient, PLATFORM_CONFIG, REDIS, type PlatformConfig } from '@switchboard/platform';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { NotificationRecord } from '../notifications/notification.repository';
import { SocketRegistry } from './socket-registry';
import { toWire } from './wire-message';

const fanoutItemSchema = z.object({
  tenant: z.string().min(1),
  recipient: z.string().min(1),
  id: z.string().min(1),
  message: z.string().min(1),
});
/** One Redis message per committed batch; `origin` is the replica that pushed it to its own sockets already. */
const fanoutBatchSchema = z.object({ origin: z.string().min(1), items: z.array(fanoutItemSchema) });

type FanoutItem = z.infer<typeof fanoutItemSchema>;

/**
 * Pushes persisted notifications to the sockets of every replica. The replica that committed them
 * hands them to its own sockets at once, then announces the whole batch in one Redis pub/sub message
 * that the other replicas hand to the sockets they hold. Each message is serialised once, whatever
 * the number of sockets that receive it.
 */
@Injectable()
export class FanoutService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Fanout');
  private readonly channel: string;
  private readonly replicaId = randomUUID();
  private subscriber: Redis | undefined;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
    private readonly registry: SocketRegistry,
  ) {
    // Channels are not keys: the prefix is applied here so test runs and deployments stay apart.
    this.channel = `${config.redis.keyPrefix}fanout`;
  }

  async onApplicationBootstrap(): Promise<void> {
    this.subscriber = createRedisClient(this.config.redis, `${this.config.service}-fanout`);
    this.subscriber.on('message', (_channel: string, raw: string) => this.onMessage(raw));
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
    await this.redis.publish(this.channel, JSON.stringify({ origin: this.replicaId, items }));
  }

  private deliverLocally(items: readonly FanoutItem[]): void {
    for (const { tenant, recipient, id, message } of items) {
      const sessions = this.registry.sessionsFor(tenant, recipient);
      if (sessions.size === 0) continue;
      const frame = sessions.size === 1 ? message : Buffer.from(message, 'utf8');
      for (const session of sessions) session.sendOnce(id, frame);
    }
  }

  private onMessage(raw: string): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      this.logger.warn('fan-out message is not JSON; ignored');
      return;
    }
    const result = fanoutBatchSchema.safeParse(parsed);
    if (!result.success) {
      this.logger.warn(`fan-out message invalid: ${result.error.message}`);
      return;
    }
    if (result.data.origin === this.replicaId) return;
    this.deliverLocally(result.data.items);
  }
}
