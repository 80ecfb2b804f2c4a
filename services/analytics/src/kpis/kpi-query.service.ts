import { Inject, Injectable } from '@nestjs/common';
import type { AgentState, KpiSnapshotData, KpiWindow } from '@switchboard/contracts';
import { SERVICE_ENV } from '@switchboard/platform';
import type { AnalyticsEnv } from '../config/analytics.config';
import { breaches, occupancy, staffingFor, toKpis, type SlaTarget } from './kpi-model';
import { KpiRepository, type QueueRecord } from './kpi.repository';

/** A queue's KPIs: the `analytics.kpi_snapshot` payload plus the target it is measured against. */
export type QueueKpis = KpiSnapshotData & { queueId: string; target: SlaTarget; targetIsDefault: boolean; breached: boolean };

export interface AgentKpis {
  agentId: string;
  state: AgentState;
  since: string;
  /** (busy + wrap-up) / logged-in time within the window; absent when not logged in during it. */
  occupancy?: number;
  /** Seconds per state within the window. */
  seconds: Partial<Record<AgentState, number>>;
}

export interface KpiOverview {
  window: KpiWindow;
  tenant: KpiSnapshotData;
  queues: QueueKpis[];
  agents: AgentKpis[];
}

const DAY_MS = 86_400_000;

/** Computes the KPIs of a tenant, its queues and its agents over a window from the stored facts. */
@Injectable()
export class KpiQueryService {
  readonly defaultTarget: SlaTarget;

  constructor(
    private readonly repository: KpiRepository,
    @Inject(SERVICE_ENV) env: AnalyticsEnv,
  ) {
    this.defaultTarget = { percent: env.ANALYTICS_SLA_PERCENT, seconds: env.ANALYTICS_SLA_SECONDS };
  }

  async overview(tenant: string, window: KpiWindow): Promise<KpiOverview> {
    const queues = await this.repository.queues(tenant);
    const [tenantKpis, queueKpis, agents] = await Promise.all([
      this.tenantKpis(tenant, window),
      Promise.all(queues.map((queue) => this.queueKpis(tenant, queue, window))),
      this.agents(tenant, window),
    ]);
    return { window, tenant: tenantKpis, queues: queueKpis, agents };
  }

  async tenantKpis(tenant: string, window: KpiWindow): Promise<KpiSnapshotData> {
    const { from, to } = dates(window);
    const [contacts, times, states] = await Promise.all([
      this.repository.contactAggregates(tenant, undefined, from, to, this.defaultTarget.seconds),
      this.repository.agentTime(tenant, from, to),
      this.repository.statesAt(tenant, to),
    ]);
    return { scope: 'tenant', window, kpis: toKpis(contacts, times, states) };
  }

  /** The queue's KPIs; undefined for a queue never seen and without a target. */
  async findQueue(tenant: string, queueId: string, window: KpiWindow): Promise<QueueKpis | undefined> {
    const [queue] = await this.repository.queues(tenant, queueId);
    return queue && this.queueKpis(tenant, queue, window);
  }

  /** A queue's agents are those who answered one of its contacts in the 24 h before the window's end. */
  async queueKpis(tenant: string, queue: QueueRecord, window: KpiWindow): Promise<QueueKpis> {
    const { from, to } = dates(window);
    const target = queue.target ?? this.defaultTarget;
    const agentIds = await this.repository.queueAgents(tenant, queue.queueId, new Date(to.getTime() - DAY_MS), to);
    const [contacts, times, states] = await Promise.all([
      this.repository.contactAggregates(tenant, queue.queueId, from, to, this.defaultTarget.seconds),
      agentIds.length === 0 ? [] : this.repository.agentTime(tenant, from, to, agentIds),
      agentIds.length === 0 ? [] : this.repository.statesAt(tenant, to, agentIds),
    ]);
    const kpis = toKpis(contacts, times, states);
    const staffing = staffingFor(kpis, window, target);
    return {
      scope: 'queue',
      queueId: queue.queueId,
      window,
      kpis,
      ...(staffing === undefined ? {} : { staffing }),
      target,
      targetIsDefault: queue.target === undefined,
      breached: breaches(kpis, target),
    };
  }

  async agents(tenant: string, window: KpiWindow): Promise<AgentKpis[]> {
    const { from, to } = dates(window);
    const [times, states] = await Promise.all([this.repository.agentTime(tenant, from, to), this.repository.statesAt(tenant, to)]);
    const timeOf = new Map(times.map((time) => [time.agentId, time]));
    return states.map((state) => {
      const time = timeOf.get(state.agentId);
      const occ = time === undefined ? undefined : occupancy([time]);
      return {
        agentId: state.agentId,
        state: state.state,
        since: state.since.toISOString(),
        ...(occ === undefined ? {} : { occupancy: occ }),
        seconds: time?.seconds ?? {},
      };
    });
  }
}

function dates(window: KpiWindow): { from: Date; to: Date } {
  return { from: new Date(window.from), to: new Date(window.to) };
}
