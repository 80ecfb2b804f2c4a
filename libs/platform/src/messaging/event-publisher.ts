import { Inject, Injectable, Optional } from '@nestjs/common';
import { isCheckedEvent, parseCloudEvent, streamForType, subjectFor, type AnyCloudEvent } from '@switchboard/contracts';
import { headers as natsHeaders, type JetStreamClient, type MsgHdrs, type NatsConnection } from 'nats';
import type { PlatformConfig } from '../config/platform-config';
import { PLATFORM_CONFIG } from '../config/tokens';
import { RequestContext } from '../context/request-context';
import { childTraceparent } from '../context/trace-context';
import { AppError, type FieldIssue } from '../errors/app-error';
import { MetricsRegistry } from '../metrics/metrics.registry';
import { JetStreamPipeline } from './jetstream-pipeline';
import { NATS_CONNECTION } from './messaging.options';
import { messagingMetrics, type MessagingMetrics } from './messaging.metrics';
import { namer, type Namer } from './naming';

export interface PublishAck {
  stream: string;
  seq: number;
  /** True when JetStream already held a message with this event id (nothing was stored). */
  duplicate: boolean;
}

/** Header names the adapter sets on every event message. */
export const EVENT_HEADERS = { traceparent: 'traceparent', tenant: 'ce-tenantid', type: 'ce-type', id: 'ce-id' } as const;

const PIPELINE_CHUNK = 1000;
const encoder = new TextEncoder();

export interface PublishManyOptions {
  /**
   * Every event is what `parseCloudEvent` returned (a `traceparent` added at most): skip validating it
   * again. For producers that validate at their own edge and publish at high rates.
   */
  validated?: boolean;
  /**
   * Acks come back on one subscription of the publisher, matched by reply subject (see
   * {@link JetStreamPipeline}), instead of one request per event: no per-event timer and bookkeeping.
   * For producers publishing thousands of events a second. Same acks and failures (a rejection whose
   * `code` is NO_RESPONDERS, TIMEOUT or API_ERROR).
   */
  sharedInbox?: boolean;
}

export interface EventPublisherOptions {
  namespace: string;
  registry?: MetricsRegistry;
}

/**
 * Publishes CloudEvents to JetStream: validated against the contract (unless checked already: the very object
 * `createEvent` or `parseCloudEvent` returned, as the outbox hands on), on `cc.<tenant>.<type>`, with the
 * event id as the message id (JetStream drops a re-publish within the duplicate window), resolving only
 * once JetStream has stored the event.
 */
