import { Injectable } from '@nestjs/common';
import type { TestingModule } from '@nestjs/testing';
import type { CloudEvent } from '@switchboard/contracts';
import { nanos, type JetStreamManager, type NatsConnection } from 'nats';
import { ConsumerRuntime } from './consumer-runtime';
import { EventPublisher } from './event-publisher';
import { deleteNamespace, eventually, gate, makeEvent, openConnection, startApp, uniqueNamespace } from './messaging.test-kit';
import { namespacedStream } from './naming';
import { OnEvent, type MessageContext } from './on-event.decorator';

/** Records who handled what; `held` interactions wait for their gate to open. */
@Injectable()
class AgentStateHandler {
  static readonly log: { instance: string; id: string; deliveryCount: number; phase: 'start' | 'done' }[] = [];
  static readonly gates = new Map<string, ReturnType<typeof gate>>();
  private static instances = 0;
  readonly instance = `app-${(AgentStateHandler.instances += 1)}`;

  @OnEvent('agent.state_changed')
  async handle(event: CloudEvent<'agent.state_changed'>, ctx: MessageContext): Promise<void> {
    const entry = { instance: this.instance, id: event.id, deliveryCount: ctx.deliveryCount };
    AgentStateHandler.log.push({ ...entry, phase: 'start' });
    const held = AgentStateHandler.gates.get(event.data.agentId);
    if (held) await held.opened;
    else await new Promise((resolve) => setTimeout(resolve, 2));
    AgentStateHandler.log.push({ ...entry, phase: 'done' });
  }
}

const log = AgentStateHandler.log;
const done = (id: string) => log.filter((e) => e.id === id && e.phase === 'done');
const started = (id: string) => log.filter((e) => e.id === id && e.phase === 'start');

describe('consumer lifecycle: replicas, restarts and graceful shutdown (JetStream)', () => {
  const ns = uniqueNamespace();
  const stream = namespacedStream(ns, 'CC_AGENTS');
  const durable = `${ns}-svc-cc_agents`;
  const apps: TestingModule[] = [];
  let nc: NatsConnection;
  let jsm: JetStreamManager;

  const start = async (overrides: { ackWaitMs?: number; graceMs?: number } = {}) => {
    const app = await startApp({
      namespace: ns,
      providers: [AgentStateHandler],
      messaging: { consumers: { concurrency: 4, ackWaitMs: overrides.ackWaitMs ?? 1500, backoff: { baseMs: 20, maxMs: 100 } } },
      config: { shutdownGraceMs: overrides.graceMs ?? 5000 },
    });
    apps.push(app);
    return app;
  };
  const ackPending = async () => (await jsm.consumers.info(stream, durable)).num_ack_pending;

  beforeAll(async () => {
    ({ nc, jsm } = await openConnection());
  });

  afterAll(async () => {
    for (const g of AgentStateHandler.gates.values()) g.open();
    await Promise.all(apps.map((app) => app.close()));
    await deleteNamespace(jsm, ns);
    await nc?.close();
  });

  it('shares one durable between two instances: the work is split and each message is handled once', async () => {
    const [a, b] = [await start(), await start()];
    const events = Array.from({ length: 80 }, (_, i) => makeEvent('agent.state_changed', { agentId: `agent-${i % 20}` }));
    await a.get(EventPublisher).publishMany(events);
    await eventually(() => expect(events.every((e) => done(e.id).length === 1)).toBe(true), 20_000);
    const byInstance = new Set(events.map((e) => done(e.id)[0]?.instance));
    expect(byInstance).toEqual(new Set([a.get(AgentStateHandler).instance, b.get(AgentStateHandler).instance]));
    await eventually(async () => expect(await ackPending()).toBe(0));
    expect(events.every((e) => started(e.id).length === 1)).toBe(true);
    await Promise.all([a.close(), b.close()]);
  });

  it('updates the durable when its settings change on restart', async () => {
    const app = await start({ ackWaitMs: 2500 });
    expect((await jsm.consumers.info(stream, durable)).config.ack_wait).toBe(nanos(2500));
    await app.close();
  });

  it('on shutdown stops pulling and waits for the handler in flight to finish and ack', async () => {
    const app = await start();
    const held = gate();
    AgentStateHandler.gates.set('agent-slow', held);
    const event = makeEvent('agent.state_changed', { agentId: 'agent-slow' });
    const publisher = app.get(EventPublisher);
    await publisher.publish(event);
    await eventually(() => expect(started(event.id)).toHaveLength(1));

    let closed = false;
    const runtime = app.get(ConsumerRuntime);
    const closing = app.close().then(() => (closed = true));
    await eventually(() => expect(runtime.state).toBe('stopping'));
    // Pulling has stopped: a message published now stays for the next instance.
    const later = makeEvent('agent.state_changed', { agentId: 'agent-later' });
    await publisher.publish(later);
    expect(closed).toBe(false);
    expect(runtime.inFlight).toBe(1);
    held.open();
    await closing;
    expect(done(event.id)).toHaveLength(1);
    expect(started(later.id)).toHaveLength(0);
    await eventually(async () => {
      const info = await jsm.consumers.info(stream, durable);
      expect(info.num_ack_pending + info.num_pending).toBe(1); // only `later`, once its pull request lapses
    });
  });

  it('leaves a handler that outlives the grace period un-acked, and a new instance gets the message again', async () => {
    const first = await start({ graceMs: 100 });
    const stuck = gate();
    AgentStateHandler.gates.set('agent-stuck', stuck);
    const event = makeEvent('agent.state_changed', { agentId: 'agent-stuck' });
    await first.get(EventPublisher).publish(event);
    await eventually(() => expect(started(event.id)).toHaveLength(1));
    await first.close();
    expect(done(event.id)).toHaveLength(0);

    AgentStateHandler.gates.delete('agent-stuck');
    const second = await start();
    const secondInstance = second.get(AgentStateHandler).instance;
    await eventually(() => expect(done(event.id).map((e) => [e.instance, e.deliveryCount])).toEqual([[secondInstance, 2]]), 10_000);
    stuck.open();
    await eventually(async () => expect(await ackPending()).toBe(0));
    await second.close();
  });
});
