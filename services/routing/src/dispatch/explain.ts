import type { AnyCloudEvent, RoutingExplanation } from '@switchboard/contracts';
import type { Decision, InteractionSnapshot } from '../engine/engine.types';
import { routingEvent } from '../events/event-factory';

/** Candidates kept in the decision log; `routing.offered` carries the best EVENT_CANDIDATES of them. */
const EXPLAIN_CANDIDATES = 20;
export const EVENT_CANDIDATES = 10;

export function escalation(tenant: string, interaction: InteractionSnapshot, decision: Decision): AnyCloudEvent {
  return routingEvent('routing.escalated', tenant, {
    interactionId: interaction.id, queueId: interaction.queueId, step: decision.overflowStep - 1, waitMs: decision.waitMs, reason: 'overflow',
  });
}

/** Ranking for the log: the winner, then eligible before not, lower tier, higher score. */
function explainOrder(winner: string | undefined) {
  return (a: Decision['candidates'][number], b: Decision['candidates'][number]): number =>
    Number(b.agentId === winner) - Number(a.agentId === winner) || Number(b.eligible) - Number(a.eligible) || a.tier - b.tier || b.score - a.score;
}

/** The decision as carried in `routing.offered.explanation` and the decision log (best candidates first). */
export function explain(decision: Decision): RoutingExplanation {
  const order = explainOrder(decision.winner);
  // Keep the best EXPLAIN_CANDIDATES without sorting thousands: a bounded insertion into a sorted list.
  const best: Decision['candidates'] = [];
  for (const c of decision.candidates) {
    if (best.length === EXPLAIN_CANDIDATES && order(c, best[best.length - 1] as Decision['candidates'][number]) >= 0) continue;
    let at = best.length;
    while (at > 0 && order(c, best[at - 1] as Decision['candidates'][number]) < 0) at -= 1;
    best.splice(at, 0, c);
    if (best.length > EXPLAIN_CANDIDATES) best.pop();
  }
  return {
    strategy: decision.strategy,
    outcome: decision.outcome,
    ...(decision.winner ? { winner: decision.winner } : {}),
    candidates: best.map((c) => ({ agentId: c.agentId, score: c.score, eligible: c.eligible, reasons: c.reasons.slice(0, 50) })),
    rules: decision.rules.map((r) => ({ ...r })),
    considered: decision.considered,
    excluded: decision.excluded,
    overflowStep: decision.overflowStep,
  };
}
