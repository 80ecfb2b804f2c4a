import { Inject, Injectable, Logger, OnApplicationBootstrap, BeforeApplicationShutdown } from '@nestjs/common';
import { createEvent, type AnyCloudEvent, type KpiSnapshotData, type KpiWindow } from '@switchboard/contracts';
import { CoalescingRunner, errorMessage, EventPublisher, Outbox, REDIS, SERVICE_ENV } from '@switchboard/platform';
import type { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import { SERVICE_SOURCE, type AnalyticsEnv } from '../config/analytics.config';
import { dayWindow, liveWindow } from './kpi-model';
import { KpiQueryService, type QueueKpis } from './kpi-query.service';
import { KpiRepository } from './kpi.repository';

const DAY_MS = 86_400_000;
/** A tenant's event-triggered live snapshots take at most 1/this of the time (the gap grows with their cost). */
const SNAPSHOT_GAP_PER_COST = 10;

/**
 * Least time between two event-triggered live snapshots of a tenant: the configured gap, or ten times what the last
 * one cost when that is longer (a machine short of CPU, a tenant of thousands of queues), so snapshots never crowd
 * out the consumers.
 */
export function snapshotGapMs(minGapMs: number, lastCostMs: number | undefined): number {
  return Math.max(minGapMs, Math.ceil((lastCostMs ?? 0) * SNAPSHOT_GAP_PER_COST));
}

/**
 * Publishes `analytics.kpi_snapshot` for each active tenant and its queues: the live window shortly after every event that
 * changes it (at most once per `ANALYTICS_KPI_MIN_GAP_MS`, or ten times the last snapshot's cost when longer, per tenant
 * across replicas, through a Redis lease), and the live and day windows of every active tenant every
 * `ANALYTICS_KPI_INTERVAL_MS` (one replica per period, also a lease). A queue
 * whose live service level falls below its target gets one `analytics.sla_breached` (outbox, with the flag's change); it
 * can breach again once it has recovered.
 */
@Injectable()
export class KpiSnapshotPublisher implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('KpiSnapshots');
  private readonly dirty = new Set<string>();
  private readonly dayDue = new Set<string>();
  /** What each tenant's last live snapshot cost (ms), for the gap before its next one. */
  private readonly lastCost = new Map<string, number>();
  private readonly runner = new CoalescingRunner(
    () => this.round(),
    (error) => this.logger.warn(`KPI snapshot round failed, will retry: ${errorMessage(error)}`),
  );
  private tickTimer: NodeJS.Timeout | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly queries: KpiQueryService,
    private readonly repository: KpiRepository,
    private readonly publisher: EventPublisher,
    private readonly outbox: Outbox,
    private readonly dataSource: DataSource,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(SERVICE_ENV) private readonly env: AnalyticsEnv,
  ) {}

  onApplicationBootstrap(): void {
    this.tickTimer = setInterval(() => void this.tick(), this.env.ANALYTICS_KPI_INTERVAL_MS);
    this.tickTimer.unref();
    void this.tick();
  }

  /** Before the data source is destroyed (in `onApplicationShutdown`): a round in flight finishes on open connections. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.tickTimer);
    clearTimeout(this.retryTimer);
    await this.runner.stop();
  }

  /** The tenant's KPIs changed: publish its live snapshot soon. */
  touch(tenant: string): void {
    this.dirty.add(tenant);
    this.runner.kick();
  }

  /** Marks every active tenant for live and day snapshots, on one replica per period. */
  private async tick(): Promise<void> {
    try {
      const lease = await this.redis.set('kpi:tick', '1', 'PX', Math.max(50, this.env.ANALYTICS_KPI_INTERVAL_MS - 50), 'NX');
      if (lease === null || this.stopped) return;
      for (const tenant of await this.repository.activeTenants(new Date(Date.now() - DAY_MS))) {
        this.dirty.add(tenant);
        this.dayDue.add(tenant);
      }
      this.runner.kick();
    } catch (error) {
      this.logger.warn(`KPI tick failed: ${errorMessage(error)}`);
    }
  }

  private async round(): Promise<void> {
    let retryInMs: number | undefined;
    for (const tenant of [...this.dirty]) {
      if (this.runner.isStopped) return;
      const gap = snapshotGapMs(this.env.ANALYTICS_KPI_MIN_GAP_MS, this.lastCost.get(tenant));
      const lease = await this.redis.set(`kpi:snapshot:${tenant}`, '1', 'PX', gap, 'NX');
      if (lease === null) {
        const ttl = await this.redis.pttl(`kpi:snapshot:${tenant}`);
        retryInMs = Math.min(retryInMs ?? Infinity, Math.max(10, ttl));
        continue;
      }
      this.dirty.delete(tenant);
      const withDay = this.dayDue.delete(tenant);
      await this.publishTenant(tenant, withDay);
    }
    if (retryInMs !== undefined && !this.stopped) {
      clearTimeout(this.retryTimer);
      this.retryTimer = setTimeout(() => this.runner.kick(), retryInMs);
      this.retryTimer.unref();
    }
  }

  private async publishTenant(tenant: string, withDay: boolean): Promise<void> {
    const now = new Date();
    const started = performance.now();
    const live = await this.queries.overview(tenant, liveWindow(now, this.env.ANALYTICS_KPI_WINDOW_MINUTES));
    this.lastCost.set(tenant, performance.now() - started);
    const events = [this.snapshot(tenant, live.tenant), ...live.queues.map((queue) => this.snapshot(tenant, queueSnapshot(queue)))];
    if (withDay) {
      const day = await this.queries.overview(tenant, dayWindow(now));
      events.push(this.snapshot(tenant, day.tenant), ...day.queues.map((queue) => this.snapshot(tenant, queueSnapshot(queue))));
    }
    await this.publisher.publishMany(events);
    await this.announceBreaches(tenant, live.window, live.queues);
  }

  /** Every queue's breach flag in one statement; a queue that has just breached gets its event in the same transaction. */
  private async announceBreaches(tenant: string, window: KpiWindow, queues: readonly QueueKpis[]): Promise<void> {
    if (queues.length === 0) return;
    const enqueued = await this.dataSource.transaction(async (manager) => {
      const changed = await this.repository.setBreached(manager, tenant, queues.map((q) => ({ queueId: q.queueId, breached: q.breached })));
      const breaches: AnyCloudEvent[] = [];
      for (const queue of queues) {
        if (!changed.has(queue.queueId) || !queue.breached || queue.kpis.serviceLevel === undefined) continue;
        breaches.push(createEvent({
          type: 'analytics.sla_breached',
          tenantid: tenant,
          source: SERVICE_SOURCE,
          data: {
            queueId: queue.queueId,
            serviceLevel: queue.kpis.serviceLevel,
            target: queue.target,
            window,
            offered: queue.kpis.offered,
            answered: queue.kpis.answered,
            abandoned: queue.kpis.abandoned,
          },
        }));
      }
      await this.outbox.enqueue(manager, breaches);
      return breaches.length > 0;
    });
    if (enqueued) this.outbox.kick();
  }

  private snapshot(tenant: string, data: KpiSnapshotData): AnyCloudEvent {
    return createEvent({ type: 'analytics.kpi_snapshot', tenantid: tenant, source: SERVICE_SOURCE, data });
  }
}

/** The contract's snapshot of a queue (without the HTTP extras). */
export function queueSnapshot(queue: QueueKpis): KpiSnapshotData {
  return {
    scope: 'queue',
    queueId: queue.queueId,
    window: queue.window,
    kpis: queue.kpis,
    ...(queue.staffing === undefined ? {} : { staffing: queue.staffing }),
  };
}