@Injectable()
export class EventPublisher {
  private readonly js: JetStreamClient;
  private readonly names: Namer;
  private readonly metrics: MessagingMetrics;
  private pipeline: JetStreamPipeline | undefined;

  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(PLATFORM_CONFIG) config: Pick<PlatformConfig, 'nats'>,
    @Optional() registry?: MetricsRegistry,
  ) {
    this.js = nc.jetstream();
    this.names = namer(config.nats.namespace);
    this.metrics = messagingMetrics(registry);
  }

  /** A publisher outside Nest (scripts, benchmarks). */
  static standalone(nc: NatsConnection, options: EventPublisherOptions): EventPublisher {
    return new EventPublisher(nc, { nats: { url: '', namespace: options.namespace } }, options.registry);
  }

  /** Publishes one event. Throws a non-retryable `MESSAGING.INVALID_EVENT` AppError when it breaks its contract. */
  async publish(event: AnyCloudEvent): Promise<PublishAck> {
    return this.send(this.prepare(event));
  }

  /**
   * Publishes events pipelined (up to 1000 in flight) and resolves with their acks in order. Rejects when
   * any publish fails; retrying the whole batch is safe because every event id is its message id.
   * Nothing is published when any event is invalid. Events without a `traceparent` get one child span of
   * the current trace between them (one publishing operation, one span).
   */
  async publishMany(events: readonly AnyCloudEvent[], options: PublishManyOptions = {}): Promise<PublishAck[]> {
    // One span for the whole call: events without a trace context of their own share it.
    let span: string | undefined;
    const traced = (event: AnyCloudEvent) => event.traceparent ?? (span ??= childTraceparent(RequestContext.current()?.traceparent));
    const prepared = events.map((event, index) =>
      options.validated || isCheckedEvent(event) ? this.envelope(event, traced(event)) : this.prepare(event, String(index), traced(event)),
    );
    const acks: PublishAck[] = [];
    for (let start = 0; start < prepared.length; start += PIPELINE_CHUNK) {
      const chunk = prepared.slice(start, start + PIPELINE_CHUNK);
      const results = await Promise.allSettled(options.sharedInbox ? chunk.map((p) => this.sendPipelined(p)) : chunk.map((p) => this.send(p)));
      for (const result of results) {
        if (result.status === 'rejected') throw result.reason;
        acks.push(result.value);
      }
    }
    return acks;
  }

  private prepare(input: AnyCloudEvent, at = '', traceparent?: string): Prepared {
    const parsed = parseCloudEvent(input);
    if (!parsed.success) {
      const fields: FieldIssue[] = parsed.issues.map((issue) => ({
        field: [at, issue.path].filter(Boolean).join('.'),
        message: issue.message,
      }));
      throw new AppError(`Event ${describe(input)} breaks its contract`, {
        code: 'MESSAGING.INVALID_EVENT',
        status: 400,
        retryable: false,
        fields,
      });
    }
    return this.envelope(input, traceparent);
  }

  /** Subject, stream and headers of a valid event. */
  private envelope(input: AnyCloudEvent, span?: string): Prepared {
    const traceparent = input.traceparent ?? span ?? childTraceparent(RequestContext.current()?.traceparent);
    // Publish what the caller passed (unknown data fields included), plus the trace context.
    const event = input.traceparent === traceparent ? input : ({ ...input, traceparent } as AnyCloudEvent);
    const h = natsHeaders();
    h.set(EVENT_HEADERS.traceparent, traceparent);
    h.set(EVENT_HEADERS.tenant, event.tenantid);
    h.set(EVENT_HEADERS.type, event.type);
    h.set(EVENT_HEADERS.id, event.id);
    return {
      event,
      headers: h,
      subject: this.names.subject(subjectFor(event.tenantid, event.type)),
      stream: this.names.stream(streamForType(event.type).name),
    };
  }

  private async send({ event, headers, subject, stream }: Prepared): Promise<PublishAck> {
    const started = performance.now();
    try {
      const ack = await this.js.publish(subject, encoder.encode(JSON.stringify(event)), {
        msgID: event.id,
        headers,
        expect: { streamName: stream },
      });
      this.metrics.published(event.type, ack.duplicate ? 'duplicate' : 'stored', (performance.now() - started) / 1000);
      return { stream: ack.stream, seq: ack.seq, duplicate: ack.duplicate };
    } catch (error) {
      this.metrics.published(event.type, 'failed');
      throw error;
    }
  }

  private async sendPipelined({ event, headers, subject, stream }: Prepared): Promise<PublishAck> {
    const started = performance.now();
    this.pipeline ??= new JetStreamPipeline(this.nc);
    headers.set(JS_HEADERS.msgId, event.id);
    headers.set(JS_HEADERS.expectedStream, stream);
    try {
      const ack = await this.pipeline.publish(subject, encoder.encode(JSON.stringify(event)), headers);
      this.metrics.published(event.type, ack.duplicate ? 'duplicate' : 'stored', (performance.now() - started) / 1000);
      return ack;
    } catch (error) {
      this.metrics.published(event.type, 'failed');
      throw error;
    }
  }
}

/** The headers `js.publish` sets for a message id and an expected stream. */
const JS_HEADERS = { msgId: 'Nats-Msg-Id', expectedStream: 'Nats-Expected-Stream' } as const;

interface Prepared {
  event: AnyCloudEvent;
  headers: MsgHdrs;
  subject: string;
  stream: string;
}

function describe(input: unknown): string {
  if (typeof input === 'object' && input !== null) {
    const { id, type } = input as { id?: unknown; type?: unknown };
    return `${typeof type === 'string' ? type : '?'} ${typeof id === 'string' ? id : '(no id)'}`;
  }
  return '(not an object)';
}
