import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { AnyCloudEvent, Channel } from '@switchboard/contracts';
import { CoalescingRunner, errorMessage, MetricsRegistry, Outbox, SERVICE_ENV } from '@switchboard/platform';
import { hasCapacity } from '../engine/capacity';
import { candidatePool, type CandidatePool } from '../engine/candidate-pool';
import { decide, overflowStepFor } from '../engine/decide';
import { DEFAULT_SETTINGS, type AgentSnapshot, type Decision, type InteractionSnapshot, type QueueSnapshot, type RoutingSettings } from '../engine/engine.types';
import { routingEvent } from '../events/event-factory';
import { HotStateRepository, type OpenWork, type RoundState } from '../hot-state/hot-state.repository';
import type { QueueRow } from '../persistence/rows';
import type { WaitingRow } from '../persistence/routing.repository';
import type { RoutingEnv } from '../config/routing.config';
import { OfferLifecycleService } from '../offers/offer-lifecycle.service';
import { WrapUpService } from '../agents/wrap-up.service';
import { DispatchRepository } from './dispatch-repository';
import { DispatchSignal } from './dispatch-signal';
import { escalation, EVENT_CANDIDATES, explain } from './explain';
import { serveOrder, toInteractionSnapshot } from './snapshot';
import { TenantSnapshotCache } from './tenant-snapshot.cache';

const STALE_CLAIM_MS = 2_000;
/** A decision that found nobody is taken again at least this often even when nothing it depends on moved. */
const BLOCKED_RECHECK_MS = 5_000;
/** Tenants that had waiting work this recently have their hot state read with the round's first reads. */
const RECENT_TENANT_MS = 60_000;

function stickyOf(settings: RoutingSettings): number | undefined {
  return settings.stickyEnabled ? settings.stickyDays : undefined;
}

/** An offer decided in a round, before it is reserved and committed. */
interface PlannedOffer {
  work: OpenWork;
  limit: number;
  queue: QueueRow;
  interaction: InteractionSnapshot;
  decision: Decision;
  escalated: boolean;
}

/** A decision that leaves the interaction waiting but is worth logging (first of its kind, or an overflow step reached). */
interface WaitNote {
  interaction: InteractionSnapshot;
  decision: Decision;
  escalated: boolean;
}

/**
 * The decision round: on every kick (interaction queued, agent available, offer resolved) and on a periodic tick
 * (aging, overflow, sticky waits), decide for every waiting interaction from the tenant's
 * in-memory snapshot and the Redis hot state, then reserve the winners in one atomic script and commit the offers,
 * decisions and events in one transaction per batch. Offer expiry and wrap-up ends run on a loop of their own.
 */
