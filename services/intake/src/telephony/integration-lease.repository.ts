import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { REDIS } from '@switchboard/platform';

/** Takes the lease when free, extends it when held by `owner`; 1 when `owner` holds it afterwards. */
const ACQUIRE = `
local holder = redis.call('GET', KEYS[1])
if holder == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
if holder then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1
`;
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

type Script = (...args: (string | number)[]) => Promise<number>;

/**
 * Leases in Redis that let exactly one replica hold the socket connection of a tenant's integration
 * (`lease:<kind>:<tenant>`); a replica that dies lets its leases lapse and another takes over.
 */
@Injectable()
export class IntegrationLeaseRepository {
  private readonly scripts: { intakeLeaseAcquire: Script; intakeLeaseRelease: Script };

  constructor(@Inject(REDIS) redis: Redis) {
    if (!('intakeLeaseAcquire' in redis)) redis.defineCommand('intakeLeaseAcquire', { numberOfKeys: 1, lua: ACQUIRE });
    if (!('intakeLeaseRelease' in redis)) redis.defineCommand('intakeLeaseRelease', { numberOfKeys: 1, lua: RELEASE });
    this.scripts = redis as unknown as { intakeLeaseAcquire: Script; intakeLeaseRelease: Script };
  }

  async acquire(key: string, owner: string, ttlMs: number): Promise<boolean> {
    return (await this.scripts.intakeLeaseAcquire(`lease:${key}`, owner, ttlMs)) === 1;
  }

  async release(key: string, owner: string): Promise<void> {
    await this.scripts.intakeLeaseRelease(`lease:${key}`, owner);
  }
}
