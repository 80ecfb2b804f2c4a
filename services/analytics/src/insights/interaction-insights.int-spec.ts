import { AppModule } from '../app.module';
import type { AnyCloudEvent, CloudEvent } from '@switchboard/contracts';
import { EventPublisher, namespacedSubject, NATS_CONNECTION } from '@switchboard/platform';
import {
  buildEvent,
  createTestNamespace,
  startTestApp,
  expectEventually,
  uniqueId,
  uniqueTenant,
  type TestApp,
  type TestNamespace,
} from '@switchboard/testing';
import type { NatsConnection, Subscription } from 'nats';

describe('interaction insights (consumer → events, HTTP)', () => {
  let ns: TestNamespace;
  let app: TestApp;
  let nc: NatsConnection;
  let publisher: EventPublisher;
  let subscription: Subscription;
  const received: AnyCloudEvent[] = [];
  const tenant = uniqueTenant('an');

  beforeAll(async () => {
    ns = createTestNamespace('analytics_insights');
    app = await startTestApp(AppModule, ns);
    publisher = app.app.get(EventPublisher);
    nc = app.app.get<NatsConnection>(NATS_CONNECTION);
    subscription = nc.subscribe(namespacedSubject(ns.natsNamespace, `cc.${tenant}.analytics.>`), {
      callback: (_error, msg) => received.push(JSON.parse(new TextDecoder().decode(msg.data)) as AnyCloudEvent),
    });
  }, 60_000);

  afterAll(async () => {
    subscription.unsubscribe();
    await app.close();
    await ns.cleanup();
  });

  const eventsOf = <T extends AnyCloudEvent['type']>(type: T, interactionId: string): CloudEvent<T>[] =>
    received.filter((e) => e.type === type && (e.data as { interactionId?: string }).interactionId === interactionId) as CloudEvent<T>[];

  function conversation(interactionId: string, agentId: string, customerId: string, lines: [string, 'customer' | 'agent'][]) {
    return [
      buildEvent('interaction.created', {
        tenantid: tenant,
        data: { interactionId, queueId: 'billing', channel: 'voice', customer: { id: customerId } },
      }),
      buildEvent('interaction.answered', { tenantid: tenant, data: { interactionId, agentId } }),
      ...lines.map(([text, speaker]) => buildEvent('interaction.utterance', { tenantid: tenant, data: { interactionId, speaker, text } })),
    ];
  }

  it('scores customer utterances, alerts on abuse live, sends kudos and summarizes the trajectory', async () => {
    const interactionId = uniqueId('int');
    const agentId = uniqueId('agent');
    const events = conversation(interactionId, agentId, 'cust-1', [
      ['This is the worst service ever, I am furious!', 'customer'],
      ['You are useless', 'customer'],
      ['You are an idiot and I hate this', 'agent'],
      ['Oh great, that fixed it. Thank you so much!', 'customer'],
    ]);
    await publisher.publishMany(events);
    await expectEventually(() => expect(eventsOf('analytics.utterance_scored', interactionId)).toHaveLength(3));
    const abuse = eventsOf('analytics.abuse_detected', interactionId);
    expect(abuse).toHaveLength(1);
    expect(abuse[0]?.data).toMatchObject({ agentId, customerId: 'cust-1', categories: ['insult'], severity: 'medium', quote: 'You are useless' });
    await expectEventually(() => expect(eventsOf('analytics.kudos', interactionId)).toHaveLength(1));
    expect(eventsOf('analytics.kudos', interactionId)[0]?.data).toMatchObject({ agentId, quote: 'Oh great, that fixed it. Thank you so much!' });

    await publisher.publish(buildEvent('interaction.ended', { tenantid: tenant, data: { interactionId, reason: 'completed', agentId } }));
    await expectEventually(() => expect(eventsOf('analytics.interaction_summarized', interactionId)).toHaveLength(1));
    const summary = eventsOf('analytics.interaction_summarized', interactionId)[0]?.data;
    expect(summary).toMatchObject({ agentId, customerId: 'cust-1', queueId: 'billing', channel: 'voice', abusiveCount: 1, gratitude: true, utterances: 3, turnedAround: true });
    expect(summary?.sentiment.start).toBeLessThan(-0.05);
    expect(summary?.sentiment.end).toBeGreaterThan(0.05);
    expect(summary?.sentiment.min).toBeLessThanOrEqual(summary?.sentiment.start ?? 0);

    const supervisor = app.token({ tenant, role: 'supervisor', sub: 'sup-1' });
    const response = await fetch(`${app.url}/v1/interactions/${interactionId}/insights`, { headers: { authorization: `Bearer ${supervisor}` } });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ abusiveCount: 1, utterances: 3, ended: true });

    const otherAgent = app.token({ tenant, role: 'agent', sub: 'someone-else' });
    const hidden = await fetch(`${app.url}/v1/interactions/${interactionId}/insights`, { headers: { authorization: `Bearer ${otherAgent}` } });
    expect(hidden.status).toBe(404);
    const own = await fetch(`${app.url}/v1/interactions/${interactionId}/insights`, {
      headers: { authorization: `Bearer ${app.token({ tenant, role: 'agent', sub: agentId })}` },
    });
    expect(own.status).toBe(200);
  });

  it('does not count replayed or duplicated events twice', async () => {
    const interactionId = uniqueId('int');
    const agentId = uniqueId('agent');
    const events = conversation(interactionId, agentId, 'cust-2', [
      ['you are useless', 'customer'],
      ['thanks a lot', 'customer'],
    ]);
    await publisher.publishMany(events);
    // Replays bypass the stream's de-duplication window: the same events again, published without a message id.
    for (const event of events) nc.publish(namespacedSubject(ns.natsNamespace, `cc.${tenant}.${event.type}`), JSON.stringify(event));
    await nc.flush();
    await publisher.publish(buildEvent('interaction.ended', { tenantid: tenant, data: { interactionId, reason: 'completed', agentId } }));

    await expectEventually(() => expect(eventsOf('analytics.interaction_summarized', interactionId)).toHaveLength(1));
    expect(eventsOf('analytics.interaction_summarized', interactionId)[0]?.data).toMatchObject({ utterances: 2, abusiveCount: 1, gratitude: true });
    expect(eventsOf('analytics.utterance_scored', interactionId)).toHaveLength(2);
    expect(eventsOf('analytics.abuse_detected', interactionId)).toHaveLength(1);
    expect(eventsOf('analytics.kudos', interactionId)).toHaveLength(1);
  });
});
