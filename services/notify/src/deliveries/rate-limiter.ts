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

  /**
   * Takes `wanted.get(recipient)` slots for each recipient in the minute of `now`, in one Redis round
   * trip; answers how many each got, and when the next minute starts (for the rest).
   */
  async takeMany(wanted: ReadonlyMap<string, number>, now: Date): Promise<{ granted: Map<string, number>; retryAt: Date }> {
    const minute = Math.floor(now.getTime() / 60_000);
    const granted = new Map<string, number>();
    const entries = [...wanted.entries()].filter(([, n]) => n > 0);
    if (entries.length > 0) {
      const pipeline = this.redis.multi();
      for (const [recipient, n] of entries) pipeline.incrby(`rate:${recipient}:${minute}`, n).expire(`rate:${recipient}:${minute}`, 120);
      const results = (await pipeline.exec()) ?? [];
      entries.forEach(([recipient, n], i) => {
        const [error, total] = results[i * 2] ?? [new Error('no reply'), 0];
        if (error) throw error;
        const before = Number(total) - n;
        granted.set(recipient, Math.max(0, Math.min(n, this.env.NOTIFY_RATE_LIMIT_PER_MINUTE - before)));
      });
    }
    return { granted, retryAt: new Date((minute + 1) * 60_000) };
  }
}
