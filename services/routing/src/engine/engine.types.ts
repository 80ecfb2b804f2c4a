import type { AgentState, Channel, WellbeingLevel } from '@switchboard/contracts';

export const STRATEGIES = ['longest-idle', 'least-occupancy', 'best-skill-match', 'round-robin'] as const;
export type Strategy = (typeof STRATEGIES)[number];

export type Capacity = Partial<Record<Channel, number>>;

/** What the engine knows about one agent at decision time. */
export interface AgentSnapshot {
  id: string;
  state: AgentState;
  /** Epoch ms of the last state change (idle time starts at the later of it and the last offer). */
  stateSince: number;
  /** Epoch ms of the agent's last offer, if any (round-robin). */
  lastOfferedAt?: number;
  skills: Record<string, number>;
  languages: string[];
  capacity: Capacity;
  /** Interactions held or offered per channel right now. */
  load: Capacity;
  /** Epoch ms the agent started with the company (tenure). */
  startedAt?: number;
  strainLevel: WellbeingLevel;
  /** Rolling occupancy, 0..1. */
  occupancy: number;
}

export interface OverflowStep {
  afterSeconds: number;
  /** Required skill levels are lowered to this level (0 = the skill is no longer required). */
  minSkillLevel: number;
}

export interface QueueSnapshot {
  id: string;
  channel: Channel;
  requiredSkills: Record<string, number>;
  priority: number;
  strategy: Strategy;
  overflow: OverflowStep[];
}

export interface InteractionSnapshot {
  id: string;
  queueId: string;
  channel: Channel;
  /** Explicit interaction priority (0..10); the queue's applies when absent. */
  priority?: number;
  vip: boolean;
  language?: string;
  /** Epoch ms the interaction entered the queue. */
  queuedAt: number;
  customerId: string;
  /** Customer flagged volatile (high churn risk or a past abusive contact). */
  volatile: boolean;
  /** Customer flagged abusive. */
  abusive: boolean;
  /** The agent who last helped this customer within the sticky window. */
  stickyAgentId?: string;
  /** Why that agent (for the decision log), e.g. "left this customer's case unresolved". */
  stickyReason?: string;
  /** Agents who rejected or missed an offer of this interaction. */
  declinedBy: string[];
}

/** Per-tenant rule settings; every rule can be switched off. */
export interface RoutingSettings {
  stickyEnabled: boolean;
  stickyDays: number;
  stickyWaitSeconds: number;
  /** Priority points gained per waited minute. */
  agingPointsPerMinute: number;
  vipBoost: number;
  recoveryEnabled: boolean;
  recoveryWrapUpSeconds: number;
  strainGuardEnabled: boolean;
  strainLevels: WellbeingLevel[];
  newHireGuardEnabled: boolean;
  newHireTenureDays: number;
  occupancyCapEnabled: boolean;
  occupancyCap: number;
  occupancyWindowMinutes: number;
  maxMissedOffers: number;
}

export const DEFAULT_SETTINGS: RoutingSettings = {
  stickyEnabled: true,
  stickyDays: 7,
  stickyWaitSeconds: 20,
  agingPointsPerMinute: 1,
  vipBoost: 3,
  recoveryEnabled: true,
  recoveryWrapUpSeconds: 120,
  strainGuardEnabled: true,
  strainLevels: ['high', 'critical'],
  newHireGuardEnabled: true,
  newHireTenureDays: 30,
  occupancyCapEnabled: true,
  occupancyCap: 0.85,
  occupancyWindowMinutes: 60,
  maxMissedOffers: 3,
};

export interface DecisionInput {
  queue: QueueSnapshot;
  interaction: InteractionSnapshot;
  agents: AgentSnapshot[];
  settings: RoutingSettings;
  now: number;
  /** Channels of other queues that have interactions waiting (for moving strained agents to written work). */
  channelsWithWork: Channel[];
  /**
   * Set when `agents` is a queue's candidate pool (see `candidatePool`) rather than every agent: the agents left out
   * for lacking the channel or the skills, counted, out of `population`.
   */
  prefiltered?: { population: number; excluded: Record<string, number> };
}

/** Ineligible agents listed with their reasons in a decision; the rest are counted. */
export const INELIGIBLE_DETAILED = 50;

export interface CandidateOutcome {
  agentId: string;
  score: number;
  eligible: boolean;
  /** Lower tiers win; a tier is a demotion by a rule (declined, over the occupancy cap…). */
  tier: number;
  reasons: string[];
}

export interface RuleOutcome {
  rule: string;
  outcome: string;
  detail?: string;
}

/** What a decision came to: an offer, a hold for the customer's sticky agent, or nobody to offer to yet. */
export type DecisionOutcome = 'offered' | 'waiting_for_sticky_agent' | 'no_eligible_agent';

export interface Decision {
  strategy: Strategy;
  outcome: DecisionOutcome;
  winner?: string;
  /**
   * Every eligible agent, and the first {@link INELIGIBLE_DETAILED} ineligible ones with their reasons; the others
   * are only counted, by first failed check, in `excluded`.
   */
  candidates: CandidateOutcome[];
  /** Agents evaluated (all of the snapshot's). */
  considered: number;
  /** Ineligible agents not listed in `candidates`, by the first check they failed (state, capacity, skill, language). */
  excluded: Record<string, number>;
  rules: RuleOutcome[];
  waitMs: number;
  overflowStep: number;
  /** True when the interaction is held for its sticky agent. */
  heldForSticky: boolean;
}
