import { createEvent, type CloudEvent, type EventData, type EventType } from '@switchboard/contracts';

export const ROUTING_SOURCE = '/routing';
/** The idempotency ledger's name for routing's consumed events. */
export const ROUTING_CONSUMER = 'routing';

/** A routing-published event, validated against its contract. */
export function routingEvent<T extends EventType>(type: T, tenant: string, data: EventData<T>): CloudEvent<T> {
  return createEvent({ type, tenantid: tenant, source: ROUTING_SOURCE, data });
}
