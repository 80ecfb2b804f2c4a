import type { EventType } from './registry';
import { TENANT_ID_PATTERN } from './tenant';

/** First token of every event subject: `cc.<tenant>.<type>`. */
export const SUBJECT_PREFIX = 'cc';

/** An event type as subject tokens: dot-separated, no wildcards or whitespace, no empty tokens. */
const EVENT_TYPE_TOKENS = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;
const SUBJECT_PATTERN = /^cc\.([a-z0-9][a-z0-9-]{0,39})\.([A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*)$/;

/** The NATS subject an event is published on, e.g. `cc.acme.interaction.created`. */
export function subjectFor(tenant: string, type: EventType | string): string {
  if (!TENANT_ID_PATTERN.test(tenant)) {
    throw new Error(`Invalid tenant id "${tenant}": expected ${String(TENANT_ID_PATTERN)}`);
  }
  if (!EVENT_TYPE_TOKENS.test(type)) {
    throw new Error(`Invalid event type "${type}" for a subject`);
  }
  return `${SUBJECT_PREFIX}.${tenant}.${type}`;
}

/** The inverse of `subjectFor`; undefined when the subject is not an event subject. The type is not checked against the registry. */
export function parseSubject(subject: string): { tenant: string; type: string } | undefined {
  const match = SUBJECT_PATTERN.exec(subject);
  if (!match) return undefined;
  return { tenant: match[1] as string, type: match[2] as string };
}

/** Filter subject for one event type across all tenants, e.g. `cc.*.routing.offered`. */
export function typeSubjectFilter(type: EventType | string): string {
  if (!EVENT_TYPE_TOKENS.test(type)) {
    throw new Error(`Invalid event type "${type}" for a subject`);
  }
  return `${SUBJECT_PREFIX}.*.${type}`;
}
