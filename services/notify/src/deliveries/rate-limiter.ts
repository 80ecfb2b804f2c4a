import { Inject, Injectable } from '@nestjs/common';
import { REDIS, SERVICE_ENV } from '@switchboard/platform';
import type { Redis } from 'ioredis';
import type { NotifyEnv } from '../config/notify.config';

/** Fixed one-minute windows per recipient, counted in Redis so every replica shares them. */
@Injectable()
export class RateLimiter {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(SERVICE_ENV) private readonly env: NotifyEnv,
  ) {}

  /** Takes one slot for `recipient` in the minute of `now`; when none is left, returns when the next minute starts. */
  async take(recipient: string, now: Date): Promise<{ allowed: true } | { allowed: false; retryAt: Date }> {
    const minute = Math.floor(now.getTime() / 60_000);
    const key = `rate:${recipient}:${minute}`;
    const [[, count]] = (await this.redis.multi().incr(key).expire(key, 120).exec()) as [[Error | null, number]];
    if (count <= this.env.NOTIFY_RATE_LIMIT_PER_MINUTE) return { allowed: true };
    return { allowed: false, retryAt: new Date((minute + 1) * 60_000) };
  }
}
