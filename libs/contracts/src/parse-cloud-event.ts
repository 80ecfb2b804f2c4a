import { markChecked } from './checked-events';
import type { AnyCloudEvent } from './cloud-event';
import { toContractIssues, type ContractIssue } from './contract-issue';
import { cloudEventEnvelopeSchema } from './envelope';
import { eventDataSchemas, isEventType } from './registry';

export type ParseResult = { success: true; event: AnyCloudEvent } | { success: false; issues: ContractIssue[] };

/**
 * Validates an untrusted message in three steps, so that callers get the most useful issues:
 * the envelope, then that the type is known (issue at "type"), then `data` (issues at "data.…").
 * Unknown extension attributes and unknown `data` fields are dropped from the result.
 */
export function parseCloudEvent(input: unknown): ParseResult {
  const envelope = cloudEventEnvelopeSchema.safeParse(input);
  if (!envelope.success) {
    return { success: false, issues: toContractIssues(envelope.error) };
  }
  const { type } = envelope.data;
  if (!isEventType(type)) {
    return { success: false, issues: [{ path: 'type', message: `Unknown event type "${type}"` }] };
  }
  const data = eventDataSchemas[type].safeParse(envelope.data.data);
  if (!data.success) {
    return { success: false, issues: toContractIssues(data.error, ['data']) };
  }
  // The envelope schema checked every attribute and the data schema checked `data` for this type.
  const event = { ...envelope.data, type, data: data.data } as AnyCloudEvent;
  return { success: true, event: markChecked(event) };
}
