import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import type { Channel } from '@switchboard/contracts';
import { REDIS } from '@switchboard/platform';

/**
 * Keys (prefixed by the platform): the rebuild epoch, agents' open work per channel, interactions' claims, agents' last
 * offer time (round-robin), and per tenant the version of its agents/queues/settings (snapshot invalidation).
 */
const EPOCH = 'epoch';
const LOADS = 'loads';
const CLAIMS = 'claims';
const LAST_OFFERED = 'last-offered';
const REBUILD_LOCK = 'rebuild-lock';
const versionKey = (tenant: string): string => `version:${tenant}`;

/**
 * Reserves, for each of a round's offers in order, one unit of the agent's channel capacity AND claims the
 * interaction, atomically. ARGV: now, then per offer (agent, channel, limit, exclusive, claim field, claim value).
 * Returns the epoch the reservations were made under, then per offer 1 reserved, 0 agent at capacity, -1 interaction
 * already claimed; or {-2} when the hot state is not built. A live call (voice/video) is exclusive of any other open work.
 */
const RESERVE_MANY = `
local epoch = redis.call('GET', KEYS[1])
if not epoch then return {-2} end
local out = {epoch}
local n = (#ARGV - 1) / 6
for i = 0, n - 1 do
  local b = 1 + i * 6
  local agent, channel, limit, exclusive, claimField, claimValue = ARGV[b + 1], ARGV[b + 2], tonumber(ARGV[b + 3]), ARGV[b + 4], ARGV[b + 5], ARGV[b + 6]
  local result = 1
  if redis.call('HEXISTS', KEYS[3], claimField) == 1 then
    result = -1
  else
    local used = tonumber(redis.call('HGET', KEYS[2], agent .. '|' .. channel) or '0')
    if used >= limit then
      result = 0
    else
      local other, live = 0, 0
      for _, c in ipairs({'voice', 'video', 'chat', 'email'}) do
        if c ~= channel then
          local k = tonumber(redis.call('HGET', KEYS[2], agent .. '|' .. c) or '0')
          other = other + k
          if (c == 'voice' or c == 'video') then live = live + k end
        end
      end
      if (exclusive == '1' and other > 0) or live > 0 then result = 0 end
    end
  end
  if result == 1 then
    redis.call('HINCRBY', KEYS[2], agent .. '|' .. channel, 1)
    redis.call('HSET', KEYS[3], claimField, claimValue)
    redis.call('HSET', KEYS[4], agent, ARGV[1])
  end
  out[i + 2] = result
end
return out
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

export type ReserveOutcome = 'reserved' | 'agent_full' | 'already_claimed';

export interface OpenWork {
  tenant: string;
  agentId: string;
  interactionId: string;
  channel: Channel;
  offerId: string;
}

/** What a decision round reads from the hot state in one round trip. */
export interface RoundState {
  /** The tenant's snapshot version (null when never bumped or after a Redis loss). */
  version: string | null;
  loads: Map<string, Partial<Record<Channel, number>>>;
  lastOfferedAt: Map<string, number>;
  /** A digest of the tenant's open work: equal digests, equal loads (for skipping decisions nothing could change). */
  loadsDigest: string;
}

/** Deletes the epoch when it is still the one given: the next round rebuilds the hot state. */
const DROP_EPOCH = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

type ScriptedRedis = Redis & {
  routingReserveMany(epoch: string, loads: string, claims: string, last: string, ...args: string[]): Promise<(number | string)[]>;
  routingRelease(loads: string, claims: string, ...args: string[]): Promise<number>;
  routingDropEpoch(epoch: string, value: string): Promise<number>;
};

/** Hot routing state in Redis: capacity in use and interaction claims, shared by every replica. */
@Injectable()
export class HotStateRepository {
  private readonly redis: ScriptedRedis;

  constructor(@Inject(REDIS) redis: Redis) {
    redis.defineCommand('routingReserveMany', { numberOfKeys: 4, lua: RESERVE_MANY });
    redis.defineCommand('routingRelease', { numberOfKeys: 2, lua: RELEASE });
    redis.defineCommand('routingDropEpoch', { numberOfKeys: 1, lua: DROP_EPOCH });
    this.redis = redis as ScriptedRedis;
  }

  /**
   * Reserves a round's offers in one atomic script, in order (`limits` gives each agent's capacity on the channel);
   * undefined when the hot state is not built (Redis lost: wait for the rebuild).
   */
  async reserveMany(work: (OpenWork & { limit: number })[]): Promise<{ epoch: string; outcomes: ReserveOutcome[] } | undefined> {
    if (work.length === 0) return { epoch: '', outcomes: [] };
    const now = Date.now();
    const args: string[] = [String(now)];
    for (const w of work) {
      const agent = agentField(w.tenant, w.agentId);
      const exclusive = w.channel === 'voice' || w.channel === 'video' ? '1' : '0';
      args.push(agent, w.channel, String(w.limit), exclusive, claimField(w.tenant, w.interactionId), `${w.offerId}|${now}|${w.channel}|${agent}`);
    }
    const [epoch, ...results] = await this.redis.routingReserveMany(EPOCH, LOADS, CLAIMS, LAST_OFFERED, ...args);
    if (epoch === -2 || epoch === undefined) return undefined;
    return { epoch: String(epoch), outcomes: results.map((r) => (r === 1 ? 'reserved' : r === 0 ? 'agent_full' : 'already_claimed')) };
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

  /** The tenant's snapshot version, open work per agent and channel, and last offer times, in one round trip. */
  async roundState(tenant: string): Promise<RoundState> {
    const [version, loads, last] = replies(await this.redis.multi().get(versionKey(tenant)).call('HGETALL', LOADS).call('HGETALL', LAST_OFFERED).exec()) as [
      string | null, FlatHash, FlatHash,
    ];
    return stateOf(tenant, version, loads, last);
  }

  /**
   * A round's hot state in one round trip: whether it is built, and the state of each of `tenants` (open work, last
   * offer times, snapshot version); `state` is undefined for a tenant not asked for.
   */
  async roundStates(tenants: readonly string[]): Promise<{ built: boolean; state(tenant: string): RoundState | undefined }> {
    // No tenant had work lately: the build check alone (the shared hashes are read by the tenant that first has some).
    if (tenants.length === 0) return { built: (await this.redis.exists(EPOCH)) === 1, state: () => undefined };
    const multi = this.redis.multi().exists(EPOCH).call('HGETALL', LOADS).call('HGETALL', LAST_OFFERED);
    for (const tenant of tenants) multi.get(versionKey(tenant));
    const [built, loads, last, ...versions] = replies(await multi.exec()) as [number, FlatHash, FlatHash, ...(string | null)[]];
    const asked = new Map(tenants.map((tenant, i) => [tenant, versions[i] ?? null]));
    return {
      built: built === 1,
      state: (tenant) => (asked.has(tenant) ? stateOf(tenant, asked.get(tenant) ?? null, loads, last) : undefined),
    };
  }

  /** Open work per agent of a tenant, by channel. */
  async loads(tenant: string): Promise<Map<string, Partial<Record<Channel, number>>>> {
    return (await this.roundState(tenant)).loads;
  }

  /** Marks the tenant's agents, queues or settings as changed: every replica reloads its snapshot on its next round. */
  async bumpVersion(tenant: string): Promise<void> {
    await this.redis.incr(versionKey(tenant));
  }

  /**
   * Marks the hot state for a rebuild when its epoch is still `epoch`: the durable state names another epoch (a
   * rebuild whose Postgres transaction did not commit, or a database that never saw one), so the loads and claims
   * here cannot be trusted. True when it was dropped.
   */
  async dropEpoch(epoch: string): Promise<boolean> {
    return (await this.redis.routingDropEpoch(EPOCH, epoch)) === 1;
  }

  /**
   * Rebuilds the hot state from the durable open work, under a short lock so one replica does it. `fenced` starts the
   * durable side of a new epoch (given), reads the durable state and hands it to `write` in one transaction, which
   * offer commits of other epochs cannot cross (no commit lands between the read and the write). Reservations are
   * refused (not_ready) until the epoch is set again.
   */
  async rebuild(
    fenced: (epoch: string, write: (work: OpenWork[], last: { tenant: string; agentId: string; at: number }[]) => Promise<void>) => Promise<void>,
    openWork: () => Promise<OpenWork[]>,
  ): Promise<boolean> {
    const token = globalThis.crypto.randomUUID();
    const locked = await this.redis.set(REBUILD_LOCK, token, 'PX', 10_000, 'NX');
    if (locked !== 'OK') return false;
    try {
      let work: OpenWork[] = [];
      const epoch = globalThis.crypto.randomUUID();
      await fenced(epoch, async (open, lastOffers) => {
        work = open;
        const loads = new Map<string, number>();
        const claims: string[] = [];
        for (const w of open) {
          const field = `${agentField(w.tenant, w.agentId)}|${w.channel}`;
          loads.set(field, (loads.get(field) ?? 0) + 1);
          claims.push(claimField(w.tenant, w.interactionId), `${w.offerId}|${Date.now()}|${w.channel}|${agentField(w.tenant, w.agentId)}`);
        }
        const last = lastOffers.flatMap((l) => [agentField(l.tenant, l.agentId), String(l.at)]);
        const multi = this.redis.multi().del(LOADS, CLAIMS, LAST_OFFERED);
        if (loads.size > 0) multi.hset(LOADS, Object.fromEntries(loads));
        if (claims.length > 0) multi.hset(CLAIMS, ...claims);
        if (last.length > 0) multi.hset(LAST_OFFERED, ...last);
        multi.set(EPOCH, epoch);
        await multi.exec();
      });
      // Work resolved while the rebuild was in flight released nothing (its claim was not there yet): release it now.
      const stillOpen = new Set((await openWork()).map((w) => w.offerId));
      for (const w of work) if (!stillOpen.has(w.offerId)) await this.release(w);
      return true;
    } finally {
      if ((await this.redis.get(REBUILD_LOCK)) === token) await this.redis.del(REBUILD_LOCK);
    }
  }
}

/**
 * A hash as HGETALL sends it: a flat field/value list. The round's reads send HGETALL as a plain command (`call`), so
 * that ioredis keeps that list instead of building an object of it for `stateOf` to take apart again (an object, should
 * a client give one, is read too).
 */
type FlatHash = readonly string[] | Record<string, string>;

/** The values of a MULTI's replies; the first error, if any, is thrown. */
function replies(results: [Error | null, unknown][] | null): unknown[] {
  return (results ?? []).map(([error, value]) => {
    if (error) throw error;
    return value;
  });
}

/** A tenant's part of the hot state's hashes (fields `tenant|agent|channel` and `tenant|agent`). */
function stateOf(tenant: string, version: string | null, loadsHash: FlatHash, lastHash: FlatHash): RoundState {
  const loadsFlat = flat(loadsHash);
  const lastFlat = flat(lastHash);
  const prefix = `${tenant}|`;
  const loads = new Map<string, Partial<Record<Channel, number>>>();
  let digest = 0;
  let fields = 0;
  for (let i = 0; i + 1 < loadsFlat.length; i += 2) {
    const field = loadsFlat[i] as string;
    if (!field.startsWith(prefix)) continue;
    const value = Number(loadsFlat[i + 1]);
    digest = (digest + Math.imul(hash(field), value)) | 0;
    fields += 1;
    const cut = field.lastIndexOf('|');
    const agentId = field.slice(prefix.length, cut);
    const entry = loads.get(agentId);
    if (entry) entry[field.slice(cut + 1) as Channel] = value;
    else loads.set(agentId, { [field.slice(cut + 1) as Channel]: value });
  }
  const lastOfferedAt = new Map<string, number>();
  for (let i = 0; i + 1 < lastFlat.length; i += 2) {
    const field = lastFlat[i] as string;
    if (field.startsWith(prefix)) lastOfferedAt.set(field.slice(prefix.length), Number(lastFlat[i + 1]));
  }
  return { version, loads, lastOfferedAt, loadsDigest: `${fields}:${digest}` };
}

function flat(hash: FlatHash): readonly string[] {
  return Array.isArray(hash) ? hash : Object.entries(hash).flat();
}

/** 32-bit FNV-1a of a string. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h | 0;
}

function agentField(tenant: string, agentId: string): string {
  return `${tenant}|${agentId}`;
}

function claimField(tenant: string, interactionId: string): string {
  return `${tenant}|${interactionId}`;
}
