/** An agent's last answer of one of a queue's contacts. */
export interface QueueAgentAnswer {
  queueId: string;
  agentId: string;
  /** When the agent last answered one of the queue's contacts in the range read (epoch ms). */
  lastMs: number;
}

/** Reads each queue's agents with their last answer in [from, to). */
export type ReadQueueAgents = (tenant: string, from: Date, to: Date) => Promise<QueueAgentAnswer[]>;

const DAY_MS = 86_400_000;
/** A fact stored up to this long after its answer is still found by the next read (each read goes back this far). */
export const LATE_MS = 5 * 60_000;
/** The whole day is read again at least this often (what arrived later than `LATE_MS` shows up then). */
export const FULL_READ_EVERY_MS = 10 * 60_000;

interface TenantAgents {
  /** The end of the last range read (epoch ms). */
  through: number;
  /** When the whole day was last read (the `to` of that read). */
  fullAt: number;
  /** Per queue, each agent's last answer. */
  last: Map<string, Map<string, number>>;
}

/**
 * Each queue's agents — those who answered one of its contacts in the 24 hours before a moment — for moments that move
 * forward (live snapshots end now): the first read takes the day, later ones only what was answered since the last
 * read (going back `LATE_MS` for facts stored late) and forget the answers that fell out of the 24 hours. Reading the
 * day each time cost about a second at 20 contacts/s (1.7 million contacts a day), many times the rest of a snapshot.
 */
export class RecentQueueAgents {
  private readonly tenants = new Map<string, TenantAgents>();

  constructor(private readonly read: ReadQueueAgents) {}

  /**
   * Answers this process has just stored (whatever their time): they count from the next read on, even when stored
   * later than `LATE_MS` after they happened (a backlog, a replay). Another replica's are found by the reads.
   */
  note(tenant: string, answers: readonly QueueAgentAnswer[]): void {
    const entry = this.tenants.get(tenant);
    if (entry) merge(entry, answers);
  }

  /** Each queue's agents in the 24 hours before `to`. */
  async at(tenant: string, to: Date): Promise<Map<string, string[]>> {
    const toMs = to.getTime();
    const known = this.tenants.get(tenant);
    const full = !known || toMs - known.fullAt >= FULL_READ_EVERY_MS || toMs < known.through - LATE_MS;
    const from = full ? toMs - DAY_MS : Math.max(toMs - DAY_MS, known.through - LATE_MS);
    const rows = await this.read(tenant, new Date(from), to);
    const entry: TenantAgents = full || !known ? { through: toMs, fullAt: toMs, last: new Map() } : known;
    merge(entry, rows);
    entry.through = Math.max(entry.through, toMs);
    this.tenants.set(tenant, entry);
    const out = new Map<string, string[]>();
    for (const [queueId, agents] of entry.last) {
      for (const [agentId, lastMs] of agents) if (lastMs < toMs - DAY_MS) agents.delete(agentId);
      if (agents.size === 0) entry.last.delete(queueId);
      else out.set(queueId, [...agents.keys()]);
    }
    return out;
  }
}

function merge(entry: TenantAgents, answers: readonly QueueAgentAnswer[]): void {
  for (const answer of answers) {
    const agents = entry.last.get(answer.queueId) ?? new Map<string, number>();
    agents.set(answer.agentId, Math.max(agents.get(answer.agentId) ?? answer.lastMs, answer.lastMs));
    entry.last.set(answer.queueId, agents);
  }
}
