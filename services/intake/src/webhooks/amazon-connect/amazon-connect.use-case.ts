import { Injectable } from '@nestjs/common';
import type { AnyCloudEvent } from '@switchboard/contracts';
import { AppError, ValidationError, zodIssues, type FieldIssue } from '@switchboard/platform';
import type { z } from 'zod';
import { MAX_BATCH_EVENTS } from '../../config/intake.config';
import { IngestEventsUseCase, type IngestResult } from '../../ingestion/ingest-events.use-case';
import { mapOrReject } from '../../mapping/unmappable';
import { mapAgentEvent, mapContactEvent, type Mapped } from './amazon-connect.mapper';
import { agentEventSchema, contactEventSchema, eventBridgeEnvelopeSchema } from './amazon-connect.schema';

export interface ConnectResult extends IngestResult {
  /** Vendor events that have no canonical counterpart (heartbeats, IVR-only contacts…). */
  ignored: number;
}

const CONTACT_DETAIL_TYPE = 'Amazon Connect Contact Event';

/**
 * Amazon Connect events: EventBridge contact events (or their bare `detail`) and agent event stream
 * records, one per request or an array. Any invalid item refuses the whole request, naming it.
 */
@Injectable()
export class AmazonConnectUseCase {
  constructor(private readonly ingest: IngestEventsUseCase) {}

  async execute(tenantId: string, body: unknown): Promise<ConnectResult> {
    const batch = Array.isArray(body);
    const items: unknown[] = batch ? body : [body];
    if (items.length > MAX_BATCH_EVENTS) {
      throw new AppError(`At most ${MAX_BATCH_EVENTS} events per request.`, { code: 'INTAKE.BATCH_TOO_LARGE', status: 413, title: 'Payload too large' });
    }
    const issues: FieldIssue[] = [];
    const events: AnyCloudEvent[] = [];
    let ignored = 0;
    items.forEach((item, index) => {
      const prefix = batch ? `[${index}]` : '';
      const mapped = mapOrReject(() => this.map(tenantId, item, prefix, issues));
      if (!mapped) return;
      if ('ignored' in mapped) ignored++;
      else events.push(...mapped.events);
    });
    if (issues.length > 0) throw new ValidationError('The request holds events that are not valid Amazon Connect events; nothing was accepted.', issues, 'INTAKE.INVALID_CONNECT_EVENT');
    const result = await this.ingest.execute(tenantId, events, { rateLimited: true });
    return { ...result, ignored };
  }

  private map(tenantId: string, item: unknown, prefix: string, issues: FieldIssue[]): Mapped | undefined {
    const parse = <S extends z.ZodType>(schema: S, value: unknown, path: string): z.infer<S> | undefined => {
      const result = schema.safeParse(value);
      if (result.success) return result.data;
      issues.push(...zodIssues(result.error, join(prefix, path)));
      return undefined;
    };
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      issues.push({ field: prefix || '(root)', message: 'Expected an Amazon Connect event (a JSON object)' });
      return undefined;
    }
    if ('detail-type' in item) {
      const envelope = parse(eventBridgeEnvelopeSchema, item, '');
      if (!envelope) return undefined;
      if (envelope['detail-type'] !== CONTACT_DETAIL_TYPE) return { ignored: `EventBridge detail-type ${envelope['detail-type']}` };
      const contact = parse(contactEventSchema, envelope.detail, 'detail');
      return contact && mapContactEvent(tenantId, contact, envelope.time);
    }
    if ('contactId' in item || 'eventType' in item) {
      const contact = parse(contactEventSchema, item, '');
      return contact && mapContactEvent(tenantId, contact);
    }
    if ('AgentARN' in item || 'EventType' in item) {
      const record = parse(agentEventSchema, item, '');
      return record && mapAgentEvent(tenantId, record);
    }
    issues.push({ field: prefix || '(root)', message: 'Not an Amazon Connect contact event (EventBridge or its detail) nor an agent event stream record' });
    return undefined;
  }
}

function join(prefix: string, path: string): string {
  return [prefix, path].filter(Boolean).join('.');
}
