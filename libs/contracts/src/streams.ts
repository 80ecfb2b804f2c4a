import type { EventType } from './registry';

/** JetStream streams (file storage) holding the events, one per event family, plus the dead letter stream. */

export type StreamCategory = 'interaction' | 'agent' | 'routing' | 'analytics' | 'notify' | 'deadletter';

export interface StreamDefinition {
  name: string;
  subjects: string[];
  description: string;
  /** Event type prefix (the family), or "deadletter". */
  category: StreamCategory;
}

export const STREAMS: readonly StreamDefinition[] = Object.freeze([
  {
    name: 'CC_INTERACTIONS',
    subjects: ['cc.*.interaction.>'],
    description: 'Interaction lifecycle and transcript events from telephony, messaging and the agent UI.',
    category: 'interaction',
  },
  {
    name: 'CC_AGENTS',
    subjects: ['cc.*.agent.>'],
    description: 'Agent presence changes.',
    category: 'agent',
  },
  {
    name: 'CC_ROUTING',
    subjects: ['cc.*.routing.>'],
    description: 'Queueing, offers and assignments decided by the routing service.',
    category: 'routing',
  },
  {
    name: 'CC_ANALYTICS',
    subjects: ['cc.*.analytics.>'],
    description: 'Scores, alerts, wellbeing, churn risk and KPIs from the analytics service.',
    category: 'analytics',
  },
  {
    name: 'CC_NOTIFY',
    subjects: ['cc.*.notify.>'],
    description: 'Delivery outcomes from the notify service.',
    category: 'notify',
  },
] satisfies StreamDefinition[]);

export const DEAD_LETTER_STREAM: StreamDefinition = Object.freeze({
  name: 'CC_DEADLETTER',
  subjects: ['dlq.>'],
  description: 'Messages a consumer terminated or gave up on, on dlq.<service>.<consumer>, kept for inspection and redelivery.',
  category: 'deadletter',
});

/** The stream that holds an event type, chosen by the type's family (the part before the first "."). */
export function streamForType(type: EventType | string): StreamDefinition {
  const family = type.split('.', 1)[0];
  const stream = STREAMS.find((candidate) => candidate.category === family);
  if (!stream) {
    throw new Error(`No stream holds event type "${type}"`);
  }
  return stream;
}

const SUBJECT_TOKEN = /^[A-Za-z0-9_-]+$/;

/** Subject a consumer dead-letters a message to: `dlq.<service>.<consumer>`. */
export function deadLetterSubject(service: string, consumer: string): string {
  for (const token of [service, consumer]) {
    if (!SUBJECT_TOKEN.test(token)) {
      throw new Error(`Invalid dead letter subject token "${token}"`);
    }
  }
  return `dlq.${service}.${consumer}`;
}
