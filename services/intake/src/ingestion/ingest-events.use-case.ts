import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { AnyCloudEvent } from '@switchboard/contracts';
import { AppError, errorMessage, EventPublisher, MetricsRegistry, ValidationError } from '@switchboard/platform';
import type { Counter } from 'prom-client';
import { pgText } from '../archive/archive-row';
import { ArchiveRepository } from '../archive/archive.repository';
import { INTAKE_SETTINGS, MAX_BATCH_EVENTS, type IntakeSettings } from '../config/intake.config';
import { DedupRepository, IdState, type ClaimOutcome } from '../dedup/dedup.repository';
import { CONTROL_CHARACTER } from '../mapping/ids';
import { LedgerUnavailableError, PublishFailedError, RateLimitedError } from './ingestion.errors';
import { LedgerRecovery } from './ledger-recovery.service';

export interface IngestResult {
  /** Events stored in JetStream by this request. */
  accepted: number;
  /** Events whose id was accepted before (or repeated within the request): not published again. */
  duplicates: number;
}

export interface IngestOptions {
  /** Charge the events to the tenant's rate limit (HTTP and webhooks); socket clients pull at their own pace. */
  rateLimited: boolean;
}

/** How long a claim waits for its publish before another request may take the id over; below JetStream's duplicate window. */
const PENDING_TTL_MS = 60_000;

/**
 * The one ingestion path of every source (HTTP, webhooks, socket clients): rate limit, de-duplicate by
 * event id, publish to JetStream and resolve only once every new event is acknowledged. A failed publish
 * releases the ids it claimed, so that a retry is not mistaken for a duplicate.
 */
@Injectable()
export class IngestEventsUseCase {
  private readonly logger = new Logger('Ingest');
  /** sb_intake_events_total by outcome (label children bound once). */
  private readonly outcomes: Record<'accepted' | 'duplicate' | 'failed' | 'rateLimited', Counter.Internal>;
  /** Claim tokens are unique per request: this process's id and a counter. */
  private readonly instance = randomUUID();
  private requests = 0;

  constructor(
    private readonly dedup: DedupRepository,
    private readonly archive: ArchiveRepository,
    private readonly recovery: LedgerRecovery,
    private readonly publisher: EventPublisher,
    @Inject(INTAKE_SETTINGS) private readonly settings: IntakeSettings,
    metrics: MetricsRegistry,
  ) {
    const counter = metrics.counter('sb_intake_events_total', 'Events received by intake, by outcome', ['outcome']);
    this.outcomes = {
      accepted: counter.labels('accepted'),
      duplicate: counter.labels('duplicate'),
      failed: counter.labels('failed'),
      rateLimited: counter.labels('rate_limited'),
    };
  }

  /** `events` are valid and belong to `tenant`. */
  async execute(tenant: string, events: readonly AnyCloudEvent[], options: IngestOptions): Promise<IngestResult> {
    // An id repeated within the request is a duplicate of its first occurrence.
    const unique: AnyCloudEvent[] = [];
    const seen = new Set<string>();
    for (const event of events) {
      if (seen.has(event.id)) continue;
      seen.add(event.id);
      unique.push(event);
    }
    const unsafe = unique.findIndex((e) => CONTROL_CHARACTER.test(e.id));
    if (unsafe >= 0) {
      throw new ValidationError('An event id must not contain control characters.', [{ field: `[${unsafe}].id`, message: 'Must not contain control characters' }]);
    }
    const repeats = events.length - unique.length;
    if (unique.length === 0) return { accepted: 0, duplicates: repeats };

    const ids = unique.map((e) => pgText(e.id));
    const token = `p:${this.instance}:${++this.requests}`;
    const states = await this.claim(tenant, ids, token, options.rateLimited ? events.length : 0);

    const toPublish: AnyCloudEvent[] = [];
    const claimed: string[] = [];
    let known = 0;
    unique.forEach((event, i) => {
      const state = states[i];
      if (state === IdState.Accepted) {
        known++;
        return;
      }
      toPublish.push(event);
      if (state === IdState.Claimed) claimed.push(ids[i] as string);
    });

    let stored = 0;
    if (toPublish.length > 0) {
      let acks;
      try {
        // Validated at the edge (parseCloudEvent / createEvent); events without a trace of their own share
        // one child span of the request's; acks on the publisher's shared inbox (no per-event request).
        acks = await this.publisher.publishMany(toPublish, { validated: true, sharedInbox: true });
      } catch (error) {
        await this.dedup.release(claimed, token).catch((releaseError: unknown) => {
          this.logger.warn(`could not release ${claimed.length} claim(s): ${describe(releaseError)}; they lapse in ${PENDING_TTL_MS} ms`);
        });
        this.outcomes.failed.inc(events.length);
        if (error instanceof AppError && !error.retryable) throw error;
        this.logger.error(`publishing ${toPublish.length} event(s) for ${tenant} failed: ${describe(error)}`);
        throw new PublishFailedError(error);
      }
      stored = acks.filter((ack) => !ack.duplicate).length;
      // Not awaited: the events are durable already. Until the ledger records them a re-send finds them
      // claimed, publishes again and JetStream's message-id de-duplication answers "duplicate".
      this.dedup.commitSoon(toPublish.map((e) => pgText(e.id)), this.settings.dedupTtlMs);
    }
    const duplicates = repeats + known + (toPublish.length - stored);
    if (stored > 0) this.outcomes.accepted.inc(stored);
    if (duplicates > 0) this.outcomes.duplicate.inc(duplicates);
    return { accepted: stored, duplicates };
  }

  private async claim(tenant: string, ids: string[], token: string, cost: number): Promise<IdState[]> {
    const rate = { perSecond: this.settings.rateLimit.perSecond, burst: Math.max(this.settings.rateLimit.burst, MAX_BATCH_EVENTS) };
    const request = { tenant, ids, token, pendingTtlMs: PENDING_TTL_MS, cost, rate };
    let outcome: ClaimOutcome;
    try {
      outcome = await this.dedup.claim({ ...request, checkLedger: true });
      if (outcome.kind === 'ledger_lost') {
        // Redis lost the ledger: the archive knows what was accepted; rebuild the ledger meanwhile.
        void this.recovery.rebuild();
        const archived = await this.archive.archivedIds(ids);
        const open = ids.filter((id) => !archived.has(id));
        await this.dedup.restore([...archived].map((id) => ({ id, ttlMs: this.settings.dedupTtlMs })));
        const again = await this.dedup.claim({ ...request, ids: open, cost: 0, checkLedger: false });
        if (again.kind !== 'claimed') throw new Error(`unexpected ledger answer ${again.kind}`);
        const byId = new Map(open.map((id, i) => [id, again.states[i] ?? IdState.Claimed]));
        return ids.map((id) => byId.get(id) ?? IdState.Accepted);
      }
    } catch (error) {
      this.logger.error(`the de-duplication ledger failed: ${describe(error)}`);
      throw new LedgerUnavailableError(error);
    }
    if (outcome.kind === 'rate_limited') {
      this.outcomes.rateLimited.inc(cost);
      throw new RateLimitedError(tenant, outcome.retryAfterMs);
    }
    return outcome.states;
  }
}

function describe(error: unknown): string {
  return errorMessage(error);
}
