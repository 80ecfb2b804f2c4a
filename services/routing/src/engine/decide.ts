import { capacityVerdict, hasCapacity } from './capacity';
import { INELIGIBLE_DETAILED, type AgentSnapshot, type CandidateOutcome, type Decision, type DecisionInput, type QueueSnapshot, type RuleOutcome, type Strategy } from './engine.types';

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
export function requiredSkillsAt(queue: QueueSnapshot, step: number): Record<string, number> {
  if (step === 0) return queue.requiredSkills;
  const floor = queue.overflow[step - 1]?.minSkillLevel ?? 1;
  const widened: Record<string, number> = {};
  for (const [skill, level] of Object.entries(queue.requiredSkills)) {
    const lowered = Math.min(level, floor);
    if (lowered > 0) widened[skill] = lowered;
  }
  return widened;
}

/** The wanted language as lower-case tag and primary subtag, or undefined when any language will do. */
function languageWanted(language: string | undefined): { tag: string; primary: string } | undefined {
  if (!language) return undefined;
  const tag = language.toLowerCase();
  return { tag, primary: tag.split('-')[0] ?? tag };
}

function languageMatches(agent: AgentSnapshot, wanted: { tag: string; primary: string } | undefined): boolean {
  if (!wanted) return true;
  for (const l of agent.languages) {
    const have = l.toLowerCase();
    if (have === wanted.tag || have === wanted.primary) return true;
    const cut = have.indexOf('-');
    if (cut > 0 && have.slice(0, cut) === wanted.primary) return true;
  }
  return false;
}

/** The agent's open interactions, all channels. */
function openWork(agent: AgentSnapshot): number {
  let open = 0;
  for (const channel in agent.load) open += agent.load[channel as keyof AgentSnapshot['load']] ?? 0;
  return open;
}

/** When the agent's idle time started: the later of their last offer and their last state change. */
function idleSince(agent: AgentSnapshot): number {
  return Math.max(agent.stateSince, agent.lastOfferedAt ?? 0);
}

