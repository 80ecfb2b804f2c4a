import type { Logger } from '@nestjs/common';
import { isEventType, parseCloudEvent, parseSubject, type AnyCloudEvent } from '@switchboard/contracts';
import type { JsMsg } from 'nats';
import { RequestContext } from '../context/request-context';
import { childTraceparent } from '../context/trace-context';
import { AppError, isRetryable } from '../errors/app-error';
import type { ConsumerPlan, HandlerBinding } from './consumer-plan';
import type { DeadLetterReason, DeadLetterRecord, DeadLetterSink } from './dead-letter';
import { EVENT_HEADERS } from './event-publisher';
import { errorMessage } from '../errors/error-message';
import { backoffMs, type ConsumerTuning } from './messaging.options';
import type { MessagingMetrics } from './messaging.metrics';
import type { Namer } from './naming';
import type { MessageContext } from './on-event.decorator';

/** What is known of the event of a message that may be invalid. */
type EventRef = { id?: string; type?: string };

/** A message after decoding: skipped (no handler for its type), invalid, or an event to hand to its handlers. */
export type Classified =
  | { kind: 'skip'; type: string }
  | { kind: 'invalid'; error: DeadLetterRecord['error']; event?: EventRef }
  | { kind: 'event'; event: AnyCloudEvent; key: string; handlers: HandlerBinding[] };

export interface MessageProcessorDeps {
  service: string;
  plan: ConsumerPlan;
  names: Namer;
  tuning: ConsumerTuning;
  deadLetters: DeadLetterSink;
  metrics: MessagingMetrics;
  logger: Pick<Logger, 'log' | 'warn' | 'error' | 'debug'>;
  random?: () => number;
}

const decoder = new TextDecoder();

/**
 * What happens to one message of one consumer: decode, validate, run the handlers inside the event's
 * RequestContext, then ack; on failure nak with backoff, or dead-letter and term when the message can
 * never succeed or has used up its deliveries. A message is termed only after its dead letter record is stored.
 */
export class MessageProcessor {
  private acks: JsMsg[] = [];

  constructor(private readonly deps: MessageProcessorDeps) {}

  /**
   * Sends the acks queued so far. Acks are queued and sent together once per turn of the event loop, so that the acks of
   * a pulled batch (skipped messages, a batch committed together) go out in one socket write instead of one each.
   */
  flushAcks(): void {
    const acks = this.acks;
    this.acks = [];
    for (const msg of acks) settle(() => msg.ack(), this.deps.logger);
  }

  private ack(msg: JsMsg): void {
    if (this.acks.push(msg) === 1) setImmediate(() => this.flushAcks());
  }

  /** Synchronous first step: whether this consumer handles the message, and under which ordering key. */
  classify(msg: JsMsg): Classified {
    const { plan, names } = this.deps;
    const bare = names.strip(msg.subject);
    const subjectType = bare === undefined ? undefined : parseSubject(bare)?.type;
    if (subjectType !== undefined && !(isEventType(subjectType) && plan.handlers.has(subjectType))) {
      return { kind: 'skip', type: subjectType };
    }
    let json: unknown;
    try {
      json = JSON.parse(decoder.decode(msg.data));
    } catch (error) {
      return { kind: 'invalid', error: { message: `payload is not JSON: ${errorMessage(error)}`, code: 'MESSAGING.INVALID_JSON' } };
    }
    const parsed = parseCloudEvent(json);
    if (!parsed.success) {
      return {
        kind: 'invalid',
        error: { message: 'event breaks its contract', code: 'MESSAGING.INVALID_EVENT', issues: parsed.issues },
        event: partialEvent(json),
      };
    }
    const event = parsed.event;
    const expected = bare === undefined ? undefined : parseSubject(bare);
    if (!expected || expected.type !== event.type || expected.tenant !== event.tenantid) {
      return {
        kind: 'invalid',
        error: { message: `subject ${msg.subject} does not match the event's tenant and type`, code: 'MESSAGING.SUBJECT_MISMATCH' },
        event,
      };
    }
    const handlers = plan.handlers.get(event.type);
    if (!handlers) return { kind: 'skip', type: event.type };
    return { kind: 'event', event, key: `${event.tenantid}/${orderingKey(event)}`, handlers };
  }

