import type { AnalyticsClient } from '../clients/analytics.client';
import type { IntakeClient } from '../clients/intake.client';
import type { RoutingClient } from '../clients/routing.client';
import { expandAgentIds, type AgentGroup, type Scenario } from '../scenario/scenario.schema';

export interface SimulatedAgentSpec {
  id: string;
  name: string;
  group: AgentGroup;
}

/** Every agent of the scenario with its id and display name. */
export function agentSpecs(scenario: Scenario): SimulatedAgentSpec[] {
  return scenario.agents.flatMap((group) =>
    expandAgentIds(group).map((id, i) => ({ id, name: group.name ? (group.count > 1 ? `${group.name} ${i + 1}` : group.name) : id, group })),
  );
}

function startedAt(tenureDays: number, now: Date): string {
  return new Date(now.getTime() - tenureDays * 86_400_000).toISOString().slice(0, 10);
}

async function inParallel<T>(items: readonly T[], limit: number, work: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next] as T;
      next += 1;
      await work(item);
    }
  });
  await Promise.all(workers);
}

/**
 * Makes the tenant look like the scenario: queues (in routing, and their service-level targets in analytics when
 * given its client), agents (skills, capacity, tenure), routing settings and, when any contact goes through Twilio,
 * the Twilio integration. Every call is a PUT: running it twice
 * changes nothing.
 */
export async function setupTenant(
  scenario: Scenario,
  clients: { routing: RoutingClient; intake: IntakeClient; analytics?: AnalyticsClient },
  now = new Date(),
): Promise<{ agents: number; queues: number }> {
  await inParallel(scenario.queues, 8, (queue) =>
    clients.routing.putQueue(queue.id, {
      name: queue.name ?? queue.id,
      channel: queue.channel,
      requiredSkills: queue.requiredSkills,
      priority: queue.priority,
      sla: queue.sla,
      strategy: queue.strategy,
      offerTimeoutSeconds: queue.offerTimeoutSeconds,
      wrapUpSeconds: queue.wrapUpSeconds,
      overflow: queue.overflow,
    }),
  );
  const analytics = clients.analytics;
  if (analytics) await inParallel(scenario.queues, 8, (queue) => analytics.putSla(queue.id, queue.sla));
  const agents = agentSpecs(scenario);
  await inParallel(agents, 16, (agent) =>
    clients.routing.putAgent(agent.id, {
      name: agent.name,
      skills: agent.group.skills,
      ...(agent.group.capacity ? { capacity: agent.group.capacity } : {}),
      languages: agent.group.languages,
      ...(agent.group.team ? { team: agent.group.team } : {}),
      startedAt: startedAt(agent.group.tenureDays, now),
    }),
  );
  if (scenario.routingSettings) await clients.routing.putSettings(scenario.routingSettings);
  const usesTwilio = scenario.queues.some((q) => q.twilioShare > 0) || scenario.script.some((c) => c.via === 'twilio');
  if (usesTwilio) await clients.intake.configureTwilio(scenario.twilioAuthToken);
  return { agents: agents.length, queues: scenario.queues.length };
}
