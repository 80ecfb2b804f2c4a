import type { EventType } from './registry';

/** Who originates an event. Telephony and the agent UI submit theirs through intake, which validates and publishes them. */
export type EventProducer = 'telephony' | 'agent-ui' | 'intake' | 'routing' | 'analytics' | 'notify';

/** The service that publishes an event onto NATS. */
export type EventPublisher = 'intake' | 'routing' | 'analytics' | 'notify';

export interface EventCatalogEntry {
  type: EventType;
  producer: EventProducer;
  /** The service that puts it on the bus (differs from the producer for external systems). */
  publishedBy: EventPublisher;
  summary: string;
}

const telephony = { producer: 'telephony', publishedBy: 'intake' } as const;
const routing = { producer: 'routing', publishedBy: 'routing' } as const;
const analytics = { producer: 'analytics', publishedBy: 'analytics' } as const;
const notify = { producer: 'notify', publishedBy: 'notify' } as const;

/** One entry per event type, in registry order: who produces it and what it means. */
export const EVENT_CATALOG: readonly EventCatalogEntry[] = Object.freeze([
  { type: 'interaction.created', ...telephony, summary: 'A customer interaction (call, chat, e-mail, video) arrived and entered a queue.' },
  { type: 'interaction.answered', ...telephony, summary: 'An agent answered the interaction.' },
  { type: 'interaction.held', ...telephony, summary: 'The agent put the customer on hold.' },
  { type: 'interaction.resumed', ...telephony, summary: 'The customer was taken off hold.' },
  { type: 'interaction.transferred', ...telephony, summary: 'The interaction was transferred to another queue or agent.' },
  { type: 'interaction.utterance', ...telephony, summary: 'One transcribed utterance or message of the customer or the agent.' },
  { type: 'interaction.ended', ...telephony, summary: 'The interaction ended (completed, abandoned, failed or transferred away).' },
  { type: 'interaction.disposition', producer: 'agent-ui', publishedBy: 'intake', summary: 'The agent recorded the outcome (wrap-up code, resolved or not).' },
  { type: 'agent.state_changed', ...routing, summary: "An agent's presence changed (routing is authoritative)." },
  { type: 'routing.queued', ...routing, summary: 'The interaction is waiting in a queue for an agent.' },
  { type: 'routing.offered', ...routing, summary: 'The interaction was offered to an agent until the offer expires.' },
  { type: 'routing.accepted', ...routing, summary: 'The agent accepted the offer.' },
  { type: 'routing.rejected', ...routing, summary: 'The agent rejected the offer; the interaction is re-offered elsewhere.' },
  { type: 'routing.offer_timed_out', ...routing, summary: 'The agent did not answer the offer in time.' },
  { type: 'routing.assigned', ...routing, summary: 'The interaction was assigned to an agent, with the decision explained.' },
  { type: 'routing.escalated', ...routing, summary: 'The interaction waited too long: overflow widened the pool or supervisors were alerted.' },
  { type: 'routing.abandoned', ...routing, summary: 'The customer left before an agent was assigned.' },
  { type: 'routing.offer_rescinded', ...routing, summary: 'An open offer was withdrawn (customer left, agent went offline, interaction re-routed).' },
  { type: 'analytics.utterance_scored', ...analytics, summary: 'Sentiment, abuse, gratitude and small talk scored for one utterance.' },
  { type: 'analytics.interaction_summarized', ...analytics, summary: 'Sentiment trajectory and flags of a finished interaction.' },
  { type: 'analytics.abuse_detected', ...analytics, summary: 'A customer was abusive or harassing toward the agent.' },
  { type: 'analytics.kudos', ...analytics, summary: 'A customer thanked or praised the agent; passed on to the agent and their manager.' },
  { type: 'analytics.sla_breached', ...analytics, summary: "A queue's service level fell below its target." },
  { type: 'analytics.churn_risk_changed', ...analytics, summary: "A customer's churn risk level changed, with reasons." },
  { type: 'analytics.wellbeing_changed', ...analytics, summary: "An agent's strain level changed, with factor contributions." },
  { type: 'analytics.kpi_snapshot', ...analytics, summary: 'KPIs of a tenant or queue over a live window or a day, with an Erlang C staffing recommendation.' },
  { type: 'notify.delivered', ...notify, summary: 'A notification reached its recipient.' },
  { type: 'notify.failed', ...notify, summary: 'A notification attempt failed; final when it was dead-lettered.' },
] satisfies EventCatalogEntry[]);
