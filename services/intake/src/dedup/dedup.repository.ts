import { Inject, Injectable, Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import { errorMessage, REDIS } from '@switchboard/platform';
import { CLAIM_SCRIPT, COMMIT_SCRIPT, RELEASE_SCRIPT, RESTORE_SCRIPT } from './dedup.scripts';

/** What the ledger knows of an event id. */
export enum IdState {
  /** Claimed by this request: publish it. */
  Claimed = 0,
  /** Claimed by a request still publishing it: publish too (JetStream's message id de-duplication decides). */
  InFlight = 1,
  /** Accepted before: a duplicate. */
  Accepted = 2,
}

export type ClaimOutcome =
  | { kind: 'claimed'; states: IdState[] }
  | { kind: 'rate_limited'; retryAfterMs: number }
  /** The ledger's ready marker is gone (Redis lost its data): ids must be checked against the archive. */
  | { kind: 'ledger_lost' };

export interface ClaimRequest {
  tenant: string;
  ids: readonly string[];
  token: string;
  pendingTtlMs: number;
  /** Events charged to the tenant's bucket; 0 skips the rate limit. */
  cost: number;
  rate: { perSecond: number; burst: number };
  /** False once the caller has checked the archive itself. */
  checkLedger: boolean;
}

type Script = (...args: (string | number)[]) => Promise<unknown>;
interface IntakeScripts {
  intakeClaim: Script;
  intakeCommit: Script;
  intakeRelease: Script;
  intakeRestore: Script;
}

const READY_KEY = 'dedup:meta:ready';
/** Most ids per commit script call (or carried by one claim). */
const COMMIT_CHUNK = 1000;
/** Longest an accepted id waits for a claim to carry its commit before it is written on its own. */
const COMMIT_DELAY_MS = 10;
const REBUILD_LOCK_KEY = 'dedup:meta:rebuilding';

export function idKey(id: string): string {
  return `dedup:id:${id}`;
}

/**
 * The de-duplication ledger and the per-tenant token buckets in Redis (keys under the service prefix):
 * `dedup:id:<event id>` holds the claiming request's token while it publishes and `d` once accepted.
 */
@Injectable()
export class DedupRepository {
  private readonly scripts: IntakeScripts;
  private readonly logger = new Logger('Ledger');
  private readonly pendingCommits = new Map<number, string[]>();
  private commitTimer: NodeJS.Timeout | undefined;

  constructor(@Inject(REDIS) private readonly redis: Redis) {
    for (const [name, lua] of [
      ['intakeClaim', CLAIM_SCRIPT],
      ['intakeCommit', COMMIT_SCRIPT],
      ['intakeRelease', RELEASE_SCRIPT],
      ['intakeRestore', RESTORE_SCRIPT],
    ] as const) {
      if (!(name in redis)) redis.defineCommand(name, { lua });
    }
    this.scripts = redis as unknown as IntakeScripts;
  }

  async claim(request: ClaimRequest): Promise<ClaimOutcome> {
    // The ledger's pending commits travel with this claim (one script call for both).
    const commits = this.takeCommits();
    const keys = [`ratelimit:${request.tenant}`, READY_KEY, ...request.ids.map(idKey), ...(commits ? commits.ids.map(idKey) : [])];
    let reply: number[];
    try {
      reply = (await this.scripts.intakeClaim(
        keys.length,
        ...keys,
        request.token,
        request.pendingTtlMs,
        request.rate.perSecond,
        request.rate.burst,
        request.cost,
        request.checkLedger ? '1' : '0',
        commits ? commits.ids.length : 0,
        commits ? commits.ttlMs : 0,
      )) as number[];
    } catch (error) {
      // Redis could not be asked: the commits wait for the next call.
      if (commits) this.commitSoon(commits.ids, commits.ttlMs);
      throw error;
    }
    const [status, ...rest] = reply;
    if (status === -2) return { kind: 'rate_limited', retryAfterMs: rest[0] ?? 1000 };
    if (status === -1) return { kind: 'ledger_lost' };
    return { kind: 'claimed', states: rest as IdState[] };
  }

  /**
   * Marks ids as accepted for `ttlMs` soon: with the next claim (any request's), or at the latest after
   * COMMIT_DELAY_MS in one script call for every id waiting. Failures are logged (a re-send of such an
   * event is published again and JetStream's de-duplication answers).
   */
  commitSoon(ids: readonly string[], ttlMs: number): void {
    if (ids.length === 0) return;
    let pending = this.pendingCommits.get(ttlMs);
    if (!pending) {
      pending = [];
      this.pendingCommits.set(ttlMs, pending);
    }
    for (const id of ids) pending.push(id);
    this.commitTimer ??= setTimeout(() => this.flushCommits(), COMMIT_DELAY_MS);
  }

  /** Up to COMMIT_CHUNK pending commits of one ttl, taken out of the queue (for a claim to carry). */
  private takeCommits(): { ids: string[]; ttlMs: number } | undefined {
    for (const [ttlMs, ids] of this.pendingCommits) {
      if (ids.length <= COMMIT_CHUNK) {
        this.pendingCommits.delete(ttlMs);
        return { ids, ttlMs };
      }
      return { ids: ids.splice(0, COMMIT_CHUNK), ttlMs };
    }
    return undefined;
  }

  /** Writes every pending commit now (also on shutdown, while Redis is still connected). */
  flushCommits(): Promise<void> {
    clearTimeout(this.commitTimer);
    this.commitTimer = undefined;
    const batches = [...this.pendingCommits];
    this.pendingCommits.clear();
    const writes: Promise<void>[] = [];
    for (const [ttlMs, ids] of batches) {
      for (let start = 0; start < ids.length; start += COMMIT_CHUNK) {
        const chunk = ids.slice(start, start + COMMIT_CHUNK);
        writes.push(
          this.commit(chunk, ttlMs).catch((error: unknown) => {
            this.logger.warn(`could not record ${chunk.length} accepted id(s) in the ledger: ${errorMessage(error)}`);
          }),
        );
      }
    }
    return Promise.all(writes).then(() => undefined);
  }

  /** Marks ids as accepted for `ttlMs`. */
  async commit(ids: readonly string[], ttlMs: number): Promise<void> {
    if (ids.length === 0) return;
    await this.scripts.intakeCommit(ids.length, ...ids.map(idKey), ttlMs);
  }

  /** Forgets the ids this request claimed (so that a retry of a failed publish is not taken for a duplicate). */
  async release(ids: readonly string[], token: string): Promise<void> {
    if (ids.length === 0) return;
    await this.scripts.intakeRelease(ids.length, ...ids.map(idKey), token);
  }

  /** Marks ids accepted (each with its remaining ttl) unless the ledger already knows them. */
  async restore(entries: readonly { id: string; ttlMs: number }[]): Promise<void> {
    if (entries.length === 0) return;
    await this.scripts.intakeRestore(entries.length, ...entries.map((e) => idKey(e.id)), ...entries.map((e) => Math.max(1, Math.round(e.ttlMs))));
  }

  async isReady(): Promise<boolean> {
    return (await this.redis.exists(READY_KEY)) === 1;
  }

  async markReady(): Promise<void> {
    await this.redis.set(READY_KEY, new Date().toISOString());
  }

  /** Takes the rebuild lock for `ttlMs`; false when another replica holds it. */
  async lockRebuild(owner: string, ttlMs: number): Promise<boolean> {
    return (await this.redis.set(REBUILD_LOCK_KEY, owner, 'PX', ttlMs, 'NX')) === 'OK';
  }

  async unlockRebuild(owner: string): Promise<void> {
    await this.scripts.intakeRelease(1, REBUILD_LOCK_KEY, owner);
  }
}
