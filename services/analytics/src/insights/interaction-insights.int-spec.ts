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
      // A courtesy thanks closing the call: gratitude, but no second kudos.
      ['Okay, thanks.', 'customer'],
    ]);
    await publisher.publishMany(events);
    await expectEventually(() => expect(eventsOf('analytics.utterance_scored', interactionId)).toHaveLength(4));
    expect(eventsOf('analytics.utterance_scored', interactionId).map((e) => e.data.gratitude)).toEqual([false, false, true, true]);
    const abuse = eventsOf('analytics.abuse_detected', interactionId);
    expect(abuse).toHaveLength(1);
    expect(abuse[0]?.data).toMatchObject({ agentId, customerId: 'cust-1', categories: ['insult'], severity: 'medium', quote: 'You are useless' });
    await expectEventually(() => expect(eventsOf('analytics.kudos', interactionId)).toHaveLength(1));
    expect(eventsOf('analytics.kudos', interactionId)[0]?.data).toMatchObject({ agentId, quote: 'Oh great, that fixed it. Thank you so much!' });

    await publisher.publish(buildEvent('interaction.ended', { tenantid: tenant, data: { interactionId, reason: 'completed', agentId } }));
    await expectEventually(() => expect(eventsOf('analytics.interaction_summarized', interactionId)).toHaveLength(1));
    const summary = eventsOf('analytics.interaction_summarized', interactionId)[0]?.data;
    expect(summary).toMatchObject({ agentId, customerId: 'cust-1', queueId: 'billing', channel: 'voice', abusiveCount: 1, gratitude: true, utterances: 4, turnedAround: true });
    expect(eventsOf('analytics.kudos', interactionId)).toHaveLength(1);
    expect(summary?.sentiment.start).toBeLessThan(-0.05);
    expect(summary?.sentiment.end).toBeGreaterThan(0.05);
    expect(summary?.sentiment.min).toBeLessThanOrEqual(summary?.sentiment.start ?? 0);

    const supervisor = app.token({ tenant, role: 'supervisor', sub: 'sup-1' });
    const response = await fetch(`${app.url}/v1/interactions/${interactionId}/insights`, { headers: { authorization: `Bearer ${supervisor}` } });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ abusiveCount: 1, utterances: 4, ended: true });

    const otherAgent = app.token({ tenant, role: 'agent', sub: 'someone-else' });
    const hidden = await fetch(`${app.url}/v1/interactions/${interactionId}/insights`, { headers: { authorization: `Bearer ${otherAgent}` } });
    expect(hidden.status).toBe(404);
    const own = await fetch(`${app.url}/v1/interactions/${interactionId}/insights`, {
      headers: { authorization: `Bearer ${app.token({ tenant, role: 'agent', sub: agentId })}` },
    });
    expect(own.status).toBe(200);
  });

  it('keeps the kudos for feeds opened later: the tenant\'s for supervisors, their own for agents', async () => {
    const interactionId = uniqueId('int');
    const agentId = uniqueId('agent');
    const otherAgent = uniqueId('agent');
    await publisher.publishMany([
      ...conversation(interactionId, agentId, 'cust-3', [['Thank you so much, you saved my day!', 'customer']]),
      ...conversation(uniqueId('int'), otherAgent, 'cust-4', [['Thanks a lot for your patience.', 'customer']]),
      // Thanks wrapped in an insult are an abuse alert, not kudos.
      ...conversation(uniqueId('int'), agentId, 'cust-5', [['Thanks, you stupid idiot.', 'customer']]),
    ]);
    await expectEventually(() => expect(received.filter((e) => e.type === 'analytics.abuse_detected' && (e.data as { customerId?: string }).customerId === 'cust-5')).toHaveLength(1));
    await expectEventually(() => expect(received.filter((e) => e.type === 'analytics.kudos' && [agentId, otherAgent].includes((e.data as { agentId: string }).agentId))).toHaveLength(2));
    const published = eventsOf('analytics.kudos', interactionId)[0];
    const get = async (path: string, token: string): Promise<{ status: number; type: string | null; body: { kudos?: { id: string; agentId: string }[]; code?: string } }> => {
      const response = await fetch(`${app.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
      return { status: response.status, type: response.headers.get('content-type'), body: (await response.json()) as { kudos?: { id: string; agentId: string }[] } };
    };

    const supervisor = app.token({ tenant, role: 'supervisor', sub: 'sup-1' });
    const all = await get('/v1/kudos', supervisor);
    expect(all.status).toBe(200);
    expect(all.body.kudos?.find((k) => k.id === published?.id)).toEqual({
      id: published?.id, time: published?.time, agentId, interactionId, customerId: 'cust-3', quote: 'Thank you so much, you saved my day!',
    });
    expect(all.body.kudos?.some((k) => k.agentId === otherAgent)).toBe(true);
    expect((await get(`/v1/kudos?agentId=${agentId}`, supervisor)).body.kudos?.map((k) => k.agentId)).toEqual([agentId]);
    expect((await get('/v1/kudos?limit=1', supervisor)).body.kudos).toHaveLength(1);

    // An agent sees only the agent's own, whatever it asks for.
    const own = await get(`/v1/kudos?agentId=${otherAgent}`, app.token({ tenant, role: 'agent', sub: agentId }));
    expect(own.body.kudos?.map((k) => k.agentId)).toEqual([agentId]);
    expect((await get('/v1/kudos', app.token({ tenant: uniqueTenant('an'), role: 'supervisor', sub: 'sup-2' }))).body.kudos).toEqual([]);

    for (const query of ['limit=0', 'minutes=abc', 'agentId=a%20b', 'colour=red']) {
      const bad = await get(`/v1/kudos?${query}`, supervisor);
      expect(bad.status).toBe(400);
      expect(bad.type).toContain('application/problem+json');
    }
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
    const kept = await fetch(`${app.url}/v1/kudos?agentId=${agentId}`, { headers: { authorization: `Bearer ${app.token({ tenant, role: 'supervisor', sub: 'sup-1' })}` } });
    expect(((await kept.json()) as { kudos: unknown[] }).kudos).toHaveLength(1);
  });
});
