import { candidatePool } from './candidate-pool';
import { capacityVerdict } from './capacity';
import { decide, effectivePriority, overflowStepFor } from './decide';
import { DEFAULT_SETTINGS, type AgentSnapshot, type DecisionInput, type InteractionSnapshot, type QueueSnapshot } from './engine.types';

const NOW = Date.parse('2026-11-22T12:00:00Z');
const DAY = 86_400_000;

function agent(id: string, over: Partial<AgentSnapshot> = {}): AgentSnapshot {
  return {
    id,
    state: 'available',
    stateSince: NOW - 60_000,
    skills: { billing: 3 },
    languages: ['en'],
    capacity: { voice: 1, chat: 3, email: 5 },
    load: {},
    startedAt: NOW - 365 * DAY,
    strainLevel: 'ok',
    occupancy: 0.5,
    ...over,
  };
}

const queue: QueueSnapshot = { id: 'q', channel: 'voice', requiredSkills: { billing: 2 }, priority: 5, strategy: 'longest-idle', overflow: [] };
const interaction: InteractionSnapshot = {
  id: 'i',
  queueId: 'q',
  channel: 'voice',
  vip: false,
  queuedAt: NOW - 1000,
  customerId: 'c',
  volatile: false,
  abusive: false,
  declinedBy: [],
};

function run(over: Partial<DecisionInput> & { q?: Partial<QueueSnapshot>; i?: Partial<InteractionSnapshot> } = {}): ReturnType<typeof decide> {
  return decide({
    queue: { ...queue, ...over.q },
    interaction: { ...interaction, ...over.i },
    agents: over.agents ?? [],
    settings: over.settings ?? DEFAULT_SETTINGS,
    now: NOW,
    channelsWithWork: over.channelsWithWork ?? [],
  });
}

