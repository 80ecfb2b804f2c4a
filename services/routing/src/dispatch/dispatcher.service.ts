import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { AnyCloudEvent, RoutingExplanation } from '@switchboard/contracts';
import { CoalescingRunner, MetricsRegistry, Outbox, SERVICE_ENV } from '@switchboard/platform';
import { decide } from '../engine/decide';
import type { AgentSnapshot, Decision, InteractionSnapshot } from '../engine/engine.types';
import { routingEvent } from '../events/event-factory';
import { HotStateRepository } from '../hot-state/hot-state.repository';
import { RoutingRepository } from '../persistence/routing.repository';
import { resolveSettings } from '../settings/settings.schema';
import type { RoutingEnv } from '../config/routing.config';
import { OfferLifecycleService } from '../offers/offer-lifecycle.service';
import { WrapUpService } from '../agents/wrap-up.service';
import { DispatchSignal } from './dispatch-signal';
import { serveOrder, toAgentSnapshot, toInteractionSnapshot, toQueueSnapshot } from './snapshot';

const EXPLAIN_CANDIDATES = 50;
const STALE_CLAIM_MS = 2_000;

/**
 * The decision cycle: on every kick (interaction queued, agent available, offer resolved) and on a
 * periodic tick (aging, overflow, sticky waits, offer expiry, wrap-up end), decide for every waiting
 * interaction and offer it to the winner under an atomic Redis reservation.
 */
