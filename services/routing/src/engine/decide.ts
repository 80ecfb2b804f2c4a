import { capacityVerdict } from './capacity';
import type { AgentSnapshot, CandidateOutcome, Decision, DecisionInput, RuleOutcome, Strategy } from './engine.types';

const DAY_MS = 86_400_000;
const TIER_NORMAL = 0;
const TIER_OVER_OCCUPANCY = 1;
const TIER_DECLINED = 2;

/** The overflow step reached after waiting `waitMs` (0 = none, n = the n-th step). */
export function overflowStepFor(overflow: DecisionInput['queue']['overflow'], waitMs: number): number {
  let step = 0;
  overflow.forEach((s, index) => {
    if (waitMs >= s.afterSeconds * 1000) step = Math.max(step, index + 1);
  });
  return step;
}

/** Required skill levels after overflow widening. */
function requiredSkills(input: DecisionInput, step: number): Record<string, number> {
  if (step === 0) return input.queue.requiredSkills;
  const floor = input.queue.overflow[step - 1]?.minSkillLevel ?? 1;
  const widened: Record<string, number> = {};
  for (const [skill, level] of Object.entries(input.queue.requiredSkills)) {
    const lowered = Math.min(level, floor);
    if (lowered > 0) widened[skill] = lowered;
  }
  return widened;
}

function languageMatches(agent: AgentSnapshot, language: string | undefined): boolean {
  if (!language) return true;
  const wanted = language.toLowerCase();
  const primary = wanted.split('-')[0];
  return agent.languages.some((l) => {
    const have = l.toLowerCase();
    return have === wanted || have === primary || have.split('-')[0] === primary;
  });
}

function baseScore(strategy: Strategy, agent: AgentSnapshot, required: Record<string, number>, now: number): number {
  switch (strategy) {
    case 'longest-idle':
      return Math.round((now - agent.stateSince) / 1000);
    case 'least-occupancy':
      return Math.round((1 - agent.occupancy) * 1000) / 1000;
    case 'best-skill-match': {
      const skills = Object.keys(required);
      if (skills.length === 0) return 0;
      return skills.reduce((sum, s) => sum + (agent.skills[s] ?? 0), 0) / skills.length;
    }
    case 'round-robin':
      // The agent offered longest ago comes first; never offered ranks above all.
      return agent.lastOfferedAt === undefined ? Number.MAX_SAFE_INTEGER : -agent.lastOfferedAt;
  }
}

/**
 * Chooses the agent for one interaction. Pure: the same snapshot and clock give the same decision,
 * with every candidate, rule outcome and score recorded for the decision log.
 */