describe('decide', () => {
  it('longest-idle picks the agent idle longest', () => {
    const d = run({ agents: [agent('a', { stateSince: NOW - 10_000 }), agent('b', { stateSince: NOW - 90_000 })] });
    expect(d.winner).toBe('b');
    expect(d.candidates.find((c) => c.agentId === 'b')!.score).toBe(90);
  });

  it('longest-idle counts idle time from the last offer, and ranks agents with open work after idle ones, fewest first', () => {
    // Signed in long ago, offered a moment ago: idle for 5 s, not since the sign-in.
    const offered = agent('offered', { stateSince: NOW - 900_000, lastOfferedAt: NOW - 5_000 });
    const d = run({ agents: [offered, agent('idle', { stateSince: NOW - 20_000 })] });
    expect(d.winner).toBe('idle');
    expect(d.candidates.find((c) => c.agentId === 'offered')!.score).toBe(5);
    // Available with chats open (state unchanged since the sign-in): after any idle agent, then the least loaded.
    const chats = { q: { channel: 'chat' as const }, i: { channel: 'chat' as const } };
    const two = agent('two', { stateSince: NOW - 900_000, load: { chat: 2 } });
    const one = agent('one', { stateSince: NOW - 900_000, load: { chat: 1 } });
    expect(run({ ...chats, agents: [two, one, agent('fresh', { stateSince: NOW - 1_000 })] }).winner).toBe('fresh');
    expect(run({ ...chats, agents: [two, one] }).winner).toBe('one');
  });

  it('breaks ties between equally ranked agents by open work, then idle time, then id', () => {
    const q = { strategy: 'best-skill-match' as const, channel: 'chat' as const };
    const i = { channel: 'chat' as const };
    const busy = agent('a', { load: { chat: 2 } });
    expect(run({ q, i, agents: [busy, agent('b', { load: { chat: 1 } })] }).winner).toBe('b');
    const recent = agent('a', { lastOfferedAt: NOW - 1_000 });
    expect(run({ q, i, agents: [recent, agent('b', { lastOfferedAt: NOW - 30_000 })] }).winner).toBe('b');
    expect(run({ q, i, agents: [agent('b'), agent('a')] }).winner).toBe('a');
  });

  it('least-occupancy picks the least occupied agent', () => {
    const d = run({ q: { strategy: 'least-occupancy' }, agents: [agent('a', { occupancy: 0.2 }), agent('b', { occupancy: 0.6 })] });
    expect(d.winner).toBe('a');
  });

  it('best-skill-match picks the highest skill level', () => {
    const d = run({ q: { strategy: 'best-skill-match' }, agents: [agent('a', { skills: { billing: 2 } }), agent('b', { skills: { billing: 5 } })] });
    expect(d.winner).toBe('b');
  });

  it('round-robin picks the agent offered longest ago, never-offered first', () => {
    const agents = [agent('a', { lastOfferedAt: NOW - 5000 }), agent('b', { lastOfferedAt: NOW - 1000 }), agent('c')];
    expect(run({ q: { strategy: 'round-robin' }, agents }).winner).toBe('c');
    expect(run({ q: { strategy: 'round-robin' }, agents: agents.slice(0, 2) }).winner).toBe('a');
  });

  it('excludes agents that are not available, lack skills, language or capacity', () => {
    const d = run({
      i: { language: 'de-CH' },
      agents: [
        agent('off', { state: 'break', languages: ['de'] }),
        agent('weak', { skills: { billing: 1 }, languages: ['de'] }),
        agent('en', { languages: ['en'] }),
        agent('full', { languages: ['de'], load: { chat: 1 } }),
        agent('ok', { languages: ['de'] }),
      ],
    });
    expect(d.winner).toBe('ok');
    const reasons = Object.fromEntries(d.candidates.map((c) => [c.agentId, c.reasons.join('; ')]));
    expect(reasons['off']).toContain('state break');
    expect(reasons['weak']).toContain('skill billing 1 < 2');
    expect(reasons['en']).toContain('does not speak de-CH');
    expect(reasons['full']).toContain('busy on other channels');
  });

  it('overflow widens required skills after the wait', () => {
    const agents = [agent('junior', { skills: { billing: 1 } })];
    const q = { overflow: [{ afterSeconds: 30, minSkillLevel: 1 }] };
    expect(run({ q, agents }).winner).toBeUndefined();
    const later = run({ q, agents, i: { queuedAt: NOW - 31_000 } });
    expect(later.winner).toBe('junior');
    expect(later.overflowStep).toBe(1);
    expect(later.rules.find((r) => r.rule === 'overflow')?.outcome).toBe('step 1 applied');
    expect(overflowStepFor([{ afterSeconds: 10, minSkillLevel: 2 }, { afterSeconds: 20, minSkillLevel: 0 }], 25_000)).toBe(2);
  });

  it('sticky: offers the last agent, waits for them while busy, then releases', () => {
    const agents = [agent('x', { stateSince: NOW - 999_000 }), agent('sticky', { stateSince: NOW })];
    expect(run({ agents, i: { stickyAgentId: 'sticky' } }).winner).toBe('sticky');
    const busy = [agents[0]!, agent('sticky', { state: 'busy' })];
    const held = run({ agents: busy, i: { stickyAgentId: 'sticky' } });
    expect(held.winner).toBeUndefined();
    expect(held.heldForSticky).toBe(true);
    expect(run({ agents: busy, i: { stickyAgentId: 'sticky', queuedAt: NOW - 21_000 } }).winner).toBe('x');
    expect(run({ agents: busy, i: { stickyAgentId: 'sticky' }, settings: { ...DEFAULT_SETTINGS, stickyEnabled: false } }).winner).toBe('x');
  });

  it('strain guard keeps strained agents from volatile customers and moves them to waiting written work', () => {
    const agents = [agent('strained', { strainLevel: 'high', stateSince: NOW - 999_000 }), agent('calm')];
    expect(run({ agents, i: { volatile: true } }).winner).toBe('calm');
    expect(run({ agents, channelsWithWork: ['chat'] }).winner).toBe('calm');
    expect(run({ agents }).winner).toBe('strained');
    expect(run({ agents, i: { volatile: true }, settings: { ...DEFAULT_SETTINGS, strainGuardEnabled: false } }).winner).toBe('strained');
  });

  it('new hires are spared volatile customers only while experienced agents can take them', () => {
    const newbie = agent('new', { startedAt: NOW - 5 * DAY, stateSince: NOW - 999_000 });
    const d = run({ agents: [newbie, agent('vet')], i: { abusive: true } });
    expect(d.winner).toBe('vet');
    expect(d.rules.find((r) => r.rule === 'wellbeing.new_hire')?.outcome).toBe('excluded 1 agents');
    const alone = run({ agents: [newbie], i: { volatile: true } });
    expect(alone.winner).toBe('new');
    expect(alone.rules.find((r) => r.rule === 'wellbeing.new_hire')?.outcome).toBe('allowed: no experienced agent available');
  });

  it('occupancy above the cap lowers rank but does not exclude', () => {
    const busy = agent('busy', { occupancy: 0.95, stateSince: NOW - 999_000 });
    expect(run({ agents: [busy, agent('fresh')] }).winner).toBe('fresh');
    expect(run({ agents: [busy] }).winner).toBe('busy');
  });

  it('agents who declined the interaction go last', () => {
    const agents = [agent('a', { stateSince: NOW - 999_000 }), agent('b')];
    expect(run({ agents, i: { declinedBy: ['a'] } }).winner).toBe('b');
    expect(run({ agents: [agents[0]!], i: { declinedBy: ['a'] } }).winner).toBe('a');
  });
});