@Injectable()
export class DispatcherService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Dispatcher');
  private readonly runner = new CoalescingRunner(
    () => this.cycle(),
    (error) => this.logger.warn(`decision cycle failed: ${error instanceof Error ? error.message : String(error)}`),
  );
  private readonly latency;

  constructor(
    private readonly repo: RoutingRepository,
    private readonly hot: HotStateRepository,
    private readonly outbox: Outbox,
    private readonly offers: OfferLifecycleService,
    private readonly wrapUps: WrapUpService,
    signal: DispatchSignal,
    metrics: MetricsRegistry,
    @Inject(SERVICE_ENV) private readonly env: RoutingEnv,
  ) {
    signal.onKick(() => this.kick());
    this.latency = metrics.histogram('routing_decision_seconds', 'Time to decide one interaction', []);
  }

  onApplicationBootstrap(): void {
    this.runner.start(this.env.ROUTING_TICK_MS, true);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.runner.stop();
  }

  kick(): void {
    this.runner.kick();
  }

  /** One full cycle; resolves when done (exposed for the benchmark and tests). */
  async cycle(): Promise<void> {
    if (!(await this.hot.isBuilt())) {
      const rebuilt = await this.hot.rebuild(() => this.repo.openWork());
      if (rebuilt) this.logger.log('hot state rebuilt from Postgres');
      else return;
    }
    for (const id of await this.repo.expiredOfferIds(500)) await this.offers.timeOut(id);
    await this.wrapUps.endDueWrapUps();
    for (const tenant of await this.repo.tenantsWithQueuedWork()) await this.dispatchTenant(tenant);
  }

  private async dispatchTenant(tenant: string): Promise<void> {
    const now = Date.now();
    const settings = resolveSettings(await this.repo.settings(tenant));
    const [queueRows, agentRows, waitingRows, loads, occupancy] = await Promise.all([
      this.repo.queues(tenant),
      this.repo.agents(tenant),
      this.repo.queuedInteractions(tenant),
      this.hot.loads(tenant),
      this.repo.occupancy(tenant, settings.occupancyWindowMinutes),
    ]);
    const queues = new Map(queueRows.map((q) => [q.id, toQueueSnapshot(q)]));
    const queueRowById = new Map(queueRows.map((q) => [q.id, q]));
    const customers = [...new Set(waitingRows.map((i) => i.customer_id))];
    const [flags, sticky] = await Promise.all([
      this.repo.customerFlags(tenant, customers),
      settings.stickyEnabled ? this.repo.stickyAgents(tenant, customers, settings.stickyDays) : Promise.resolve(new Map<string, string>()),
    ]);
    const agents: AgentSnapshot[] = agentRows.map((a) => toAgentSnapshot(a, loads.get(a.id) ?? {}, occupancy.get(a.id) ?? 0));
    const waiting = waitingRows.map((i) => toInteractionSnapshot(i, flags.get(i.customer_id), sticky.get(i.customer_id)));
    const channelsWithWork = [...new Set(waiting.map((i) => i.channel))];
    const overflowStep = new Map(waitingRows.map((i) => [i.id, i.overflow_step]));

    for (const interaction of serveOrder(waiting, queues, settings, now)) {
      const queue = queues.get(interaction.queueId);
      const queueRow = queueRowById.get(interaction.queueId);
      if (!queue || !queueRow) continue;
      const started = process.hrtime.bigint();
      const decision = decide({ queue, interaction, agents, settings, now: Date.now(), channelsWithWork });
      this.latency.observe(Number(process.hrtime.bigint() - started) / 1e9);
      const events: AnyCloudEvent[] = [];
      if (decision.overflowStep > (overflowStep.get(interaction.id) ?? 0)) {
        events.push(routingEvent('routing.escalated', tenant, {
          interactionId: interaction.id, queueId: queue.id, step: decision.overflowStep - 1, waitMs: decision.waitMs, reason: 'overflow',
        }));
      }
      if (!decision.winner) {
        if (events.length > 0) await this.recordWithoutOffer(tenant, interaction, decision, events);
        continue;
      }
      const agent = agents.find((a) => a.id === decision.winner);
      if (!agent) continue;
      const offerId = globalThis.crypto.randomUUID();
      const work = { tenant, agentId: agent.id, interactionId: interaction.id, channel: interaction.channel, offerId };
      const reserved = await this.hot.reserve(work, agent.capacity[interaction.channel] ?? 0);
      if (reserved === 'not_ready') return;
      if (reserved === 'already_claimed') await this.repairStaleClaim(tenant, interaction.id);
      if (reserved !== 'reserved') continue;
      const expiresAt = new Date(Date.now() + queueRow.offer_timeout_seconds * 1000);
      const explanation = explain(decision);
      const committed = await this.repo.dataSource.transaction(async (m) => {
        const claimed = await this.repo.updateInteraction(m, tenant, interaction.id, { status: 'offered', overflow_step: decision.overflowStep }, ['queued']);
        if (!claimed) return false;
        await this.repo.insertOffer(m, { id: offerId, tenant, interaction_id: interaction.id, agent_id: agent.id, queue_id: queue.id, channel: interaction.channel, expires_at: expiresAt });
        await this.repo.insertDecision(m, tenant, interaction.id, { ...explanation, offerId, waitMs: decision.waitMs });
        events.push(routingEvent('routing.offered', tenant, {
          interactionId: interaction.id, queueId: queue.id, offerId, agentId: agent.id, expiresAt: expiresAt.toISOString(),
          explanation, waitMs: decision.waitMs, customerId: interaction.customerId, channel: interaction.channel,
        }));
        await this.outbox.enqueue(m, events);
        return true;
      });
      if (!committed) {
        await this.hot.release(work);
        continue;
      }
      agent.load = { ...agent.load, [interaction.channel]: (agent.load[interaction.channel] ?? 0) + 1 };
      agent.lastOfferedAt = Date.now();
      this.outbox.kick();
    }
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

  private async recordWithoutOffer(tenant: string, interaction: InteractionSnapshot, decision: Decision, events: AnyCloudEvent[]): Promise<void> {
    await this.repo.dataSource.transaction(async (m) => {
      await this.repo.updateInteraction(m, tenant, interaction.id, { overflow_step: decision.overflowStep }, ['queued']);
      await this.repo.insertDecision(m, tenant, interaction.id, { ...explain(decision), waitMs: decision.waitMs });
      await this.outbox.enqueue(m, events);
    });
    this.outbox.kick();
  }
}

/** The decision as carried in `routing.offered.explanation` and the decision log (best candidates first). */
export function explain(decision: Decision): RoutingExplanation {
  const ranked = [...decision.candidates].sort(
    (a, b) => Number(b.agentId === decision.winner) - Number(a.agentId === decision.winner) || Number(b.eligible) - Number(a.eligible) || a.tier - b.tier || b.score - a.score,
  );
  return {
    strategy: decision.strategy,
    ...(decision.winner ? { winner: decision.winner } : {}),
    candidates: ranked.slice(0, EXPLAIN_CANDIDATES).map((c) => ({ agentId: c.agentId, score: c.score, eligible: c.eligible, reasons: c.reasons.slice(0, 50) })),
    rules: decision.rules.map((r) => ({ ...r })),
    considered: decision.candidates.length,
    overflowStep: decision.overflowStep,
  };
}