@Injectable()
export class DispatcherService implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger('Dispatcher');
  private readonly runner = new CoalescingRunner(
    () => this.cycle(),
    (error) => this.logger.warn(`decision round failed: ${errorMessage(error)}`),
  );
  /**
   * Offer expiry and wrap-up ends, on half the tick's cadence, beside the decision rounds and not inside them: a round
   * that waited for them would hold the arrivals kicked meanwhile for their round trips too.
   */
  private readonly maintenance = new CoalescingRunner(
    () => this.maintain(),
    (error) => this.logger.warn(`offer expiry or wrap-up end failed: ${errorMessage(error)}`),
  );
  private readonly latency;
  private readonly roundTime;
  /**
   * Per tenant, interactions whose last decision found no eligible agent, with what that decision depended on (snapshot
   * version, open work, overflow step, customer flags): while none of it moved, deciding again would find nobody again.
   */
  private readonly blocked = new Map<string, Map<string, { signature: string; at: number }>>();
  /** Tenants with waiting work in recent rounds, and when they last had some. */
  private readonly recentTenants = new Map<string, number>();

  constructor(
    private readonly repo: DispatchRepository,
    private readonly hot: HotStateRepository,
    private readonly cache: TenantSnapshotCache,
    private readonly outbox: Outbox,
    private readonly offers: OfferLifecycleService,
    private readonly wrapUps: WrapUpService,
    signal: DispatchSignal,
    metrics: MetricsRegistry,
    @Inject(SERVICE_ENV) private readonly env: RoutingEnv,
  ) {
    signal.onKick(() => this.kick());
    this.latency = metrics.histogram('routing_decision_seconds', 'Time to decide one interaction', []);
    this.roundTime = metrics.histogram('routing_round_seconds', 'Time of one decision round, from its first reads to its last offers committed', []);
  }

  onApplicationBootstrap(): void {
    this.runner.start(this.env.ROUTING_TICK_MS, true);
    this.maintenance.start(this.env.ROUTING_TICK_MS / 2);
  }

  /** The last round ends before the outbox sends what committed last (its own `beforeApplicationShutdown`). */
  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all([this.runner.stop(), this.maintenance.stop()]);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.repo.close();
  }

  kick(): void {
    this.runner.kick();
  }

  /** One full round; resolves when done. */
  async cycle(): Promise<void> {
    const started = performance.now();
    try {
      await this.round();
    } finally {
      this.roundTime.observe((performance.now() - started) / 1000);
    }
  }

  private async round(): Promise<void> {
    // Independent reads go together: each is a round trip, and a round is a chain of them. The first reads are every
    // tenant's waiting interactions (with the sticky settings held for each) beside the hot state of the tenants that
    // had waiting work lately.
    const now = Date.now();
    for (const [tenant, at] of this.recentTenants) if (now - at > RECENT_TENANT_MS) this.recentTenants.delete(tenant);
    const recent = [...this.recentTenants.keys()];
    const held = new Map<string, number | undefined>();
    for (const tenant of recent) {
      const known = this.cache.peek(tenant);
      if (known) held.set(tenant, stickyOf(known.settings));
    }
    const stickyUsed = (tenant: string): number | undefined => (held.has(tenant) ? held.get(tenant) : stickyOf(DEFAULT_SETTINGS));
    const [hot, waitingAll] = await Promise.all([
      this.hot.roundStates(recent),
      this.repo.waitingForRounds([...held].map(([tenant, days]) => ({ tenant, days: days ?? null })), stickyOf(DEFAULT_SETTINGS) ?? null),
    ]);
    const waitingByTenant = new Map<string, WaitingRow[]>();
    for (const row of waitingAll) {
      const rows = waitingByTenant.get(row.tenant);
      if (rows) rows.push(row);
      else waitingByTenant.set(row.tenant, [row]);
    }
    if (!hot.built) {
      const rebuilt = await this.hot.rebuild(
        (epoch, write) => this.repo.dataSource.transaction(async (m) => {
          await this.repo.beginHotStateEpoch(m, epoch);
          await write(await this.repo.openWork(m), await this.repo.lastOffers(m));
        }),
        () => this.repo.openWork(),
      );
      if (rebuilt) this.logger.log('hot state rebuilt from Postgres');
      else return;
    }
    // Read before a rebuild: read again.
    const stateOf = (tenant: string): RoundState | undefined => (hot.built ? hot.state(tenant) : undefined);
    for (const [tenant, waiting] of waitingByTenant) {
      if (this.runner.isStopped) break;
      this.recentTenants.set(tenant, now);
      await this.dispatchTenant(tenant, waiting, stickyUsed(tenant), stateOf(tenant));
    }
  }

  /** Times out the offers past their expiry and ends the wrap-ups that are due (both free capacity and kick a round). */
  private async maintain(): Promise<void> {
    for (const id of await this.repo.expiredOfferIds(500)) {
      if (this.maintenance.isStopped) return;
      await this.offers.timeOut(id);
    }
    await this.wrapUps.endDueWrapUps();
  }

  /**
   * Decides for a tenant's waiting interactions, read with `stickyDays` (read again when the snapshot holds other
   * sticky settings), with its hot state when read already.
   */
  private async dispatchTenant(tenant: string, waitingEarly: WaitingRow[], stickyDays: number | undefined, early: RoundState | undefined): Promise<void> {
    const state = early ?? (await this.hot.roundState(tenant));
    const snapshot = await this.cache.get(tenant, state.version);
    const { settings } = snapshot;
    const [waitingRows, occupancy] = await Promise.all([
      stickyOf(settings) === stickyDays ? waitingEarly : this.repo.waitingForRound(tenant, stickyOf(settings)),
      this.cache.occupancy(tenant, settings.occupancyWindowMinutes),
    ]);
    if (waitingRows.length === 0) return;
    // Object literals of one shape (not spreads): the decision's hot loop reads these thousands of times per round.
    const agents: AgentSnapshot[] = snapshot.agents.map((a) => ({
      id: a.id,
      state: a.state,
      stateSince: a.stateSince,
      skills: a.skills,
      languages: a.languages,
      capacity: a.capacity,
      startedAt: a.startedAt,
      strainLevel: a.strainLevel,
      load: { ...state.loads.get(a.id) },
      occupancy: occupancy.get(a.id) ?? 0,
      lastOfferedAt: state.lastOfferedAt.get(a.id),
    }));
    const pools = new Map<string, CandidatePool>();
    const poolFor = (queue: QueueSnapshot, step: number): CandidatePool => {
      const key = `${queue.id}|${step}`;
      let pool = pools.get(key);
      if (!pool) pools.set(key, (pool = candidatePool(agents, queue, step)));
      return pool;
    };
    const agentById = new Map(agents.map((a) => [a.id, a]));
    const rows = new Map(waitingRows.map((i) => [i.id, i]));
    const waiting = waitingRows.map((i) => toInteractionSnapshot(
      i,
      i.flag_abusive === null ? undefined : { abusive: i.flag_abusive, churn_level: i.flag_churn },
      i.sticky_agent ?? undefined,
      i.sticky_unresolved ? "left this customer's case unresolved" : undefined,
    ));
    const channelsWithWork = [...new Set(waiting.map((i) => i.channel))];
    const queueSnapshots = new Map<string, QueueSnapshot>([...snapshot.queues].map(([id, q]) => [id, q.snapshot]));
    const previouslyBlocked = this.blocked.get(tenant) ?? new Map<string, { signature: string; at: number }>();
    const blocked = new Map<string, { signature: string; at: number }>();
    this.blocked.set(tenant, blocked);
    const basis = `${snapshot.version ?? '-'}@${snapshot.loadedAt}|${state.loadsDigest}`;
    const ordered = serveOrder(waiting, queueSnapshots, settings, Date.now());

    const inFlight: Promise<'done' | 'retry' | 'not_ready'>[] = [];
    for (let start = 0; start < ordered.length; start += this.env.ROUTING_ROUND_BATCH) {
      const now = Date.now();
      const free = new Set<Channel>(channelsWithWork.filter((ch) => agents.some((a) => a.state === 'available' && hasCapacity(a.capacity, a.load, ch))));
      const planned: PlannedOffer[] = [];
      const notes: WaitNote[] = [];
      for (const interaction of ordered.slice(start, start + this.env.ROUTING_ROUND_BATCH)) {
        const queue = snapshot.queues.get(interaction.queueId);
        const row = rows.get(interaction.id);
        if (!queue || !row) continue;
        const previousStep = row.overflow_step;
        // Nobody can take this channel and the wait is already logged: deciding again would change nothing.
        if (!free.has(interaction.channel) && row.logged_outcome === 'no_eligible_agent'
          && overflowStepFor(queue.snapshot.overflow, now - interaction.queuedAt) <= previousStep) continue;
        const step = overflowStepFor(queue.snapshot.overflow, now - interaction.queuedAt);
        const signature = `${basis}|${step}|${interaction.volatile}|${interaction.abusive}`;
        const before = previouslyBlocked.get(interaction.id);
        if (before && before.signature === signature && now - before.at < BLOCKED_RECHECK_MS && row.logged_outcome === 'no_eligible_agent') {
          blocked.set(interaction.id, before);
          continue;
        }
        const started = process.hrtime.bigint();
        const pool = poolFor(queue.snapshot, step);
        const decision = decide({ queue: queue.snapshot, interaction, agents: pool.agents, prefiltered: pool, settings, now, channelsWithWork });
        this.latency.observe(Number(process.hrtime.bigint() - started) / 1e9);
        const escalated = decision.overflowStep > previousStep;
        const agent = decision.winner === undefined ? undefined : agentById.get(decision.winner);
        if (agent) {
          const work = { tenant, agentId: agent.id, interactionId: interaction.id, channel: interaction.channel, offerId: globalThis.crypto.randomUUID() };
          planned.push({ work, limit: agent.capacity[interaction.channel] ?? 0, queue: queue.row, interaction, decision, escalated });
          agent.load[interaction.channel] = (agent.load[interaction.channel] ?? 0) + 1;
          agent.lastOfferedAt = now;
        } else {
          if (decision.outcome === 'no_eligible_agent') blocked.set(interaction.id, { signature, at: now });
          if (escalated || decision.outcome !== row.logged_outcome) notes.push({ interaction, decision, escalated });
        }
      }
      // Up to three batches commit at once: the next batch is decided while the previous ones are written.
      inFlight.push(this.commit(tenant, planned, notes));
      if (inFlight.length >= 3 && !(await this.settle(inFlight.shift()))) break;
    }
    for (const commit of inFlight) await this.settle(commit);
  }

  /** Waits for a batch's commit; false when the hot state is not built (stop deciding until it is). */
  private async settle(commit: Promise<'done' | 'retry' | 'not_ready'> | undefined): Promise<boolean> {
    const outcome = await commit;
    if (outcome === 'retry') this.kick();
    return outcome !== 'not_ready';
  }

  /**
   * Reserves the planned offers in Redis (one script), then commits them in one statement (its own transaction): under
   * the epoch the reservations were made in, share-locks the winners still available, moves their interactions
   * `queued → offered`, inserts offers and decisions and enqueues the events. Reservations that did not become offers
   * are released. Decisions that leave their interactions waiting are logged in a transaction of their own.
   */
  private async commit(tenant: string, planned: PlannedOffer[], notes: WaitNote[]): Promise<'done' | 'retry' | 'not_ready'> {
    const reservation = await this.hot.reserveMany(planned.map((p) => ({ ...p.work, limit: p.limit })));
    if (!reservation) return 'not_ready';
    const { outcomes } = reservation;
    const reserved = planned.filter((_, i) => outcomes[i] === 'reserved');
    for (const [i, p] of planned.entries()) if (outcomes[i] === 'already_claimed') await this.repairStaleClaim(tenant, p.work.interactionId);
    const retry = outcomes.some((o) => o === 'agent_full');
    let stale = false;
    if (reserved.length > 0) {
      const createdAt = Date.now();
      const offers = reserved.map((p) => ({ p, expiresAt: new Date(createdAt + p.queue.offer_timeout_seconds * 1000), explanation: explain(p.decision) }));
      // The events of every offer, written by the offers' statement for the interactions it moved.
      const offerEvents: AnyCloudEvent[] = [];
      for (const { p, expiresAt, explanation } of offers) {
        if (p.escalated) offerEvents.push(escalation(tenant, p.interaction, p.decision));
        offerEvents.push(routingEvent('routing.offered', tenant, {
          interactionId: p.work.interactionId, queueId: p.queue.id, offerId: p.work.offerId, agentId: p.work.agentId,
          expiresAt: expiresAt.toISOString(), explanation: { ...explanation, candidates: explanation.candidates.slice(0, EVENT_CANDIDATES) },
          waitMs: p.decision.waitMs, customerId: p.interaction.customerId, channel: p.work.channel,
        }));
      }
      let result: Awaited<ReturnType<DispatchRepository['commitOffers']>>;
      try {
        result = await this.repo.commitOffers(this.repo.dataSource, tenant, offers.map(({ p, expiresAt, explanation }) => ({
          offer: { id: p.work.offerId, tenant, interaction_id: p.work.interactionId, agent_id: p.work.agentId, queue_id: p.queue.id, channel: p.work.channel, expires_at: expiresAt },
          step: p.decision.overflowStep,
          explanation: { ...explanation, offerId: p.work.offerId, waitMs: p.decision.waitMs },
        })), reservation.epoch, { insertFrom: (source) => this.outbox.insertFrom(source), events: offerEvents });
      } catch (error) {
        for (const p of reserved) await this.hot.release(p.work);
        throw error;
      }
      if (result.epoch !== reservation.epoch) {
        // Reserved in a hot state the durable state does not know: a rebuild since (decide again in the new one), or a
        // rebuild that never committed its side (drop this hot state, rebuild it).
        for (const p of reserved) await this.hot.release(p.work);
        if (await this.hot.dropEpoch(reservation.epoch)) this.logger.warn('hot state epoch unknown to Postgres: rebuilding it');
        return 'retry';
      }
      this.outbox.track(undefined, result.written, offerEvents);
      stale = reserved.some((p) => !result.available.has(p.work.agentId));
      for (const p of reserved) if (!result.offered.has(p.work.offerId)) await this.hot.release(p.work);
    }
    if (notes.length > 0) await this.noteWaiting(tenant, notes);
    // A winner who is no longer available means the snapshot is behind: reload it and decide those again.
    if (stale) this.cache.invalidate(tenant);
    return retry || stale ? 'retry' : 'done';
  }

  /** Logs decisions that leave their interactions waiting (outcome, overflow step) and the escalations among them. */
  private async noteWaiting(tenant: string, notes: WaitNote[]): Promise<void> {
    const noted = notes.map((n) => ({ n, explanation: explain(n.decision) }));
    await this.repo.dataSource.transaction(async (m) => {
      await this.repo.noteWaiting(m, tenant, notes.map((n) => ({ id: n.interaction.id, step: n.decision.overflowStep, outcome: n.decision.outcome })));
      await this.repo.insertDecisions(m, tenant, noted.map(({ n, explanation }) => ({ interactionId: n.interaction.id, explanation: { ...explanation, waitMs: n.decision.waitMs } })));
      await this.outbox.enqueue(m, noted.filter(({ n }) => n.escalated).map(({ n }) => escalation(tenant, n.interaction, n.decision)));
    });
  }

  /**
   * A queued interaction whose claim names no open offer (a reservation that never committed, or one restored by a
   * rebuild racing with its release) would wait forever: release it once it is older than any commit could take.
   */
  private async repairStaleClaim(tenant: string, interactionId: string): Promise<void> {
    const claim = await this.hot.claim(tenant, interactionId);
    if (!claim || Date.now() - claim.reservedAt < STALE_CLAIM_MS) return;
    const open = await this.repo.openOfferFor(this.repo.dataSource.manager, tenant, interactionId);
    if (open?.id === claim.offerId) return;
    if (await this.hot.release(claim)) this.logger.warn(`released stale reservation ${claim.offerId} of ${interactionId}`);
  }
}
