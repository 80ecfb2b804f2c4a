import { Inject, Injectable } from '@nestjs/common';
import type { AgentState, KpiSnapshotData, KpiWindow } from '@switchboard/contracts';
import { SERVICE_ENV } from '@switchboard/platform';
import type { AnalyticsEnv } from '../config/analytics.config';
import { breaches, occupancy, staffingFor, toKpis, type AgentTime, type ContactAggregates, type SlaTarget } from './kpi-model';
import { KpiRepository, type AgentStateNow, type QueueRecord } from './kpi.repository';
import { RecentQueueAgents } from './recent-queue-agents';

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
const MINUTE_MS = 60_000;

/** One minute of a tenant's last hour or so: contacts offered, answered and abandoned in it, and the live service level then. */
export interface MinuteHistory {
  minute: string;
  offered: number;
  answered: number;
  abandoned: number;
  /** Of the live window ending with this minute; absent when nothing was answered or abandoned in it. */
  serviceLevel?: number;
}
/** A window ending this close to now ends now (a live or today's snapshot): its queues' agents come from `RecentQueueAgents`. */
const ENDS_NOW_MS = 5_000;

/** Computes the KPIs of a tenant, its queues and its agents over a window from the stored facts. */
@Injectable()
export class KpiQueryService {
  readonly defaultTarget: SlaTarget;

  constructor(
    private readonly repository: KpiRepository,
    private readonly recentAgents: RecentQueueAgents,
    @Inject(SERVICE_ENV) env: AnalyticsEnv,
  ) {
    this.defaultTarget = { percent: env.ANALYTICS_SLA_PERCENT, seconds: env.ANALYTICS_SLA_SECONDS };
  }

  /** The tenant's, every queue's and every agent's KPIs, from one read of each source. */
  async overview(tenant: string, window: KpiWindow): Promise<KpiOverview> {
    const { from, to } = dates(window);
    const [queues, contacts, agentsByQueue, times, states] = await Promise.all([
      this.repository.queues(tenant),
      this.repository.contactAggregatesByQueue(tenant, undefined, from, to),
      Math.abs(Date.now() - to.getTime()) <= ENDS_NOW_MS
        ? this.recentAgents.at(tenant, to)
        : this.repository.queueAgents(tenant, undefined, new Date(to.getTime() - DAY_MS), to),
      this.repository.agentTime(tenant, from, to),
      this.repository.statesAt(tenant, to),
    ]);
    return {
      window,
      tenant: { scope: 'tenant', window, kpis: toKpis(contacts.all, times, states) },
      queues: queues.map((queue) =>
        this.queueFrom(queue, window, contacts.queues.get(queue.queueId) ?? contacts.none, agentsByQueue.get(queue.queueId) ?? [], times, states),
      ),
      agents: agentsFrom(times, states),
    };
  }

  /** The queue's KPIs; undefined for a queue never seen and without a target. */
  async findQueue(tenant: string, queueId: string, window: KpiWindow): Promise<QueueKpis | undefined> {
    const [queue] = await this.repository.queues(tenant, queueId);
    if (!queue) return undefined;
    const { from, to } = dates(window);
    const [contacts, agentsByQueue] = await Promise.all([
      this.repository.contactAggregatesByQueue(tenant, queueId, from, to),
      this.repository.queueAgents(tenant, queueId, new Date(to.getTime() - DAY_MS), to),
    ]);
    const agentIds = agentsByQueue.get(queueId) ?? [];
    const [times, states] = agentIds.length === 0 ? [[], []] : await Promise.all([
      this.repository.agentTime(tenant, from, to, agentIds),
      this.repository.statesAt(tenant, to, agentIds),
    ]);
    return this.queueFrom(queue, window, contacts.all, agentIds, times, states);
  }

  /**
   * The last `minutes` minutes (the current one included), each with the contacts offered in it and the service level
   * of the live window that ends with it (its `windowMinutes` whole minutes before and itself), as the live snapshots of
   * that minute measure it with what is known now.
   */
  async history(tenant: string, now: Date, minutes: number, windowMinutes: number): Promise<MinuteHistory[]> {
    const current = Math.floor(now.getTime() / MINUTE_MS) * MINUTE_MS;
    const first = current - (minutes - 1) * MINUTE_MS;
    const counts = await this.repository.minuteCounts(tenant, new Date(first - windowMinutes * MINUTE_MS), now);
    const byMinute = new Map(counts.map((row) => [row.minute.getTime(), row]));
    const result: MinuteHistory[] = [];
    for (let minute = first; minute <= current; minute += MINUTE_MS) {
      let within = 0;
      let decided = 0;
      for (let m = minute - windowMinutes * MINUTE_MS; m <= minute; m += MINUTE_MS) {
        const row = byMinute.get(m);
        if (row) {
          within += row.answeredWithin;
          decided += row.answered + row.abandoned;
        }
      }
      const row = byMinute.get(minute);
      result.push({
        minute: new Date(minute).toISOString(),
        offered: row?.offered ?? 0,
        answered: row?.answered ?? 0,
        abandoned: row?.abandoned ?? 0,
        ...(decided > 0 ? { serviceLevel: Math.round((within / decided) * 10_000) / 10_000 } : {}),
      });
    }
    return result;
  }

  async agents(tenant: string, window: KpiWindow): Promise<AgentKpis[]> {
    const { from, to } = dates(window);
    const [times, states] = await Promise.all([this.repository.agentTime(tenant, from, to), this.repository.statesAt(tenant, to)]);
    return agentsFrom(times, states);
  }

  /** A queue's agents are those who answered one of its contacts in the 24 h before the window's end. */
  private queueFrom(
    queue: QueueRecord,
    window: KpiWindow,
    contacts: ContactAggregates,
    agentIds: readonly string[],
    times: readonly AgentTime[],
    states: readonly AgentStateNow[],
  ): QueueKpis {
    const target = queue.target ?? this.defaultTarget;
    const ids = new Set(agentIds);
    const kpis = toKpis(contacts, times.filter((t) => ids.has(t.agentId)), states.filter((s) => ids.has(s.agentId)));
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
}

function agentsFrom(times: readonly AgentTime[], states: readonly AgentStateNow[]): AgentKpis[] {
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

function dates(window: KpiWindow): { from: Date; to: Date } {
  return { from: new Date(window.from), to: new Date(window.to) };
}
