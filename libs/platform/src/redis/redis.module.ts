import { errorMessage } from '../errors/error-message';
import { Global, Inject, Injectable, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import type { PlatformConfig } from '../config/platform-config';
import { PLATFORM_CONFIG } from '../config/tokens';

/** Injection token for the service's ioredis client (keys prefixed with the service's prefix). */
export const REDIS = Symbol('REDIS');

@Injectable()
export class RedisLifecycle implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  async onApplicationShutdown(): Promise<void> {
    if (this.redis.status === 'end') return;
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

/** Readiness probe for Redis. */
@Injectable()
export class RedisHealth {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  async isHealthy(): Promise<{ ok: boolean; detail?: string }> {
    if (this.redis.status !== 'ready') return { ok: false, detail: `connection ${this.redis.status}` };
    try {
      const pong = await withTimeout(this.redis.ping(), 1000);
      return pong === 'PONG' ? { ok: true } : { ok: false, detail: `unexpected reply ${pong}` };
    } catch (error) {
      return { ok: false, detail: errorMessage(error) };
    }
  }
}

export function createRedisClient(config: PlatformConfig['redis'], name: string): Redis {
  const logger = new Logger('Redis');
  const client = new Redis(config.url, {
    keyPrefix: config.keyPrefix,
    connectionName: name,
    maxRetriesPerRequest: 3,
    enableAutoPipelining: true,
    retryStrategy: (attempt) => Math.min(attempt * 200, 5000),
  });
  client.on('error', (error: Error) => logger.warn(`redis: ${error.message}`));
  return client;
}

@Global()
@Module({
  providers: [
    {
      provide: REDIS,
      inject: [PLATFORM_CONFIG],
      useFactory: (config: PlatformConfig) => createRedisClient(config.redis, config.service),
    },
    RedisLifecycle,
    RedisHealth,
  ],
  exports: [REDIS, RedisHealth],
})
export class RedisModule {}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}
