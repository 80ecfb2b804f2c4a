import { z } from 'zod';
import { envelopeAttributes } from './envelope';
import { eventDataSchemas, type EventData, type EventType } from './registry';

/** A Switchboard event: a CloudEvents 1.0 structured-mode message with the `tenantid` and `traceparent` extensions. */
export interface CloudEvent<T extends EventType = EventType> {
  specversion: '1.0';
  /** Unique per source; the idempotency key and the JetStream message id. */
  id: string;
  source: string;
  type: T;
  /** RFC 3339 with offset. */
  time: string;
  subject?: string;
  datacontenttype?: 'application/json';
  tenantid: string;
  traceparent?: string;
  data: EventData<T>;
}

/** Discriminated union of every event: narrowing on `type` narrows `data`. */
export type AnyCloudEvent = { [T in EventType]: CloudEvent<T> }[EventType];

const cache = new Map<EventType, z.ZodType>();

/** The full schema (envelope and data) of one event type. */
export function eventSchema<T extends EventType>(type: T): z.ZodType<CloudEvent<T>> {
  let schema = cache.get(type);
  if (!schema) {
    schema = z.object({
      ...envelopeAttributes,
      type: z.literal(type),
      data: eventDataSchemas[type],
    });
    cache.set(type, schema);
  }
  return schema as unknown as z.ZodType<CloudEvent<T>>;
}