describe('decision log size', () => {
  it('lists every eligible agent and the first 50 ineligible ones, counting the rest by failed check', () => {
    const agents = [
      ...Array.from({ length: 60 }, (_, i) => agent(`off${i}`, { state: 'break' })),
      ...Array.from({ length: 40 }, (_, i) => agent(`weak${i}`, { skills: { billing: 1 } })),
      agent('ok1'),
      agent('ok2'),
    ];
    const d = run({ agents });
    expect(d.winner).toBe('ok1');
    expect(d.considered).toBe(102);
    expect(d.candidates.filter((c) => c.eligible).map((c) => c.agentId)).toEqual(['ok1', 'ok2']);
    expect(d.candidates.filter((c) => !c.eligible)).toHaveLength(50);
    expect(d.excluded).toEqual({ state: 10, skill: 40 });
  });

  it('a candidate pool keeps agents with the channel and skills and counts the others', () => {
    const agents = [agent('ok'), agent('weak', { skills: { billing: 1 } }), agent('nochat', { capacity: { email: 5 } })];
    const pool = candidatePool(agents, { ...queue, channel: 'chat' }, 0);
    expect(pool.agents.map((a) => a.id)).toEqual(['ok']);
    expect(pool.excluded).toEqual({ skill: 1, capacity: 1 });
    const widened = candidatePool(agents, { ...queue, channel: 'chat', overflow: [{ afterSeconds: 10, minSkillLevel: 1 }] }, 1);
    expect(widened.agents.map((a) => a.id)).toEqual(['ok', 'weak']);
    const d = decide({ queue: { ...queue, channel: 'chat' }, interaction: { ...interaction, channel: 'chat' }, agents: pool.agents, prefiltered: pool, settings: DEFAULT_SETTINGS, now: NOW, channelsWithWork: [] });
    expect(d).toMatchObject({ winner: 'ok', considered: 3, excluded: { skill: 1, capacity: 1 } });
  });
});

describe('effectivePriority', () => {
  it('adds VIP boost and aging to the base priority', () => {
    const s = { vipBoost: 3, agingPointsPerMinute: 1 };
    expect(effectivePriority({ vip: false, queuedAt: NOW }, 5, s, NOW)).toBe(5);
    expect(effectivePriority({ priority: 2, vip: true, queuedAt: NOW - 120_000 }, 5, s, NOW)).toBe(7);
  });
});

describe('capacityVerdict', () => {
  it('counts per channel and keeps voice exclusive', () => {
    expect(capacityVerdict({ chat: 3 }, { chat: 2 }, 'chat')).toBeUndefined();
    expect(capacityVerdict({ chat: 3 }, { chat: 3 }, 'chat')).toContain('full');
    expect(capacityVerdict({ voice: 1, chat: 3 }, { voice: 1 }, 'chat')).toContain('on a voice');
    expect(capacityVerdict({ voice: 1, email: 5 }, { email: 1 }, 'voice')).toContain('other channels');
    expect(capacityVerdict({}, {}, 'email')).toBe('no email capacity');
  });
});
