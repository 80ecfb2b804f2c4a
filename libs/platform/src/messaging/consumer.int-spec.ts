import { Injectable } from '@nestjs/common';
import type { TestingModule } from '@nestjs/testing';
import type { CloudEvent } from '@switchboard/contracts';
import type { JetStreamManager, NatsConnection } from 'nats';
import { RequestContext, type ContextFields } from '../context/request-context';
import { parseTraceparent } from '../context/trace-context';
import { AppError, TransientError } from '../errors/app-error';
import { MetricsRegistry } from '../metrics/metrics.registry';
import type { DeadLetterRecord } from './dead-letter';
import { EventPublisher } from './event-publisher';
import { deleteNamespace, eventually, makeEvent, openConnection, readStream, startApp, uniqueNamespace } from './messaging.test-kit';
import { namespacedStream } from './naming';
import { OnEvent, type MessageContext } from './on-event.decorator';

const MAX_DELIVER = 3;

interface Delivery {
  id: string;
  interactionId: string;
  deliveryCount: number;
  context: ContextFields | undefined;
}

/** Behaves according to the interaction id: `retry-once-…`, `poison-…`, `fatal-…`, anything else succeeds. */
@Injectable()
class InteractionEndedHandler {
  readonly deliveries: Delivery[] = [];
  readonly completed: string[] = [];

  @OnEvent('interaction.ended')
  async handle(event: CloudEvent<'interaction.ended'>, ctx: MessageContext): Promise<void> {
    const { interactionId } = event.data;
    this.deliveries.push({ id: event.id, interactionId, deliveryCount: ctx.deliveryCount, context: RequestContext.current() });
    if (interactionId.startsWith('retry-once-') && ctx.deliveryCount === 1) throw new TransientError('database restarting');
    if (interactionId.startsWith('poison-')) throw new Error('always fails');
    if (interactionId.startsWith('fatal-')) throw new AppError('unknown queue', { code: 'TEST.UNKNOWN_QUEUE' });
    this.completed.push(event.id);
  }

  of(id: string): Delivery[] {
    return this.deliveries.filter((d) => d.id === id);
  }
}

