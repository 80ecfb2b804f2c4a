import { Injectable } from '@nestjs/common';
import type { TestingModule } from '@nestjs/testing';
import type { CloudEvent } from '@switchboard/contracts';
import type { JetStreamManager, NatsConnection } from 'nats';
import { EventPublisher } from './event-publisher';
import { deleteNamespace, eventually, makeEvent, openConnection, startApp, uniqueNamespace } from './messaging.test-kit';
import { OnEvent } from './on-event.decorator';

const CONCURRENCY = 4;

@Injectable()
class UtteranceHandler {
  inFlight = 0;
  maxInFlight = 0;
  readonly byInteraction = new Map<string, number[]>();
  readonly overlapping = new Set<string>();
  private readonly running = new Set<string>();

  @OnEvent('interaction.utterance')
  async handle(event: CloudEvent<'interaction.utterance'>): Promise<void> {
    const { interactionId, text } = event.data;
    if (this.running.has(interactionId)) this.overlapping.add(interactionId);
    this.running.add(interactionId);
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 10));
    this.inFlight -= 1;
    this.running.delete(interactionId);
    const list = this.byInteraction.get(interactionId) ?? [];
    list.push(Number(text));
    this.byInteraction.set(interactionId, list);
  }

  get handled(): number {
    return [...this.byInteraction.values()].reduce((sum, list) => sum + list.length, 0);
  }
}

describe('consumer concurrency (JetStream)', () => {
  const ns = uniqueNamespace();
  let app: TestingModule;
  let nc: NatsConnection;
  let jsm: JetStreamManager;

  beforeAll(async () => {
    ({ nc, jsm } = await openConnection());
    app = await startApp({ namespace: ns, providers: [UtteranceHandler], messaging: { consumers: { concurrency: CONCURRENCY } } });
  });

  afterAll(async () => {
    await app?.close();
    await deleteNamespace(jsm, ns);
    await nc?.close();
  });

  it('never runs more than N handlers at once, runs keys in parallel and each key in order', async () => {
    const keys = Array.from({ length: 10 }, (_, k) => `int-${k}`);
    const perKey = 12;
    const events = Array.from({ length: perKey }, (_, i) =>
      keys.map((interactionId) => makeEvent('interaction.utterance', { interactionId, text: String(i) })),
    ).flat();
    await app.get(EventPublisher).publishMany(events);
    const handler = app.get(UtteranceHandler);
    await eventually(() => expect(handler.handled).toBe(events.length), 20_000);

    expect(handler.maxInFlight).toBeLessThanOrEqual(CONCURRENCY);
    expect(handler.maxInFlight).toBeGreaterThan(1);
    expect([...handler.overlapping]).toEqual([]);
    for (const key of keys) expect(handler.byInteraction.get(key)).toEqual(Array.from({ length: perKey }, (_, i) => i));
  });
});
