import { Injectable, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { CloudEvent } from '@switchboard/contracts';
import {
  EventPublisher,
  ENVIRONMENT,
  MessagingModule,
  MetricsModule,
  OnEvent,
  PlatformConfigModule,
} from '@switchboard/platform';
import { buildEvent, createTestNamespace, TEST_NATS_URL } from '@switchboard/testing';
import { AckPolicy, connect, type JetStreamClient, type NatsConnection } from 'nats';
import { figure, rate, timed, type BenchResult } from './harness';

const PIPELINED = 20_000;
const AWAITED = 2_000;
const CONSUMED = 20_000;

@Injectable()
class CountingHandler {
  handled = 0;
  done: (() => void) | undefined;
  target = Number.POSITIVE_INFINITY;

  @OnEvent('interaction.utterance')
  async handle(_event: CloudEvent<'interaction.utterance'>): Promise<void> {
    this.handled += 1;
    if (this.handled >= this.target) this.done?.();
  }
}

function moduleFor(withHandler: boolean) {
  @Module({
    imports: [
      PlatformConfigModule.forRoot({ service: 'benchmessaging', defaultPort: 0 }),
      MetricsModule,
      MessagingModule.forRoot({ consumers: { concurrency: 64 } }),
    ],
    providers: withHandler ? [CountingHandler] : [],
  })
  class BenchModule {}
  return BenchModule;
}

async function startContext(withHandler: boolean, env: Record<string, string>) {
  const ref = await Test.createTestingModule({ imports: [moduleFor(withHandler)] })
    .overrideProvider(ENVIRONMENT)
    .useValue(env)
    .compile();
  ref.useLogger(false);
  await ref.init();
  return ref;
}

const payload = (i: number) =>
  JSON.stringify(buildEvent('interaction.utterance', { data: { interactionId: `int-${i % 500}`, text: `hello number ${i}` } }));

async function rawCeilings(nc: NatsConnection, js: JetStreamClient, ns: string) {
  const jsm = await nc.jetstreamManager();
  const stream = `${ns.toUpperCase()}_RAWBENCH`;
  await jsm.streams.add({ name: stream, subjects: [`${ns}.rawbench.>`], duplicate_window: 120_000_000_000 });
  const bodies = Array.from({ length: PIPELINED }, (_, i) => new TextEncoder().encode(payload(i)));
  const pipelined = await timed(() =>
    Promise.all(bodies.map((body, i) => js.publish(`${ns}.rawbench.acme.x`, body, { msgID: `p-${i}` }))),
  );
  const awaited = await timed(async () => {
    for (let i = 0; i < AWAITED; i++) await js.publish(`${ns}.rawbench.acme.y`, bodies[i], { msgID: `a-${i}` });
  });
  await jsm.consumers.add(stream, { durable_name: 'raw', ack_policy: AckPolicy.Explicit, filter_subject: `${ns}.rawbench.acme.x` });
  const consumer = await js.consumers.get(stream, 'raw');
  const consumed = await timed(async () => {
    let n = 0;
    const messages = await consumer.consume({ max_messages: 256 });
    for await (const m of messages) {
      m.ack();
      if (++n >= CONSUMED) {
        void messages.close();
        break;
      }
    }
  });
  return {
    pipelined: rate(PIPELINED, pipelined.ms),
    awaited: rate(AWAITED, awaited.ms),
    consumed: rate(CONSUMED, consumed.ms),
  };
}

export async function run(): Promise<BenchResult> {
  const ns = createTestNamespace('bench');
  const env = ns.env();
  const nc = await connect({ servers: TEST_NATS_URL });
  try {
    const raw = await rawCeilings(nc, nc.jetstream(), ns.natsNamespace);

    const producer = await startContext(false, env);
    const publisher = producer.get(EventPublisher);
    const events = Array.from({ length: PIPELINED }, (_, i) =>
      buildEvent('interaction.utterance', { data: { interactionId: `int-${i % 500}`, text: `hello number ${i}` } }),
    );
    const batch = await timed(() => publisher.publishMany(events));
    const single = await timed(async () => {
      for (let i = 0; i < AWAITED; i++) {
        await publisher.publish(buildEvent('interaction.utterance', { data: { interactionId: `one-${i}`, text: 'hi' } }));
      }
    });
    await producer.close();

    // Consume what was published above (PIPELINED + AWAITED events) with a fresh durable consumer.
    const target = PIPELINED + AWAITED;
    // Timed from before the app starts (start-up included), so the figure is conservative.
    const start = process.hrtime.bigint();
    const consumerApp = await startContext(true, env);
    const handler = consumerApp.get(CountingHandler);
    await new Promise<void>((resolve) => {
      handler.target = target;
      handler.done = resolve;
      if (handler.handled >= target) resolve();
    });
    const consumeMs = Number(process.hrtime.bigint() - start) / 1e6;
    await consumerApp.close();

    return {
      suite: 'messaging',
      figures: [
        figure({
          name: 'EventPublisher.publishMany (validated, msgID, awaited acks)',
          unit: 'events/s',
          value: rate(PIPELINED, batch.ms),
          ceiling: { name: 'nats.js pipelined publish', value: raw.pipelined },
        }),
        figure({
          name: 'EventPublisher.publish awaited one by one',
          unit: 'events/s',
          value: rate(AWAITED, single.ms),
          ceiling: { name: 'nats.js awaited publish', value: raw.awaited },
        }),
        figure({
          name: '@OnEvent durable consumer (decode, validate, handle, ack)',
          unit: 'events/s',
          value: rate(target, consumeMs),
          ceiling: { name: 'nats.js pull consume + ack', value: raw.consumed },
        }),
      ],
    };
  } finally {
    await nc.close();
    await ns.cleanup();
  }
}
