import { parseCloudEvent, type AnyCloudEvent } from '@switchboard/contracts';
import { AppError, ValidationError, type FieldIssue } from '@switchboard/platform';
import { MAX_BATCH_EVENTS } from '../config/intake.config';
import { TenantMismatchError } from '../ingestion/ingestion.errors';
import { CONTROL_CHARACTER } from '../mapping/ids';

export const SINGLE_MEDIA_TYPES = ['application/cloudevents+json', 'application/json'] as const;
export const BATCH_MEDIA_TYPE = 'application/cloudevents-batch+json';

/** Problem details list at most this many field issues. */
const MAX_ISSUES = 100;

/** Whether a request body is one event or a batch, from its media type (undefined: not accepted). */
export function bodyMode(contentType: string | undefined): 'single' | 'batch' | undefined {
  const media = (contentType ?? '').split(';', 1)[0]?.trim().toLowerCase() ?? '';
  if (media === BATCH_MEDIA_TYPE) return 'batch';
  if ((SINGLE_MEDIA_TYPES as readonly string[]).includes(media)) return 'single';
  return undefined;
}

/**
 * Validates a request body as one CloudEvent or a batch of them and checks that every event belongs to
 * `tenant`. A batch with any invalid event is refused whole: the problem names each event by its index
 * (`[3].data.customer.id`). Returns the events as the contract reads them (attributes and `data` fields
 * it does not know are dropped, as `parseCloudEvent` documents).
 */
export function parseEventBody(body: unknown, mode: 'single' | 'batch', tenant: string): AnyCloudEvent[] {
  let items: unknown[];
  if (mode === 'batch') {
    if (!Array.isArray(body)) {
      throw new ValidationError(`A ${BATCH_MEDIA_TYPE} body is a JSON array of events.`, [{ field: '(root)', message: 'Expected an array of events' }]);
    }
    if (body.length > MAX_BATCH_EVENTS) {
      throw new AppError(`A batch holds at most ${MAX_BATCH_EVENTS} events; this one has ${body.length}.`, {
        code: 'INTAKE.BATCH_TOO_LARGE',
        status: 413,
        retryable: false,
        title: 'Payload too large',
        fields: [{ field: '(root)', message: `At most ${MAX_BATCH_EVENTS} events per batch` }],
      });
    }
    items = body;
  } else {
    if (Array.isArray(body)) {
      throw new ValidationError(`Send batches as ${BATCH_MEDIA_TYPE}.`, [{ field: '(root)', message: 'Expected one event (an object), got an array' }]);
    }
    items = [body];
  }

  const issues: FieldIssue[] = [];
  const events: AnyCloudEvent[] = [];
  items.forEach((item, index) => {
    const prefix = mode === 'batch' ? `[${index}]` : '';
    const parsed = parseCloudEvent(item);
    if (!parsed.success) {
      for (const issue of parsed.issues) issues.push({ field: fieldName(prefix, issue.path), message: issue.message });
      return;
    }
    if (CONTROL_CHARACTER.test(parsed.event.id)) {
      // The id travels as the JetStream message id header and the de-duplication key.
      issues.push({ field: fieldName(prefix, 'id'), message: 'Must not contain control characters' });
      return;
    }
    events.push(parsed.event);
  });
  if (issues.length > 0) {
    const invalid = new Set(issues.map((i) => i.field.replace(/^(\[\d+\]).*$/, '$1'))).size;
    throw new ValidationError(
      mode === 'batch' ? `${invalid} of ${items.length} events are invalid; nothing was accepted.` : 'The event is invalid.',
      capped(issues),
      'INTAKE.INVALID_EVENT',
    );
  }

  const foreign: FieldIssue[] = [];
  events.forEach((event, index) => {
    if (event.tenantid !== tenant) {
      foreign.push({ field: fieldName(mode === 'batch' ? `[${index}]` : '', 'tenantid'), message: `The token is for tenant "${tenant}", not "${event.tenantid}"` });
    }
  });
  if (foreign.length > 0) throw new TenantMismatchError(capped(foreign));
  return events;
}

function fieldName(prefix: string, path: string): string {
  if (!prefix) return path || '(root)';
  return path ? `${prefix}.${path}` : prefix;
}

function capped(issues: FieldIssue[]): FieldIssue[] {
  if (issues.length <= MAX_ISSUES) return issues;
  return [...issues.slice(0, MAX_ISSUES), { field: '(more)', message: `${issues.length - MAX_ISSUES} more issue(s) not listed` }];
}
