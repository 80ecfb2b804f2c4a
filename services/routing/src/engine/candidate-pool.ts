import type { AgentSnapshot, QueueSnapshot } from './engine.types';
import { requiredSkillsAt } from './decide';

/** A queue's candidates at one overflow step: agents with capacity on its channel and its required skills. */
export interface CandidatePool {
  agents: AgentSnapshot[];
  population: number;
  excluded: Record<string, number>;
}

/**
 * The agents worth evaluating for a queue at an overflow step; the others are only counted (by the check they fail).
 * Depends on configuration alone, so a round computes it once per queue and step and shares it across decisions.
 */
export function candidatePool(agents: readonly AgentSnapshot[], queue: QueueSnapshot, step: number): CandidatePool {
  const required = Object.entries(requiredSkillsAt(queue, step));
  const pool: AgentSnapshot[] = [];
  let noChannel = 0;
  let noSkill = 0;
  for (const agent of agents) {
    if ((agent.capacity[queue.channel] ?? 0) <= 0) noChannel += 1;
    else if (required.some(([skill, level]) => (agent.skills[skill] ?? 0) < level)) noSkill += 1;
    else pool.push(agent);
  }
  const excluded: Record<string, number> = {};
  if (noChannel > 0) excluded['capacity'] = noChannel;
  if (noSkill > 0) excluded['skill'] = noSkill;
  return { agents: pool, population: agents.length, excluded };
}