function baseScore(strategy: Strategy, agent: AgentSnapshot, required: Record<string, number>, now: number): number {
  switch (strategy) {
    case 'longest-idle': {
      // Idle: no open work, since the later of the last offer and the last state change. An agent with open work (chats,
      // e-mails beside their capacity) is not idle: after every idle agent, fewest open interactions first.
      const open = openWork(agent);
      return open > 0 ? -open : Math.round((now - idleSince(agent)) / 1000);
    }
    case 'least-occupancy':
      return Math.round((1 - agent.occupancy) * 1e6) / 1e6;
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

/** Every reason an agent is not eligible (empty when eligible): the detailed form of the hot loop's checks. */
function ineligibility(agent: AgentSnapshot, input: DecisionInput, required: [string, number][], wanted: ReturnType<typeof languageWanted>): string[] {
  const reasons: string[] = [];
  if (agent.state !== 'available') reasons.push(`state ${agent.state}`);
  const capacity = capacityVerdict(agent.capacity, agent.load, input.interaction.channel);
  if (capacity) reasons.push(capacity);
  for (const [skill, level] of required) {
    const has = agent.skills[skill] ?? 0;
    if (has < level) reasons.push(`skill ${skill} ${has} < ${level}`);
  }
  if (!languageMatches(agent, wanted)) reasons.push(`does not speak ${input.interaction.language}`);
  return reasons;
}

/** The first check an agent fails, or undefined when eligible (no allocation: runs for every agent). */
function firstFailedCheck(agent: AgentSnapshot, input: DecisionInput, required: [string, number][], wanted: ReturnType<typeof languageWanted>): string | undefined {
  if (agent.state !== 'available') return 'state';
  if (!hasCapacity(agent.capacity, agent.load, input.interaction.channel)) return 'capacity';
  for (const [skill, level] of required) if ((agent.skills[skill] ?? 0) < level) return 'skill';
  if (!languageMatches(agent, wanted)) return 'language';
  return undefined;
}

interface Entry {
  c: CandidateOutcome;
  agent: AgentSnapshot;
}

/**
 * The ranking every strategy shares: lower tier first, then higher score; between equals, fewer open interactions,
 * then idle longer, then agent id, so that equally good agents share the work instead of the first by id taking it all.
 */
function better(a: Entry, b: Entry): boolean {
  if (a.c.tier !== b.c.tier) return a.c.tier < b.c.tier;
  if (a.c.score !== b.c.score) return a.c.score > b.c.score;
  const openA = openWork(a.agent);
  const openB = openWork(b.agent);
  if (openA !== openB) return openA < openB;
  const idleA = idleSince(a.agent);
  const idleB = idleSince(b.agent);
  if (idleA !== idleB) return idleA < idleB;
  return a.c.agentId < b.c.agentId;
}

/**
 * Chooses the agent for one interaction. Pure: the same snapshot and clock give the same decision, with every
 * eligible candidate's score and rule outcomes (and the first ineligible ones' reasons) recorded for the decision log.
 */
export function decide(input: DecisionInput): Decision {
  const { queue, interaction, settings, now } = input;
  const waitMs = Math.max(0, now - interaction.queuedAt);
  const step = overflowStepFor(queue.overflow, waitMs);
  const required = requiredSkillsAt(queue, step);
  const requiredList = Object.entries(required);
  const wanted = languageWanted(interaction.language);
  const rules: RuleOutcome[] = [];
  if (step > 0) {
    rules.push({ rule: 'overflow', outcome: `step ${step} applied`, detail: `required skills widened to ${JSON.stringify(required)}` });
  }

  const candidates: CandidateOutcome[] = [];
  const excluded: Record<string, number> = { ...input.prefiltered?.excluded };
  let pool: Entry[] = [];
  let detailed = 0;
  for (const agent of input.agents) {
    const failed = firstFailedCheck(agent, input, requiredList, wanted);
    if (failed === undefined) {
      const c: CandidateOutcome = { agentId: agent.id, score: baseScore(queue.strategy, agent, required, now), eligible: true, tier: TIER_NORMAL, reasons: [] };
      candidates.push(c);
      pool.push({ c, agent });
    } else if (detailed < INELIGIBLE_DETAILED || agent.id === interaction.stickyAgentId) {
      detailed += 1;
      const reasons = ineligibility(agent, input, requiredList, wanted);
      candidates.push({ agentId: agent.id, score: baseScore(queue.strategy, agent, required, now), eligible: false, tier: TIER_NORMAL, reasons });
    } else {
      excluded[failed] = (excluded[failed] ?? 0) + 1;
    }
  }
  const exclude = (e: Entry, reason: string): void => {
    e.c.eligible = false;
    e.c.reasons.push(reason);
  };

  // Wellbeing: strained agents are kept from volatile customers, and from voice while written work waits.
  if (settings.strainGuardEnabled) {
    let excludedStrained = 0;
    for (const e of pool) {
      if (!settings.strainLevels.includes(e.agent.strainLevel)) continue;
      if (interaction.volatile || interaction.abusive) {
        exclude(e, `strain ${e.agent.strainLevel}: not offered volatile customers`);
        excludedStrained += 1;
      } else if (interaction.channel === 'voice') {
        const written = input.channelsWithWork.find((ch) => (ch === 'chat' || ch === 'email') && hasCapacity(e.agent.capacity, e.agent.load, ch));
        if (written) {
          exclude(e, `strain ${e.agent.strainLevel}: kept for waiting ${written} work`);
          excludedStrained += 1;
        }
      }
    }
    pool = pool.filter((e) => e.c.eligible);
    rules.push({ rule: 'wellbeing.strain', outcome: excludedStrained > 0 ? `excluded ${excludedStrained} agents` : 'no effect' });
  } else {
    rules.push({ rule: 'wellbeing.strain', outcome: 'disabled' });
  }

  // Wellbeing: new hires are spared volatile or abusive customers while experienced agents can take them.
  if (settings.newHireGuardEnabled && (interaction.volatile || interaction.abusive)) {
    const threshold = now - settings.newHireTenureDays * DAY_MS;
    const isNew = (e: Entry): boolean => e.agent.startedAt !== undefined && e.agent.startedAt > threshold;
    const newHires = pool.filter(isNew);
    if (newHires.length > 0 && newHires.length < pool.length) {
      for (const e of newHires) exclude(e, `new hire (< ${settings.newHireTenureDays} days): spared a volatile customer`);
      pool = pool.filter((e) => e.c.eligible);
      rules.push({ rule: 'wellbeing.new_hire', outcome: `excluded ${newHires.length} agents` });
    } else {
      rules.push({ rule: 'wellbeing.new_hire', outcome: newHires.length > 0 ? 'allowed: no experienced agent available' : 'no effect' });
    }
  } else {
    rules.push({ rule: 'wellbeing.new_hire', outcome: settings.newHireGuardEnabled ? 'not applicable' : 'disabled' });
  }

  // Agents who declined or missed this interaction go last.
  if (interaction.declinedBy.length > 0) {
    const declined = new Set(interaction.declinedBy);
    for (const e of pool) {
      if (!declined.has(e.c.agentId)) continue;
      e.c.tier = TIER_DECLINED;
      e.c.reasons.push('declined or missed this interaction before');
    }
  }

  // Rolling occupancy above the cap lowers rank when others are free.
  if (settings.occupancyCapEnabled) {
    let demoted = 0;
    for (const e of pool) {
      const occupancy = e.agent.occupancy;
      if (occupancy > settings.occupancyCap && e.c.tier === TIER_NORMAL) {
        e.c.tier = TIER_OVER_OCCUPANCY;
        e.c.reasons.push(`occupancy ${Math.round(occupancy * 100)} % above cap ${Math.round(settings.occupancyCap * 100)} %`);
        demoted += 1;
      }
    }
    rules.push({ rule: 'wellbeing.occupancy_cap', outcome: demoted > 0 ? `lowered rank of ${demoted} agents` : 'no effect' });
  } else {
    rules.push({ rule: 'wellbeing.occupancy_cap', outcome: 'disabled' });
  }

  // Sticky routing: the agent who last helped this customer, for a bounded wait.
  let heldForSticky = false;
  const stickyId = interaction.stickyAgentId;
  if (settings.stickyEnabled && stickyId) {
    const sticky = pool.find((e) => e.c.agentId === stickyId);
    const stickyAgent = sticky?.agent ?? input.agents.find((a) => a.id === stickyId);
    const withinWait = waitMs < settings.stickyWaitSeconds * 1000;
    const why = interaction.stickyReason ?? 'last helped this customer';
    if (sticky) {
      pool = [sticky];
      rules.push({ rule: 'sticky', outcome: 'applied', detail: `${stickyId} ${why}` });
    } else if (withinWait && stickyAgent && stickyAgent.state !== 'offline' && stickyAgent.state !== 'not_responding') {
      pool = [];
      heldForSticky = true;
      const left = Math.max(0, Math.ceil((settings.stickyWaitSeconds * 1000 - waitMs) / 1000));
      rules.push({ rule: 'sticky', outcome: 'waiting', detail: `waiting up to ${settings.stickyWaitSeconds}s (${left}s left) for ${stickyId}, who ${why}` });
    } else {
      rules.push({ rule: 'sticky', outcome: 'released', detail: `${stickyId} unavailable; offering to anyone` });
    }
  } else {
    rules.push({ rule: 'sticky', outcome: settings.stickyEnabled ? 'not applicable' : 'disabled' });
  }

  const considered = input.prefiltered?.population ?? input.agents.length;
  let best: Entry | undefined;
  for (const e of pool) if (!best || better(e, best)) best = e;
  const winner = best?.c.agentId;
  rules.push({
    rule: 'strategy',
    outcome: winner ? `${queue.strategy}: ${winner}` : heldForSticky ? 'held for the sticky agent' : 'no eligible agent',
    detail: `${pool.length} eligible of ${considered}`,
  });
  const outcome = winner ? 'offered' : heldForSticky ? 'waiting_for_sticky_agent' : 'no_eligible_agent';
  return { strategy: queue.strategy, outcome, winner, candidates, considered, excluded, rules, waitMs, overflowStep: step, heldForSticky };
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