  /** Acks a message this consumer has no handler for. */
  skip(msg: JsMsg, classified: Extract<Classified, { kind: 'skip' }>): void {
    this.ack(msg);
    this.deps.metrics.consumed(this.deps.plan.durable, isEventType(classified.type) ? classified.type : 'unknown', 'skipped');
  }

  async process(msg: JsMsg, classified: Exclude<Classified, { kind: 'skip' }>): Promise<void> {
    if (classified.kind === 'invalid') {
      this.deps.logger.warn(`message ${msg.info.stream}#${msg.seq} on ${msg.subject} is invalid: ${describeError(classified.error)}`);
      await this.deadLetter(msg, 'invalid', classified.error, classified.event);
      return;
    }
    const { event, handlers } = classified;
    const { durable } = this.deps.plan;
    const deliveryCount = msg.info.redeliveryCount;
    const { maxDeliver } = this.deps.tuning;
    if (deliveryCount > maxDeliver) {
      // The last allowed delivery never completed (crash, ack timeout): give up without running again.
      const error = { message: `not completed within ${maxDeliver} deliveries`, code: 'MESSAGING.DELIVERIES_EXHAUSTED' };
      await this.deadLetter(msg, 'max_deliveries', error, event);
      return;
    }
    const context = messageContext(msg);
    const started = performance.now();
    try {
      await this.runHandlers(event, context, handlers, msg.headers?.has(EVENT_HEADERS.traceparent) ? msg.headers.get(EVENT_HEADERS.traceparent) : undefined);
    } catch (error) {
      this.deps.metrics.handled(durable, event.type, (performance.now() - started) / 1000);
      await this.failed(msg, event, deliveryCount, error);
      return;
    }
    this.deps.metrics.handled(durable, event.type, (performance.now() - started) / 1000);
    this.ack(msg);
    this.deps.metrics.consumed(durable, event.type, 'acked');
  }

  private async runHandlers(
    event: AnyCloudEvent,
    context: MessageContext,
    handlers: readonly HandlerBinding[],
    headerTraceparent: string | undefined,
  ): Promise<void> {
    const data = event.data as { interactionId?: unknown };
    const parent = headerTraceparent ?? event.traceparent;
    await RequestContext.run(
      {
        tenantId: event.tenantid,
        eventId: event.id,
        traceparent: childTraceparent(parent),
        ...(typeof data.interactionId === 'string' ? { interactionId: data.interactionId } : {}),
      },
      async () => {
        for (const handler of handlers) await handler.handle(event, context);
      },
    );
  }

  private async failed(msg: JsMsg, event: AnyCloudEvent, deliveryCount: number, error: unknown): Promise<void> {
    const summary = errorSummary(error);
    if (!isRetryable(error)) {
      this.deps.logger.error(`event ${event.id} (${event.type}) failed for good: ${describeError(summary)}`);
      await this.deadLetter(msg, 'poison', summary, event);
      return;
    }
    if (deliveryCount >= this.deps.tuning.maxDeliver) {
      this.deps.logger.error(`event ${event.id} (${event.type}) failed on its last delivery (${deliveryCount}): ${describeError(summary)}`);
      await this.deadLetter(msg, 'max_deliveries', summary, event);
      return;
    }
    const delay = backoffMs(deliveryCount, this.deps.tuning.backoff, this.deps.random);
    this.deps.logger.warn(`event ${event.id} (${event.type}) failed on delivery ${deliveryCount}, retrying in ${delay} ms: ${describeError(summary)}`);
    settle(() => msg.nak(delay), this.deps.logger);
    this.deps.metrics.consumed(this.deps.plan.durable, event.type, 'retried');
  }

