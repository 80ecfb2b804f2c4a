import { FULL_READ_EVERY_MS, LATE_MS, RecentQueueAgents, type QueueAgentAnswer } from './recent-queue-agents';

const DAY_MS = 86_400_000;
const T0 = Date.parse('2026-03-02T12:00:00.000Z');

/** Tenant `t`'s answers stored so far; the reader returns each (queue, agent)'s last answer in the range, as the repository does. */
function store() {
  const answers: { queueId: string; agentId: string; at: number }[] = [];
  const reads: { from: number; to: number }[] = [];
  const read = async (tenant: string, from: Date, to: Date): Promise<QueueAgentAnswer[]> => {
    reads.push({ from: from.getTime(), to: to.getTime() });
    if (tenant !== 't') return [];
    const last = new Map<string, QueueAgentAnswer>();
    for (const a of answers) {
      if (a.at < from.getTime() || a.at >= to.getTime()) continue;
      const key = `${a.queueId}/${a.agentId}`;
      if ((last.get(key)?.lastMs ?? -Infinity) < a.at) last.set(key, { queueId: a.queueId, agentId: a.agentId, lastMs: a.at });
    }
    return [...last.values()];
  };
  return { answers, reads, read };
}

const sorted = (map: Map<string, string[]>) => Object.fromEntries([...map].map(([q, agents]) => [q, [...agents].sort()]).sort());

describe('RecentQueueAgents', () => {
  it('reads the day once, then only what was answered since (going back for late facts), with the same answer as a full read', async () => {
    const s = store();
    s.answers.push({ queueId: 'q1', agentId: 'a1', at: T0 - 3_600_000 }, { queueId: 'q2', agentId: 'a2', at: T0 - 60_000 });
    const agents = new RecentQueueAgents(s.read);
    expect(sorted(await agents.at('t', new Date(T0)))).toEqual({ q1: ['a1'], q2: ['a2'] });
    expect(s.reads[0]).toEqual({ from: T0 - DAY_MS, to: T0 });

    // A new answer, and one stored late (answered before the last read's end).
    s.answers.push({ queueId: 'q1', agentId: 'a3', at: T0 + 1_000 }, { queueId: 'q2', agentId: 'a4', at: T0 - 30_000 });
    expect(sorted(await agents.at('t', new Date(T0 + 2_000)))).toEqual({ q1: ['a1', 'a3'], q2: ['a2', 'a4'] });
    expect(s.reads[1]).toEqual({ from: T0 - LATE_MS, to: T0 + 2_000 });
    // The same as reading the whole day.
    expect(sorted(await agents.at('t', new Date(T0 + 3_000)))).toEqual(sorted(await new RecentQueueAgents(s.read).at('t', new Date(T0 + 3_000))));
  });

  it('counts answers this process stored late at once (a backlog), before the next whole-day read', async () => {
    const s = store();
    const agents = new RecentQueueAgents(s.read);
    expect(sorted(await agents.at('t', new Date(T0)))).toEqual({});
    // Answered an hour ago, stored only now: older than the reads look back.
    const late = { queueId: 'q1', agentId: 'late', at: T0 - 3_600_000 };
    s.answers.push(late);
    expect(sorted(await agents.at('t', new Date(T0 + 1_000)))).toEqual({});
    agents.note('t', [{ queueId: late.queueId, agentId: late.agentId, lastMs: late.at }]);
    agents.note('unknown tenant', [{ queueId: 'q9', agentId: 'x', lastMs: T0 }]);
    expect(sorted(await agents.at('t', new Date(T0 + 2_000)))).toEqual({ q1: ['late'] });
    expect(sorted(await agents.at('unknown tenant', new Date(T0 + 2_000)))).toEqual({});
  });

  it('forgets an agent whose last answer left the 24 hours, and keeps one who answered again', async () => {
    const s = store();
    s.answers.push({ queueId: 'q1', agentId: 'old', at: T0 - DAY_MS + 1_000 }, { queueId: 'q1', agentId: 'again', at: T0 - DAY_MS + 1_000 });
    const agents = new RecentQueueAgents(s.read);
    expect(sorted(await agents.at('t', new Date(T0)))).toEqual({ q1: ['again', 'old'] });
    s.answers.push({ queueId: 'q1', agentId: 'again', at: T0 + 1_000 });
    expect(sorted(await agents.at('t', new Date(T0 + 5_000)))).toEqual({ q1: ['again'] });
    // Nobody left in the queue: the queue has no agents.
    expect(sorted(await agents.at('t', new Date(T0 + DAY_MS + 5_000)))).toEqual({});
  });

  it('reads the whole day again every ten minutes, and for a moment before what it has read', async () => {
    const s = store();
    const agents = new RecentQueueAgents(s.read);
    await agents.at('t', new Date(T0));
    await agents.at('t', new Date(T0 + 1_000));
    await agents.at('t', new Date(T0 + FULL_READ_EVERY_MS));
    await agents.at('t', new Date(T0 - LATE_MS - 1));
    expect(s.reads.map((r) => r.to - r.from)).toEqual([DAY_MS, 1_000 + LATE_MS, DAY_MS, DAY_MS]);
    // Tenants are kept apart.
    await agents.at('other', new Date(T0 + 1_000));
    expect(s.reads[4]).toEqual({ from: T0 + 1_000 - DAY_MS, to: T0 + 1_000 });
  });
});
