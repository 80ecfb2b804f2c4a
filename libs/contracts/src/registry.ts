import type { z } from 'zod';
import { agentEventSchemas } from './events/agent.events';
import { analyticsEventSchemas } from './events/analytics.events';
import { interactionEventSchemas } from './events/interaction.events';
import { notifyEventSchemas } from './events/notify.events';
import { routingEventSchemas } from './events/routing.events';

/** Every event type on the bus. A breaking change is a new type with a `.v2` suffix, published beside the old one. */
export type EventType =
  | 'interaction.created'
  | 'interaction.answered'
  | 'interaction.held'
  | 'interaction.resumed'
  | 'interaction.transferred'
  | 'interaction.utterance'
  | 'interaction.ended'
  | 'interaction.disposition'
  | 'agent.state_changed'
  | 'routing.queued'
  | 'routing.offered'
  | 'routing.accepted'
  | 'routing.rejected'
  | 'routing.offer_timed_out'
  | 'routing.assigned'
  | 'routing.escalated'
  | 'routing.abandoned'
  | 'routing.offer_rescinded'
  | 'analytics.utterance_scored'
  | 'analytics.interaction_summarized'
  | 'analytics.abuse_detected'
  | 'analytics.kudos'
  | 'analytics.sla_breached'
  | 'analytics.churn_risk_changed'
  | 'analytics.wellbeing_changed'
  | 'analytics.kpi_snapshot'
  | 'notify.delivered'
  | 'notify.failed';

const schemas = {
  ...interactionEventSchemas,
  ...agentEventSchemas,
  ...routingEventSchemas,
  ...analyticsEventSchemas,
  ...notifyEventSchemas,
} as const;

// Compile-time guard: the registry holds exactly the types of the union, no more, no fewer.
type Exact<A, B> = [Exclude<A, B>, Exclude<B, A>] extends [never, never] ? true : false;
const registryMatchesEventType: Exact<keyof typeof schemas, EventType> = true;
void registryMatchesEventType;

/** The `data` schema of each event type. */
export const eventDataSchemas: { readonly [T in EventType]: (typeof schemas)[T] } = Object.freeze(schemas);

export type EventData<T extends EventType> = z.infer<(typeof eventDataSchemas)[T]>;

/** All event types, grouped by family (the order of the generated documentation). */
export const EVENT_TYPES: readonly EventType[] = Object.freeze(Object.keys(eventDataSchemas) as EventType[]);

const eventTypeSet: ReadonlySet<string> = new Set(EVENT_TYPES);

export function isEventType(value: string): value is EventType {
  return eventTypeSet.has(value);
}
