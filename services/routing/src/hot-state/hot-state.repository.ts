import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import type { Channel } from '@switchboard/contracts';
import { REDIS } from '@switchboard/platform';

/** Keys (prefixed by the platform): the rebuild epoch, agents' open work per channel, interactions' claims. */
const EPOCH = 'epoch';
const LOADS = 'loads';
const CLAIMS = 'claims';
const REBUILD_LOCK = 'rebuild-lock';

/**
 * Reserves one unit of an agent's channel capacity AND claims the interaction, atomically.
 * Returns 1 reserved, 0 agent at capacity, -1 interaction already claimed, -2 hot state not built.
 * A live call (voice/video) is exclusive of any other open work.
 */
const RESERVE = `
if redis.call('EXISTS', KEYS[1]) == 0 then return -2 end
if redis.call('HEXISTS', KEYS[3], ARGV[5]) == 1 then return -1 end
local agent = ARGV[1]
local channel = ARGV[2]
local used = tonumber(redis.call('HGET', KEYS[2], agent .. '|' .. channel) or '0')
if used >= tonumber(ARGV[3]) then return 0 end
local other, live = 0, 0
for _, c in ipairs({'voice', 'video', 'chat', 'email'}) do
  if c ~= channel then
    local n = tonumber(redis.call('HGET', KEYS[2], agent .. '|' .. c) or '0')
    other = other + n
    if (c == 'voice' or c == 'video') then live = live + n end
  end
end
if ARGV[4] == '1' and other > 0 then return 0 end
if live > 0 then return 0 end
redis.call('HINCRBY', KEYS[2], agent .. '|' .. channel, 1)
redis.call('HSET', KEYS[3], ARGV[5], ARGV[6])
return 1
`;

/** Releases a reservation once: only while the interaction's claim (`offerId|reservedAt|channel|agent`) is still this offer's. */
const RELEASE = `
local claim = redis.call('HGET', KEYS[2], ARGV[3])
if not claim or string.sub(claim, 1, #ARGV[4] + 1) ~= ARGV[4] .. '|' then return 0 end
redis.call('HDEL', KEYS[2], ARGV[3])
local field = ARGV[1] .. '|' .. ARGV[2]
local n = redis.call('HINCRBY', KEYS[1], field, -1)
if n <= 0 then redis.call('HDEL', KEYS[1], field) end
return 1
`;

export type ReserveOutcome = 'reserved' | 'agent_full' | 'already_claimed' | 'not_ready';

export interface OpenWork {
  tenant: string;
  agentId: string;
  interactionId: string;
  channel: Channel;
  offerId: string;
}

type ScriptedRedis = Redis & {
  routingReserve(epoch: string, loads: string, claims: string, ...args: string[]): Promise<number>;
  routingRelease(loads: string, claims: string, ...args: string[]): Promise<number>;
};

/** Hot routing state in Redis: capacity in use and interaction claims, shared by every replica. */
@Injectable()
export class HotStateRepository {
  private readonly redis: ScriptedRedis;

  constructor(@Inject(REDIS) redis: Redis) {
    redis.defineCommand('routingReserve', { numberOfKeys: 3, lua: RESERVE });
    redis.defineCommand('routingRelease', { numberOfKeys: 2, lua: RELEASE });
    this.redis = redis as ScriptedRedis;
  }

  async reserve(work: OpenWork, limit: number): Promise<ReserveOutcome> {
    const exclusive = work.channel === 'voice' || work.channel === 'video' ? '1' : '0';
    const result = await this.redis.routingReserve(
      EPOCH,
      LOADS,
      CLAIMS,
      agentField(work.tenant, work.agentId),
      work.channel,
      String(limit),
      exclusive,
      claimField(work.tenant, work.interactionId),
      `${work.offerId}|${Date.now()}|${work.channel}|${agentField(work.tenant, work.agentId)}`,
    );
    if (result === 1) return 'reserved';
    if (result === 0) return 'agent_full';
    if (result === -1) return 'already_claimed';
    return 'not_ready';
  }

  async release(work: OpenWork): Promise<boolean> {
    const result = await this.redis.routingRelease(
      LOADS,
      CLAIMS,
      agentField(work.tenant, work.agentId),
      work.channel,
      claimField(work.tenant, work.interactionId),
      work.offerId,
    );
    return result === 1;
  }

  /** The reservation holding an interaction, if any. */
  async claim(tenant: string, interactionId: string): Promise<(OpenWork & { reservedAt: number }) | undefined> {
    const value = await this.redis.hget(CLAIMS, claimField(tenant, interactionId));
    if (!value) return undefined;
    const [offerId, reservedAt, channel, ...agent] = value.split('|');
    const agentId = agent.join('|').slice(tenant.length + 1);
    return { tenant, interactionId, offerId: offerId ?? '', reservedAt: Number(reservedAt), channel: channel as Channel, agentId };
  }

  /** Open work per agent of a tenant, by channel. */
  async loads(tenant: string): Promise<Map<string, Partial<Record<Channel, number>>>> {
    const all = await this.redis.hgetall(LOADS);
    const out = new Map<string, Partial<Record<Channel, number>>>();
    const prefix = `${tenant}|`;
    for (const [field, value] of Object.entries(all)) {
      if (!field.startsWith(prefix)) continue;
      const rest = field.slice(prefix.length);
      const cut = rest.lastIndexOf('|');
      const agentId = rest.slice(0, cut);
      const channel = rest.slice(cut + 1) as Channel;
      const entry = out.get(agentId) ?? {};
      entry[channel] = Number(value);
      out.set(agentId, entry);
    }
    return out;
  }

  async isBuilt(): Promise<boolean> {
    return (await this.redis.exists(EPOCH)) === 1;
  }

  /**
   * Rebuilds the hot state from the durable open work, under a short lock so one replica does it.
   * Reservations are refused (not_ready) until the epoch is set again.
   */
  async rebuild(openWork: () => Promise<OpenWork[]>): Promise<boolean> {
    const token = globalThis.crypto.randomUUID();
    const locked = await this.redis.set(REBUILD_LOCK, token, 'PX', 10_000, 'NX');
    if (locked !== 'OK') return false;
    try {
      const work = await openWork();
      const loads = new Map<string, number>();
      const claims: string[] = [];
      for (const w of work) {
        const field = `${agentField(w.tenant, w.agentId)}|${w.channel}`;
        loads.set(field, (loads.get(field) ?? 0) + 1);
        claims.push(claimField(w.tenant, w.interactionId), `${w.offerId}|${Date.now()}|${w.channel}|${agentField(w.tenant, w.agentId)}`);
      }
      const multi = this.redis.multi().del(LOADS, CLAIMS);
      if (loads.size > 0) multi.hset(LOADS, Object.fromEntries(loads));
      if (claims.length > 0) multi.hset(CLAIMS, ...claims);
      multi.set(EPOCH, String(Date.now()));
      await multi.exec();
      // Work resolved while the rebuild was in flight released nothing (its claim was not there yet): release it now.
      const stillOpen = new Set((await openWork()).map((w) => w.offerId));
      for (const w of work) if (!stillOpen.has(w.offerId)) await this.release(w);
      return true;
    } finally {
      if ((await this.redis.get(REBUILD_LOCK)) === token) await this.redis.del(REBUILD_LOCK);
    }
  }
}

function agentField(tenant: string, agentId: string): string {
  return `${tenant}|${agentId}`;
}

function claimField(tenant: string, interactionId: string): string {
  return `${tenant}|${interactionId}`;
}