export function decide(input: DecisionInput): Decision {
  const { queue, interaction, settings, now } = input;
  const waitMs = Math.max(0, now - interaction.queuedAt);
  const step = overflowStepFor(queue.overflow, waitMs);
  const required = requiredSkills(input, step);
  const rules: RuleOutcome[] = [];
  if (step > 0) {
    rules.push({ rule: 'overflow', outcome: `step ${step} applied`, detail: `required skills widened to ${JSON.stringify(required)}` });
  }

  const candidates: CandidateOutcome[] = input.agents.map((agent) => {
    const reasons: string[] = [];
    if (agent.state !== 'available') reasons.push(`state ${agent.state}`);
    const capacity = capacityVerdict(agent.capacity, agent.load, interaction.channel);
    if (capacity) reasons.push(capacity);
    for (const [skill, level] of Object.entries(required)) {
      const has = agent.skills[skill] ?? 0;
      if (has < level) reasons.push(`skill ${skill} ${has} < ${level}`);
    }
    if (!languageMatches(agent, interaction.language)) reasons.push(`does not speak ${interaction.language}`);
    return {
      agentId: agent.id,
      score: baseScore(queue.strategy, agent, required, now),
      eligible: reasons.length === 0,
      tier: TIER_NORMAL,
      reasons,
    };
  });
  const byId = new Map(input.agents.map((a) => [a.id, a]));
  const agentOf = (id: string) => {
    const agent = byId.get(id);
    if (!agent) throw new Error(`candidate ${id} is not among the decision's agents`);
    return agent;
  };
  const eligible = (): CandidateOutcome[] => candidates.filter((c) => c.eligible);

  // Wellbeing: strained agents are kept from volatile customers, and from voice while written work waits.
  if (settings.strainGuardEnabled) {
    const strained = eligible().filter((c) => settings.strainLevels.includes(agentOf(c.agentId).strainLevel));
    let excluded = 0;
    for (const c of strained) {
      const agent = agentOf(c.agentId);
      if (interaction.volatile || interaction.abusive) {
        c.eligible = false;
        c.reasons.push(`strain ${agent.strainLevel}: not offered volatile customers`);
        excluded += 1;
      } else if (interaction.channel === 'voice') {
        const written = input.channelsWithWork.find(
          (ch) => (ch === 'chat' || ch === 'email') && capacityVerdict(agent.capacity, agent.load, ch) === undefined,
        );
        if (written) {
          c.eligible = false;
          c.reasons.push(`strain ${agent.strainLevel}: kept for waiting ${written} work`);
          excluded += 1;
        }
      }
    }
    rules.push({ rule: 'wellbeing.strain', outcome: excluded > 0 ? `excluded ${excluded} agents` : 'no effect' });
  } else {
    rules.push({ rule: 'wellbeing.strain', outcome: 'disabled' });
  }

  // Wellbeing: new hires are spared volatile or abusive customers while experienced agents can take them.
  if (settings.newHireGuardEnabled && (interaction.volatile || interaction.abusive)) {
    const threshold = now - settings.newHireTenureDays * DAY_MS;
    const isNew = (c: CandidateOutcome): boolean => {
      const startedAt = agentOf(c.agentId).startedAt;
      return startedAt !== undefined && startedAt > threshold;
    };
    const newHires = eligible().filter(isNew);
    const experienced = eligible().filter((c) => !isNew(c));
    if (newHires.length > 0 && experienced.length > 0) {
      for (const c of newHires) {
        c.eligible = false;
        c.reasons.push(`new hire (< ${settings.newHireTenureDays} days): spared a volatile customer`);
      }
      rules.push({ rule: 'wellbeing.new_hire', outcome: `excluded ${newHires.length} agents` });
    } else {
      rules.push({
        rule: 'wellbeing.new_hire',
        outcome: newHires.length > 0 ? 'allowed: no experienced agent available' : 'no effect',
      });
    }
  } else {
    rules.push({ rule: 'wellbeing.new_hire', outcome: settings.newHireGuardEnabled ? 'not applicable' : 'disabled' });
  }

  // Agents who declined or missed this interaction go last.
  for (const c of eligible()) {
    if (interaction.declinedBy.includes(c.agentId)) {
      c.tier = TIER_DECLINED;
      c.reasons.push('declined or missed this interaction before');
    }
  }

  // Rolling occupancy above the cap lowers rank when others are free.
  if (settings.occupancyCapEnabled) {
    let demoted = 0;
    for (const c of eligible()) {
      const occupancy = agentOf(c.agentId).occupancy;
      if (occupancy > settings.occupancyCap && c.tier === TIER_NORMAL) {
        c.tier = TIER_OVER_OCCUPANCY;
        c.reasons.push(`occupancy ${Math.round(occupancy * 100)} % above cap ${Math.round(settings.occupancyCap * 100)} %`);
        demoted += 1;
      }
    }
    rules.push({ rule: 'wellbeing.occupancy_cap', outcome: demoted > 0 ? `lowered rank of ${demoted} agents` : 'no effect' });
  } else {
    rules.push({ rule: 'wellbeing.occupancy_cap', outcome: 'disabled' });
  }

  // Sticky routing: the agent who last helped this customer, for a bounded wait.
  let pool = eligible();
  let heldForSticky = false;
  const stickyId = interaction.stickyAgentId;
  if (settings.stickyEnabled && stickyId) {
    const sticky = candidates.find((c) => c.agentId === stickyId);
    const stickyAgent = byId.get(stickyId);
    const withinWait = waitMs < settings.stickyWaitSeconds * 1000;
    if (sticky?.eligible) {
      pool = [sticky];
      rules.push({ rule: 'sticky', outcome: 'applied', detail: `${stickyId} last helped this customer` });
    } else if (withinWait && stickyAgent && stickyAgent.state !== 'offline' && stickyAgent.state !== 'not_responding') {
      pool = [];
      heldForSticky = true;
      rules.push({ rule: 'sticky', outcome: 'waiting', detail: `waiting up to ${settings.stickyWaitSeconds}s for ${stickyId}` });
    } else {
      rules.push({ rule: 'sticky', outcome: 'released', detail: `${stickyId} unavailable; offering to anyone` });
    }
  } else {
    rules.push({ rule: 'sticky', outcome: settings.stickyEnabled ? 'not applicable' : 'disabled' });
  }

  const ranked = [...pool].sort((a, b) => a.tier - b.tier || b.score - a.score || a.agentId.localeCompare(b.agentId));
  const winner = ranked[0]?.agentId;
  rules.push({
    rule: 'strategy',
    outcome: winner ? `${queue.strategy}: ${winner}` : 'no eligible agent',
    detail: `${pool.length} eligible of ${candidates.length}`,
  });
  return { strategy: queue.strategy, winner, candidates, rules, waitMs, overflowStep: step, heldForSticky };
}

/** Effective priority of a waiting interaction: its own or the queue's, plus VIP boost and aging. */
export function effectivePriority(
  interaction: Pick<DecisionInput['interaction'], 'priority' | 'vip' | 'queuedAt'>,
  queuePriority: number,
  settings: Pick<DecisionInput['settings'], 'vipBoost' | 'agingPointsPerMinute'>,
  now: number,
): number {
  const base = interaction.priority ?? queuePriority;
  const aging = (Math.max(0, now - interaction.queuedAt) / 60_000) * settings.agingPointsPerMinute;
  return base + (interaction.vip ? settings.vipBoost : 0) + aging;
}
