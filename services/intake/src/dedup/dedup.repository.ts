import { Inject, Injectable, Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import { REDIS } from '@switchboard/platform';
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
/** Most ids per commit script call. */
const COMMIT_CHUNK = 1000;
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
  private commitScheduled = false;

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
    const keys = [`ratelimit:${request.tenant}`, READY_KEY, ...request.ids.map(idKey)];
    const reply = (await this.scripts.intakeClaim(
      keys.length,
      ...keys,
      request.token,
      request.pendingTtlMs,
      request.rate.perSecond,
      request.rate.burst,
      request.cost,
      request.checkLedger ? '1' : '0',
    )) as number[];
    const [status, ...rest] = reply;
    if (status === -2) return { kind: 'rate_limited', retryAfterMs: rest[0] ?? 1000 };
    if (status === -1) return { kind: 'ledger_lost' };
    return { kind: 'claimed', states: rest as IdState[] };
  }

  /**
   * Marks ids as accepted for `ttlMs` soon: the ids of every request answered in the same turn of the
   * event loop go to Redis in one script call. Failures are logged (a re-send of such an event is
   * published again and JetStream's de-duplication answers).
   */
  commitSoon(ids: readonly string[], ttlMs: number): void {
    if (ids.length === 0) return;
    let pending = this.pendingCommits.get(ttlMs);
    if (!pending) {
      pending = [];
      this.pendingCommits.set(ttlMs, pending);
    }
    for (const id of ids) pending.push(id);
    if (!this.commitScheduled) {
      this.commitScheduled = true;
      setImmediate(() => this.flushCommits());
    }
  }

  private flushCommits(): void {
    this.commitScheduled = false;
    const batches = [...this.pendingCommits];
    this.pendingCommits.clear();
    for (const [ttlMs, ids] of batches) {
      for (let start = 0; start < ids.length; start += COMMIT_CHUNK) {
        const chunk = ids.slice(start, start + COMMIT_CHUNK);
        this.commit(chunk, ttlMs).catch((error: unknown) => {
          this.logger.warn(`could not record ${chunk.length} accepted id(s) in the ledger: ${error instanceof Error ? error.message : String(error)}`);
        });
      }
    }
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
