import { eventDataSchemas, type EventType } from '../src/index';
import { EVENT_DATA_EXAMPLES } from '../src/examples';

/** Dotted paths of the issues `data` has for `type`; empty when valid. */
export function dataIssues(type: EventType, data: unknown): string[] {
  const result = eventDataSchemas[type].safeParse(data);
  return result.success ? [] : result.error.issues.map((issue) => issue.path.map(String).join('.'));
}

/** A copy of the sample data of `type` with fields replaced (undefined removes a field). */
export function sampleWith(type: EventType, changes: Record<string, unknown>): Record<string, unknown> {
  const data: Record<string, unknown> = { ...structuredClone(EVENT_DATA_EXAMPLES[type]) };
  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined) delete data[key];
    else data[key] = value;
  }
  return data;
}
