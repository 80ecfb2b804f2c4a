import type { TestingModule } from '@nestjs/testing';
import { DEAD_LETTER_STREAM, STREAMS, type AnyCloudEvent } from '@switchboard/contracts';
import { nanos, StorageType, type JetStreamManager, type NatsConnection } from 'nats';
import { RequestContext } from '../context/request-context';
import { parseTraceparent } from '../context/trace-context';
import { AppError } from '../errors/app-error';
import { MetricsRegistry } from '../metrics/metrics.registry';
import { EventPublisher } from './event-publisher';
import { MessagingHealth } from './messaging.health';
import { DEFAULT_STREAM_OPTIONS } from './messaging.options';
import { deleteNamespace, makeEvent, openConnection, startApp, uniqueNamespace } from './messaging.test-kit';
import { namespacedStream } from './naming';
import { provisionStreams } from './stream-provisioner';

const TRACE = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

describe('EventPublisher and stream provisioning (JetStream)', () => {
  const ns = uniqueNamespace();
  let app: TestingModule;
  let publisher: EventPublisher;
  let nc: NatsConnection;
  let jsm: JetStreamManager;

  beforeAll(async () => {
    ({ nc, jsm } = await openConnection());
    app = await startApp({ namespace: ns });
    publisher = app.get(EventPublisher);
  });

  afterAll(async () => {
    await app?.close();
    await deleteNamespace(jsm, ns);
    await nc?.close();
  });

  it('provisions every event stream and the dead letter stream in the namespace', async () => {
    for (const definition of [...STREAMS, DEAD_LETTER_STREAM]) {
      const info = await jsm.streams.info(namespacedStream(ns, definition.name));
      expect(info.config.subjects).toEqual(definition.subjects.map((s) => `${ns}.${s}`));
      expect(info.config.storage).toBe(StorageType.File);
      expect(info.config.duplicate_window).toBe(nanos(120_000));
    }
    const dlq = await jsm.streams.info(namespacedStream(ns, DEAD_LETTER_STREAM.name));
    expect(dlq.config.max_age).toBe(nanos(DEFAULT_STREAM_OPTIONS.deadLetterMaxAgeMs));
  });

  it('provisions idempotently, concurrently, and repairs drifted settings', async () => {
    const quiet = { log: () => undefined, warn: () => undefined };
    const runs = await Promise.all([1, 2, 3].map(() => provisionStreams(jsm, ns, DEFAULT_STREAM_OPTIONS, quiet)));
    for (const outcome of runs) expect(new Set(Object.values(outcome))).toEqual(new Set(['unchanged']));

    const name = namespacedStream(ns, 'CC_AGENTS');
    await jsm.streams.update(name, { max_age: nanos(3 * 24 * 3600 * 1000) });
    const repaired = await provisionStreams(jsm, ns, DEFAULT_STREAM_OPTIONS, quiet);
    expect(repaired[name]).toBe('updated');
    expect((await jsm.streams.info(name)).config.max_age).toBe(nanos(DEFAULT_STREAM_OPTIONS.maxAgeMs));
  });

  it('publishes on the namespaced subject with the event id as message id and the CloudEvents headers', async () => {
    const event = makeEvent('interaction.created');
    const ack = await publisher.publish(event);
    expect(ack).toEqual({ stream: namespacedStream(ns, 'CC_INTERACTIONS'), seq: expect.any(Number), duplicate: false });
    const stored = await jsm.streams.getMessage(ack.stream, { seq: ack.seq });
    expect(stored.subject).toBe(`${ns}.cc.acme.interaction.created`);
    expect(stored.header.get('Nats-Msg-Id')).toBe(event.id);
    expect(stored.header.get('ce-tenantid')).toBe('acme');
    expect(stored.header.get('ce-type')).toBe('interaction.created');
    const body = stored.json<AnyCloudEvent>();
    expect(body).toMatchObject({ id: event.id, data: event.data });
    expect(parseTraceparent(body.traceparent)).toBeDefined();
    expect(stored.header.get('traceparent')).toBe(body.traceparent);
  });

  it('reports a re-published event id as a duplicate and stores it once', async () => {
    const event = makeEvent('agent.state_changed');
    const first = await publisher.publish(event);
    const second = await publisher.publish(event);
    expect(first.duplicate).toBe(false);
    expect(second).toEqual({ ...first, duplicate: true });
  });

  it('continues the trace of the current RequestContext', async () => {
    const ack = await RequestContext.run({ traceparent: TRACE }, () => publisher.publish(makeEvent('interaction.answered')));
    const body = (await jsm.streams.getMessage(ack.stream, { seq: ack.seq })).json<AnyCloudEvent>();
    const ids = parseTraceparent(body.traceparent);
    expect(ids?.traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(ids?.spanId).not.toBe('00f067aa0ba902b7');
  });

  it('keeps a traceparent the event already carries', async () => {
    const ack = await publisher.publish(makeEvent('interaction.held', {}, { traceparent: TRACE }));
    const stored = await jsm.streams.getMessage(ack.stream, { seq: ack.seq });
    expect(stored.header.get('traceparent')).toBe(TRACE);
  });

  it('refuses an invalid event with a non-retryable error naming the fields, and publishes nothing', async () => {
    const before = (await jsm.streams.info(namespacedStream(ns, 'CC_INTERACTIONS'))).state.messages;
    const bad = { ...makeEvent('interaction.ended'), data: { interactionId: 'int-1', reason: 'bored' } } as unknown as AnyCloudEvent;
    const error = await publisher.publish(bad).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'MESSAGING.INVALID_EVENT', retryable: false, fields: [{ field: 'data.reason' }] });
    await expect(publisher.publishMany([makeEvent('interaction.ended'), bad])).rejects.toMatchObject({
      fields: [{ field: '1.data.reason' }],
    });
    expect((await jsm.streams.info(namespacedStream(ns, 'CC_INTERACTIONS'))).state.messages).toBe(before);
  });

  it('publishes a large batch pipelined and returns the acks in order', async () => {
    const events = Array.from({ length: 2500 }, (_, i) => makeEvent('interaction.utterance', { text: `line ${i}` }));
    const acks = await publisher.publishMany(events);
    expect(acks).toHaveLength(2500);
    for (let i = 1; i < acks.length; i += 1) expect(acks[i]?.seq).toBeGreaterThan(acks[i - 1]?.seq ?? Infinity);
    const again = await publisher.publishMany(events.slice(0, 10));
    expect(again.every((a) => a.duplicate)).toBe(true);
  }, 30_000);

  it('counts what it published', async () => {
    const text = await app.get(MetricsRegistry).registry.getSingleMetricAsString('sb_events_published_total');
    expect(text).toMatch(/sb_events_published_total\{type="interaction.utterance",outcome="stored"\} 2500/);
    expect(text).toMatch(/outcome="duplicate"/);
  });

  it('reports the connection healthy', async () => {
    await expect(app.get(MessagingHealth).isHealthy()).resolves.toMatchObject({ ok: true });
  });

  it('publishes through a shared inbox with the same acks, duplicates, headers and one span per call', async () => {
    const events = Array.from({ length: 1200 }, () => makeEvent('interaction.held'));
    const acks = await RequestContext.run({ traceparent: TRACE }, () => publisher.publishMany(events, { sharedInbox: true, validated: true }));
    expect(acks).toHaveLength(1200);
    for (let i = 1; i < acks.length; i += 1) expect(acks[i]?.seq).toBeGreaterThan(acks[i - 1]?.seq ?? Infinity);
    expect(acks.every((a) => a.stream === namespacedStream(ns, 'CC_INTERACTIONS') && !a.duplicate)).toBe(true);
    const stored = await jsm.streams.getMessage(namespacedStream(ns, 'CC_INTERACTIONS'), { seq: acks[0]?.seq ?? 0 });
    expect(stored.header.get('Nats-Msg-Id')).toBe(events[0]?.id);
    const first = stored.json<AnyCloudEvent>().traceparent;
    expect(parseTraceparent(first)?.traceId).toBe(parseTraceparent(TRACE)?.traceId);
    const last = (await jsm.streams.getMessage(namespacedStream(ns, 'CC_INTERACTIONS'), { seq: acks[1199]?.seq ?? 0 })).json<AnyCloudEvent>().traceparent;
    expect(last).toBe(first);
    const again = await publisher.publishMany(events.slice(0, 5), { sharedInbox: true });
    expect(again.every((a) => a.duplicate)).toBe(true);
  });

  it('fails a shared-inbox publish when no stream takes the subject', async () => {
    await jsm.streams.delete(namespacedStream(ns, 'CC_AGENTS'));
    await expect(publisher.publishMany([makeEvent('agent.state_changed')], { sharedInbox: true })).rejects.toMatchObject({ code: 'NO_RESPONDERS' });
  });
});