  private async deadLetter(
    msg: JsMsg,
    reason: DeadLetterReason,
    error: DeadLetterRecord['error'],
    event: EventRef | undefined,
  ): Promise<void> {
    const { service, plan, metrics, logger } = this.deps;
    const type = typeof event?.type === 'string' && isEventType(event.type) ? event.type : 'unknown';
    const record: DeadLetterRecord = {
      service,
      consumer: plan.durable,
      reason,
      error,
      stream: msg.info.stream,
      subject: msg.subject,
      streamSequence: msg.seq,
      deliveryCount: msg.info.redeliveryCount,
      ...(typeof event?.id === 'string' ? { eventId: event.id } : {}),
      ...(typeof event?.type === 'string' ? { type: event.type } : {}),
      headers: headerRecord(msg),
      payload: decoder.decode(msg.data),
      failedAt: new Date().toISOString(),
    };
    try {
      await this.deps.deadLetters.send(record);
    } catch (sendError) {
      const delay = backoffMs(msg.info.redeliveryCount, this.deps.tuning.backoff, this.deps.random);
      logger.error(
        `could not dead-letter ${record.eventId ?? `${record.stream}#${record.streamSequence}`} (${errorMessage(sendError)}); ` +
          `redelivering in ${delay} ms`,
      );
      settle(() => msg.nak(delay), logger);
      metrics.consumed(plan.durable, type, 'retried');
      return;
    }
    // No reason argument: servers before 2.11 do not understand `+TERM <reason>` and would not terminate.
    settle(() => msg.term(), logger);
    metrics.consumed(plan.durable, type, 'dead_lettered');
    logger.warn(`dead-lettered ${record.eventId ?? '(no event id)'} from ${record.stream}#${record.streamSequence} (${reason})`);
  }
}

/** Messages of one key are handled in order: the CloudEvents subject, else the interaction, else the agent, else the event. */
export function orderingKey(event: AnyCloudEvent): string {
  const data = event.data as { interactionId?: unknown; agentId?: unknown };
  if (event.subject) return event.subject;
  if (typeof data.interactionId === 'string') return data.interactionId;
  if (typeof data.agentId === 'string') return data.agentId;
  return event.id;
}

export function headerRecord(msg: Pick<JsMsg, 'headers'>): Record<string, string> {
  const out: Record<string, string> = {};
  if (!msg.headers) return out;
  for (const key of msg.headers.keys()) out[key] = msg.headers.get(key);
  return out;
}

function messageContext(msg: JsMsg): MessageContext {
  let headers: Record<string, string> | undefined;
  return {
    subject: msg.subject,
    deliveryCount: msg.info.redeliveryCount,
    streamSequence: msg.seq,
    // Built when a handler first reads it: most never do, and a record per message is garbage at thousands a second.
    get headers() {
      return (headers ??= headerRecord(msg));
    },
    receivedAt: new Date(),
  };
}

function errorSummary(error: unknown): DeadLetterRecord['error'] {
  if (error instanceof AppError) return { message: error.message, code: error.code };
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return { message: errorMessage(error), ...(typeof code === 'string' ? { code } : {}) };
}

function describeError(error: DeadLetterRecord['error']): string {
  const issues = error.issues?.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ');
  return `${error.code ? `[${error.code}] ` : ''}${error.message}${issues ? ` (${issues})` : ''}`;
}

function partialEvent(json: unknown): EventRef | undefined {
  if (typeof json !== 'object' || json === null) return undefined;
  const { id, type } = json as { id?: unknown; type?: unknown };
  return { ...(typeof id === 'string' ? { id } : {}), ...(typeof type === 'string' ? { type } : {}) };
}

/** ack/nak/term publish on the connection and throw once it is closed; the message is then redelivered anyway. */
function settle(action: () => void, logger: Pick<Logger, 'warn'>): void {
  try {
    action();
  } catch (error) {
    logger.warn(`could not settle a message (it will be redelivered): ${errorMessage(error)}`);
  }
}
