import type { AgentState } from '@switchboard/contracts';
import { AGENT_BUCKETS, type AgentBucket } from './kpi-sql';

/** Seconds one agent spent in one state within one bucket (a minute or an hour). */
export interface AgentSecondsRow {
  tenant: string;
  agentId: string;
  state: AgentState;
  bucket: Date;
  seconds: number;
}

/**
 * The change a batch makes to the agents' time per state and bucket (docs/kpis.md): an ended span's time is split over
 * the minutes and hours it overlaps; a span that ends adds its time, a late change that cuts an ended span short takes
 * the cut part away. Open spans count at read time.
 */
export class AgentSecondsDeltas {
  private readonly buckets: Record<AgentBucket, Map<string, AgentSecondsRow>> = { minute: new Map(), hour: new Map() };

  /** Adds (`sign` 1) or takes away (-1) the time of [from, to) in `state`. */
  add(tenant: string, agentId: string, state: AgentState, from: Date, to: Date, sign: 1 | -1): void {
    if (to.getTime() <= from.getTime()) return;
    for (const bucket of Object.keys(AGENT_BUCKETS) as AgentBucket[]) {
      const size = AGENT_BUCKETS[bucket] * 1000;
      for (let start = Math.floor(from.getTime() / size) * size; start < to.getTime(); start += size) {
        const seconds = (Math.min(to.getTime(), start + size) - Math.max(from.getTime(), start)) / 1000;
        const key = `${tenant}\u0000${agentId}\u0000${state}\u0000${start}`;
        const row = this.buckets[bucket].get(key);
        if (row) row.seconds += sign * seconds;
        else this.buckets[bucket].set(key, { tenant, agentId, state, bucket: new Date(start), seconds: sign * seconds });
      }
    }
  }

  /** The changes of one bucket size, in a stable order (tenant, bucket, agent, state). */
  rows(bucket: AgentBucket): AgentSecondsRow[] {
    const order = (row: AgentSecondsRow): string => `${row.tenant}\u0000${String(row.bucket.getTime()).padStart(16, '0')}\u0000${row.agentId}\u0000${row.state}`;
    return [...this.buckets[bucket].values()].filter((row) => Math.abs(row.seconds) > 1e-9).sort((a, b) => (order(a) < order(b) ? -1 : 1));
  }
}
