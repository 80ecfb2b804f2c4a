import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { createRedisClient, PLATFORM_CONFIG, REDIS, type PlatformConfig } from '@switchboard/platform';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { NotificationRecord } from '../notifications/notification.repository';
import { SocketRegistry } from './socket-registry';
import { toWire } from './wire-message';

const fanoutMessageSchema = z.object({
  tenant: z.string().min(1),
  recipient: z.string().min(1),
  id: z.string().min(1),
  message: z.string().min(1),
});

/**
 * Every replica hears every persisted notification over Redis pub/sub and hands it to the sockets it
 * holds for that recipient; whichever replica consumed the event, the client's own replica delivers.
 */
@Injectable()
export class FanoutService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Fanout');
  private readonly channel: string;
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

  /** Announces persisted notifications to every replica. */
  async publish(records: readonly NotificationRecord[]): Promise<void> {
    await Promise.all(
      records.map((n) =>
        this.redis.publish(
          this.channel,
          JSON.stringify({ tenant: n.tenant, recipient: n.recipient, id: n.id, message: JSON.stringify(toWire(n)) }),
        ),
      ),
    );
  }

  private onMessage(raw: string): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      this.logger.warn('fan-out message is not JSON; ignored');
      return;
    }
    const result = fanoutMessageSchema.safeParse(parsed);
    if (!result.success) {
      this.logger.warn(`fan-out message invalid: ${result.error.message}`);
      return;
    }
    const { tenant, recipient, id, message } = result.data;
    for (const session of this.registry.sessionsFor(tenant, recipient)) session.sendOnce(id, message);
  }
}
