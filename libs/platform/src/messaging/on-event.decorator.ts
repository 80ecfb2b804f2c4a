import 'reflect-metadata';
import type { CloudEvent, EventType } from '@switchboard/contracts';

export const ON_EVENT_METADATA = 'switchboard:messaging:on-event';

/** What a handler learns about the message besides the event. */
export interface MessageContext {
  /** The subject the message was published on (namespace included). */
  subject: string;
  /** 1 on the first delivery. */
  deliveryCount: number;
  streamSequence: number;
  headers: Record<string, string>;
  receivedAt: Date;
}

/** The event a handler of `T` receives: a union discriminated by `type` when it handles several types. */
export type EventOf<T extends EventType> = { [K in T]: CloudEvent<K> }[T];

export type EventHandler<T extends EventType = EventType> = (event: EventOf<T>, context: MessageContext) => Promise<void>;

export interface OnEventOptions {
  /**
   * A durable consumer of its own, named `<service>-<consumer>` (letters, digits, "-", "_"). Default: the
   * service's shared consumer of the event's stream. Use one for work that must not wait for, or be
   * retried together with, the service's other handlers.
   */
  consumer?: string;
  /**
   * Handlers in flight for this handler's consumer in each process (default: the service's consumer concurrency).
   * For handlers that batch their work across messages, so that a batch can fill up. The consumer's max ack pending
   * grows to at least 4 × this.
   */
  concurrency?: number;
}

export interface OnEventRegistration {
  types: EventType[];
  consumer?: string;
  concurrency?: number;
}

/**
 * Declares a provider method as the handler of one or more event types. The platform consumes them
 * from a durable JetStream consumer and acks each message only after the method resolves; a rejected
 * promise means retry later (or dead-letter, for a non-retryable AppError).
 */
export function OnEvent<T extends EventType>(types: T | readonly T[], options: OnEventOptions = {}) {
  const registration: OnEventRegistration = {
    types: [...new Set<EventType>(Array.isArray(types) ? (types as readonly T[]) : [types as T])],
    ...(options.consumer === undefined ? {} : { consumer: options.consumer }),
    ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
  };
  if (registration.types.length === 0) throw new Error('@OnEvent needs at least one event type');
  if (options.concurrency !== undefined && (!Number.isInteger(options.concurrency) || options.concurrency < 1)) {
    throw new Error(`@OnEvent concurrency must be a positive integer, got ${options.concurrency}`);
  }
  return <H extends EventHandler<T>>(_target: object, _key: string | symbol, descriptor: TypedPropertyDescriptor<H>): void => {
    const method = descriptor.value;
    if (typeof method !== 'function') throw new Error('@OnEvent decorates methods only');
    const existing = onEventRegistrations(method);
    Reflect.defineMetadata(ON_EVENT_METADATA, [...existing, registration], method);
  };
}

/** The `@OnEvent` registrations of a method (several decorators may stack). */
export function onEventRegistrations(method: unknown): OnEventRegistration[] {
  if (typeof method !== 'function') return [];
  const found: unknown = Reflect.getMetadata(ON_EVENT_METADATA, method);
  return Array.isArray(found) ? (found as OnEventRegistration[]) : [];
}
