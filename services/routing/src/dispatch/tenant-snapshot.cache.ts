import { Inject, Injectable } from '@nestjs/common';
import { SERVICE_ENV } from '@switchboard/platform';
import type { RoutingEnv } from '../config/routing.config';
import type { AgentSnapshot, QueueSnapshot, RoutingSettings } from '../engine/engine.types';
import { DispatchRepository } from './dispatch-repository';
import type { QueueRow } from '../persistence/rows';
import { resolveSettings } from '../settings/settings.schema';
import { toQueueSnapshot } from './snapshot';

/** An agent as the snapshot holds it: everything but what the hot state and occupancy add each round. */
export type AgentBase = Omit<AgentSnapshot, 'load' | 'occupancy' | 'lastOfferedAt'>;

/** A tenant's agents, queues and settings as of one version. */
export interface TenantSnapshot {
  version: string | null;
  loadedAt: number;
  settings: RoutingSettings;
  queues: Map<string, { row: QueueRow; snapshot: QueueSnapshot }>;
  agents: AgentBase[];
}

/**
 * Per-tenant snapshot of agents (configuration and presence), queues and settings, kept in memory between decision
 * rounds. Every change to them bumps the tenant's version key in Redis after it commits; a round reads the version in
 * the same round trip as the loads and reloads from Postgres only when it moved (or, as a safety net, when the snapshot
 * is older than `ROUTING_SNAPSHOT_MAX_AGE_MS`), so all replicas decide on the same state. Rolling occupancy (a
 * 60-minute window) is refreshed every `ROUTING_OCCUPANCY_REFRESH_MS`.
 */
@Injectable()
export class TenantSnapshotCache {
  private readonly snapshots = new Map<string, TenantSnapshot>();
  private readonly occupancies = new Map<string, { at: number; windowMinutes: number; values: Map<string, number> }>();

  constructor(
    private readonly repo: DispatchRepository,
    @Inject(SERVICE_ENV) private readonly env: RoutingEnv,
  ) {}

  async get(tenant: string, version: string | null): Promise<TenantSnapshot> {
    const cached = this.snapshots.get(tenant);
    if (cached && cached.version === version && Date.now() - cached.loadedAt < this.env.ROUTING_SNAPSHOT_MAX_AGE_MS) return cached;
    const loadedAt = Date.now();
    const [settings, queueRows, agentRows] = await Promise.all([this.repo.settings(tenant), this.repo.queues(tenant), this.repo.agents(tenant)]);
    const snapshot: TenantSnapshot = {
      version,
      loadedAt,
      settings: resolveSettings(settings),
      queues: new Map(queueRows.map((q) => [q.id, { row: q, snapshot: toQueueSnapshot(q) }])),
      agents: agentRows.map((a) => ({
        id: a.id,
        state: a.state,
        stateSince: a.state_since.getTime(),
        skills: a.skills,
        languages: a.languages,
        capacity: a.capacity,
        startedAt: a.started_at?.getTime(),
        strainLevel: a.strain_level,
      })),
    };
    this.snapshots.set(tenant, snapshot);
    return snapshot;
  }

  /** The tenant's snapshot held now, whatever its version (undefined before the first round). */
  peek(tenant: string): TenantSnapshot | undefined {
    return this.snapshots.get(tenant);
  }

  /** Forgets a tenant's snapshot: the next round reloads it. */
  invalidate(tenant: string): void {
    this.snapshots.delete(tenant);
  }

  /**
   * The tenant's occupancy changed here (an offer was accepted): when one of its queues ranks by occupancy
   * (`least-occupancy`), or its queues are not known here yet, the next round reads it afresh. Otherwise only the
   * occupancy cap reads it, which a figure up to `ROUTING_OCCUPANCY_REFRESH_MS` old serves as well (an accepted
   * interaction adds to the rolling window second by second, not at once): re-reading it after every accept would scan
   * the tenant's last hour of interactions on nearly every round.
   */
  forgetOccupancy(tenant: string): void {
    const queues = this.snapshots.get(tenant)?.queues;
    if (queues && ![...queues.values()].some((q) => q.row.strategy === 'least-occupancy')) return;
    this.occupancies.delete(tenant);
  }

  async occupancy(tenant: string, windowMinutes: number): Promise<Map<string, number>> {
    const cached = this.occupancies.get(tenant);
    if (cached && cached.windowMinutes === windowMinutes && Date.now() - cached.at < this.env.ROUTING_OCCUPANCY_REFRESH_MS) return cached.values;
    const at = Date.now();
    const values = await this.repo.occupancy(tenant, windowMinutes);
    this.occupancies.set(tenant, { at, windowMinutes, values });
    return values;
  }
}
