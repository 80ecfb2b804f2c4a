import { randomUUID } from 'node:crypto';
import { createEvent, EVENT_DATA_EXAMPLES, type CloudEvent, type EventData, type EventType } from '@switchboard/contracts';

export interface BuildEventOptions<T extends EventType> {
  /** Fields replacing the example data of the type. */
  data?: Partial<EventData<T>>;
  tenantid?: string;
  source?: string;
  id?: string;
  time?: string;
  subject?: string;
  traceparent?: string;
}

/** A valid CloudEvent of `type`: the contract's example data with `data` merged in and a fresh id. */
export function buildEvent<T extends EventType>(type: T, options: BuildEventOptions<T> = {}): CloudEvent<T> {
  const example = structuredClone(EVENT_DATA_EXAMPLES[type]) as EventData<T>;
  return createEvent({
    type,
    tenantid: options.tenantid ?? 'acme',
    source: options.source ?? '/tests',
    data: { ...example, ...options.data } as EventData<T>,
    id: options.id ?? randomUUID(),
    time: options.time,
    subject: options.subject,
    traceparent: options.traceparent,
  });
}

/** A unique id with a readable prefix (`int-3f9c…`). */
export function uniqueId(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 12)}`;
}

/** A unique, valid tenant id, so tests never share tenant data. */
export function uniqueTenant(prefix = 'tenant'): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}
