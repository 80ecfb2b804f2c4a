import { eventSchema, type CloudEvent } from './cloud-event';
import { ContractViolationError, toContractIssues } from './contract-issue';
import { markChecked } from './checked-events';
import { CLOUDEVENTS_SPEC_VERSION, EVENT_DATA_CONTENT_TYPE } from './envelope';
import type { EventData, EventType } from './registry';

export interface CreateEventInput<T extends EventType> {
  type: T;
  tenantid: string;
  /** URI-reference of the producer, e.g. "/routing". */
  source: string;
  data: EventData<T>;
  /** Defaults to a random UUID. Pass a deterministic id to make a re-publish idempotent. */
  id?: string;
  /** Defaults to now. */
  time?: string;
  /** Defaults to `data.interactionId`, else `data.agentId`, else none. */
  subject?: string;
  traceparent?: string;
}

/** Builds a complete, validated event. Throws `ContractViolationError` when the result would break its contract. */
export function createEvent<T extends EventType>(input: CreateEventInput<T>): CloudEvent<T> {
  const subject = input.subject ?? defaultSubject(input.data);
  const candidate = {
    specversion: CLOUDEVENTS_SPEC_VERSION,
    id: input.id ?? globalThis.crypto.randomUUID(),
    source: input.source,
    type: input.type,
    time: input.time ?? new Date().toISOString(),
    ...(subject === undefined ? {} : { subject }),
    datacontenttype: EVENT_DATA_CONTENT_TYPE,
    tenantid: input.tenantid,
    ...(input.traceparent === undefined ? {} : { traceparent: input.traceparent }),
    data: input.data,
  };
  const result = eventSchema(input.type).safeParse(candidate);
  if (!result.success) {
    throw new ContractViolationError(toContractIssues(result.error));
  }
  return markChecked(result.data);
}

function defaultSubject(data: unknown): string | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const { interactionId, agentId } = data as { interactionId?: unknown; agentId?: unknown };
  if (typeof interactionId === 'string' && interactionId.length > 0) return interactionId;
  if (typeof agentId === 'string' && agentId.length > 0) return agentId;
  return undefined;
}