describe('@OnEvent durable consumers (JetStream)', () => {
  const ns = uniqueNamespace();
  const durable = `${ns}-svc-cc_interactions`;
  const stream = namespacedStream(ns, 'CC_INTERACTIONS');
  const dlqStream = namespacedStream(ns, 'CC_DEADLETTER');
  let app: TestingModule;
  let publisher: EventPublisher;
  let handler: InteractionEndedHandler;
  let nc: NatsConnection;
  let jsm: JetStreamManager;

  beforeAll(async () => {
    ({ nc, jsm } = await openConnection());
    app = await startApp({
      namespace: ns,
      providers: [InteractionEndedHandler],
      messaging: { consumers: { ackWaitMs: 2000, maxDeliver: MAX_DELIVER, backoff: { baseMs: 20, maxMs: 100 } } },
    });
    publisher = app.get(EventPublisher);
    handler = app.get(InteractionEndedHandler);
  });

  afterAll(async () => {
    await app?.close();
    await deleteNamespace(jsm, ns);
    await nc?.close();
  });

  const deadLetters = () => readStream<DeadLetterRecord>(jsm, dlqStream);
  const rawPublish = (body: string) => nc.jetstream().publish(`${ns}.cc.acme.interaction.ended`, new TextEncoder().encode(body));

  it('creates the durable with explicit acks, the filter of its one event type and the tuning', async () => {
    const info = await jsm.consumers.info(stream, durable);
    expect(info.config).toMatchObject({
      durable_name: durable,
      filter_subject: `${ns}.cc.*.interaction.ended`,
      ack_policy: 'explicit',
      deliver_policy: 'all',
      max_deliver: MAX_DELIVER + 1,
      max_ack_pending: 64,
    });
  });

  it('delivers a published event to its handler once and acks it', async () => {
    const event = makeEvent('interaction.ended', { interactionId: 'ok-1' });
    await publisher.publish(event);
    await eventually(() => expect(handler.completed).toContain(event.id));
    await eventually(async () => {
      const info = await jsm.consumers.info(stream, durable);
      expect(info.num_ack_pending).toBe(0);
      expect(info.num_pending).toBe(0);
    });
    expect(handler.of(event.id)).toHaveLength(1);
    expect(handler.of(event.id)[0]?.context).toMatchObject({ tenantId: 'acme', interactionId: 'ok-1', eventId: event.id });
  });

  it('redelivers after a retryable failure and then succeeds', async () => {
    const event = makeEvent('interaction.ended', { interactionId: 'retry-once-1' });
    await publisher.publish(event);
    await eventually(() => expect(handler.completed).toContain(event.id));
    expect(handler.of(event.id).map((d) => d.deliveryCount)).toEqual([1, 2]);
  });

  it('dead-letters a message that is not JSON without retrying it', async () => {
    const ack = await rawPublish('{"this is": not json');
    const record = await eventually(async () => {
      const found = (await deadLetters()).find((r) => r.streamSequence === ack.seq);
      if (!found) throw new Error('not dead-lettered yet');
      return found;
    });
    expect(record).toMatchObject({
      service: 'svc',
      consumer: 'svc-cc_interactions',
      reason: 'invalid',
      error: { code: 'MESSAGING.INVALID_JSON' },
      payload: '{"this is": not json',
      deliveryCount: 1,
      stream,
    });
    // Terminated, not retried: nothing of it stays pending, and it was dead-lettered once.
    await eventually(async () => expect((await jsm.consumers.info(stream, durable)).num_ack_pending).toBe(0));
    expect((await deadLetters()).filter((r) => r.streamSequence === ack.seq)).toHaveLength(1);
  });

  it('dead-letters valid JSON that breaks the contract, with the issues, without calling the handler', async () => {
    const bad = { ...makeEvent('interaction.ended'), data: { interactionId: 'schema-1', reason: 'bored' } };
    const ack = await rawPublish(JSON.stringify(bad));
    const record = await eventually(async () => {
      const found = (await deadLetters()).find((r) => r.streamSequence === ack.seq);
      if (!found) throw new Error('not dead-lettered yet');
      return found;
    });
    expect(record).toMatchObject({ reason: 'invalid', eventId: bad.id, error: { code: 'MESSAGING.INVALID_EVENT' } });
    expect(record.error.issues).toEqual([expect.objectContaining({ path: 'data.reason' })]);
    expect(handler.of(bad.id)).toHaveLength(0);
  });

  it('dead-letters a poison message after the last delivery', async () => {
    const event = makeEvent('interaction.ended', { interactionId: 'poison-1' });
    await publisher.publish(event);
    const record = await eventually(async () => {
      const found = (await deadLetters()).find((r) => r.eventId === event.id);
      if (!found) throw new Error('not dead-lettered yet');
      return found;
    });
    expect(record).toMatchObject({ reason: 'max_deliveries', deliveryCount: MAX_DELIVER, error: { message: 'always fails' } });
    expect(handler.of(event.id).map((d) => d.deliveryCount)).toEqual([1, 2, 3]);
  });

  it('dead-letters at once on a non-retryable error', async () => {
    const event = makeEvent('interaction.ended', { interactionId: 'fatal-1' });
    await publisher.publish(event);
    const record = await eventually(async () => {
      const found = (await deadLetters()).find((r) => r.eventId === event.id);
      if (!found) throw new Error('not dead-lettered yet');
      return found;
    });
    expect(record).toMatchObject({ reason: 'poison', deliveryCount: 1, error: { code: 'TEST.UNKNOWN_QUEUE' } });
    expect(handler.of(event.id)).toHaveLength(1);
  });

  it('handles a re-published event id once', async () => {
    const event = makeEvent('interaction.ended', { interactionId: 'dup-1' });
    const follower = makeEvent('interaction.ended', { interactionId: 'dup-1' });
    expect((await publisher.publish(event)).duplicate).toBe(false);
    expect((await publisher.publish(event)).duplicate).toBe(true);
    await publisher.publish(follower);
    // Same interaction, so the follower runs after the original: once it is done, any duplicate would have run.
    await eventually(() => expect(handler.completed).toContain(follower.id));
    expect(handler.of(event.id)).toHaveLength(1);
  });

  it('carries the trace of the publishing context into the handler context', async () => {
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const event = makeEvent('interaction.ended', { interactionId: 'trace-1' });
    await RequestContext.run({ traceparent }, () => publisher.publish(event));
    await eventually(() => expect(handler.completed).toContain(event.id));
    const seen = handler.of(event.id)[0]?.context?.traceparent;
    expect(parseTraceparent(seen)?.traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
  });

  it('is never handed the types it has no handler for (its filter leaves them in the stream)', async () => {
    const created = makeEvent('interaction.created');
    await publisher.publish(created);
    const ended = makeEvent('interaction.ended');
    await publisher.publish(ended);
    await eventually(async () => {
      expect(handler.completed).toContain(ended.id);
      const info = await jsm.consumers.info(stream, durable);
      expect(info.num_pending + info.num_ack_pending).toBe(0);
    });
    const stored = await jsm.streams.getMessage(stream, { last_by_subj: `${ns}.cc.${created.tenantid}.interaction.created` });
    expect(stored.json<{ id: string }>().id).toBe(created.id);
    const text = await app.get(MetricsRegistry).registry.getSingleMetricAsString('sb_events_consumed_total');
    expect(text).not.toContain('type="interaction.created"');
    expect(text).toMatch(/outcome="dead_lettered"\} [1-9]/);
    expect(text).toMatch(/outcome="retried"\} [1-9]/);
  });
});
