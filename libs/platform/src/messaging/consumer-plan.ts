import { streamForType, type AnyCloudEvent, type EventType, type StreamDefinition } from '@switchboard/contracts';
import { durableName } from './naming';
import type { MessageContext } from './on-event.decorator';

/** One discovered handler method, bound to its instance. */
export interface HandlerBinding {
  types: readonly EventType[];
  consumer?: string;
  /**
   * Handlers of this binding in flight at once per process; its consumer admits the largest figure of its bindings, so a
   * batching handler can ask for many while the other types of the same consumer stay at their own (or the service's) limit.
   */
  concurrency?: number;
  /** For logs: `ClassName.method`. */
  name: string;
  handle(event: AnyCloudEvent, context: MessageContext): Promise<void>;
}

/** A durable consumer to run: its stream, its (un-namespaced) name and the handlers of each type, in order. */
export interface ConsumerPlan {
  /** Durable name before namespacing, e.g. `routing-cc_interactions`; also the metrics label and DLQ token. */
  durable: string;
  stream: StreamDefinition;
  handlers: Map<EventType, HandlerBinding[]>;
  /** Handlers in flight per process when a binding asked for more than the service's default. */
  concurrency?: number;
  /** Per event type, the most of its messages in flight at once when a binding of the type named a concurrency. */
  typeConcurrency: Map<EventType, number>;
}

/**
 * Groups handlers into durable consumers: one per service and stream, plus one per stream for every
 * consumer named in `@OnEvent`. Handlers of one type in one consumer all run, in registration order.
 */
export function planConsumers(service: string, bindings: readonly HandlerBinding[]): ConsumerPlan[] {
  const plans = new Map<string, ConsumerPlan>();
  for (const binding of bindings) {
    for (const type of binding.types) {
      const stream = streamForType(type);
      const durable = durableName(service, stream.name, binding.consumer);
      const key = `${stream.name}/${durable}`;
      let plan = plans.get(key);
      if (!plan) {
        plan = { durable, stream, handlers: new Map(), typeConcurrency: new Map() };
        plans.set(key, plan);
      }
      if (binding.concurrency !== undefined) {
        plan.concurrency = Math.max(plan.concurrency ?? 0, binding.concurrency);
        plan.typeConcurrency.set(type, Math.max(plan.typeConcurrency.get(type) ?? 0, binding.concurrency));
      }
      const list = plan.handlers.get(type) ?? [];
      list.push(binding);
      plan.handlers.set(type, list);
    }
  }
  return [...plans.values()];
}
