import type { AnyCloudEvent, CloudEvent } from '@switchboard/contracts';
import { EventPublisher, namespacedSubject, NATS_CONNECTION } from '@switchboard/platform';
import { buildEvent, createTestNamespace, expectEventually, startTestApp, uniqueId, uniqueTenant, type TestApp, type TestNamespace } from '@switchboard/testing';
import type { NatsConnection, Subscription } from 'nats';
import { AppModule } from '../app.module';

describe('agent wellbeing (consumer → events, HTTP)', () => {
  let ns: TestNamespace;
  let app: TestApp;
  let publisher: EventPublisher;
  let subscription: Subscription;
  const received: CloudEvent<'analytics.wellbeing_changed'>[] = [];
  const tenant = uniqueTenant('wb');

  beforeAll(async () => {
    ns = createTestNamespace('analytics_wellbeing');
    app = await startTestApp(AppModule, ns);
    publisher = app.app.get(EventPublisher);
    const nc = app.app.get<NatsConnection>(NATS_CONNECTION);
    subscription = nc.subscribe(namespacedSubject(ns.natsNamespace, `cc.${tenant}.analytics.wellbeing_changed`), {
      callback: (_error, msg) => received.push(JSON.parse(new TextDecoder().decode(msg.data)) as CloudEvent<'analytics.wellbeing_changed'>),
    });
  }, 60_000);

  afterAll(async () => {
    subscription.unsubscribe();
    await app.close();
    await ns.cleanup();
  });

  const contact = (agentId: string, lines: [string, 'customer' | 'agent'][]): AnyCloudEvent[] => {
    const interactionId = uniqueId('int');
    return [
      buildEvent('interaction.created', { tenantid: tenant, data: { interactionId, queueId: 'q1', channel: 'voice', customer: { id: uniqueId('c') } } }),
      buildEvent('interaction.answered', { tenantid: tenant, data: { interactionId, agentId } }),
      ...lines.map(([text, speaker]) => buildEvent('interaction.utterance', { tenantid: tenant, data: { interactionId, speaker, text } })),
      buildEvent('interaction.ended', { tenantid: tenant, data: { interactionId, reason: 'completed', agentId } }),
    ];
  };
  const get = (agentId: string, as: string, role: 'agent' | 'supervisor' = 'agent') =>
    fetch(`${app.url}/v1/agents/${agentId}/wellbeing`, { headers: { authorization: `Bearer ${app.token({ tenant, role, sub: as })}` } });

  it('raises strain after abusive customers in a row, and ignores what the agent says', async () => {
    const strained = uniqueId('agent');
    const rude = uniqueId('agent');
    await publisher.publishMany([
      buildEvent('agent.state_changed', { tenantid: tenant, data: { agentId: strained, state: 'busy' } }),
      buildEvent('agent.state_changed', { tenantid: tenant, data: { agentId: rude, state: 'busy' } }),
    ]);
    for (let i = 0; i < 3; i++) {
      await publisher.publishMany(contact(strained, [['you are useless, I hate this', 'customer'], ['I am sorry to hear that', 'agent']]));
      await publisher.publishMany(contact(rude, [['thanks, that helps', 'customer'], ['you are useless, you idiot, I hate you', 'agent']]));
    }
    // 3 abusive (24) + 3 in a row (20) + 3 negative (9) + 3 negative in a row (5) = 58 → high.
    await expectEventually(() => expect(received.filter((e) => e.data.agentId === strained).map((e) => e.data.level)).toEqual(['elevated', 'high']), {
      timeoutMs: 20_000,
    });
    const own = await get(strained, strained);
    expect(own.status).toBe(200);
    const body = (await own.json()) as { level: string; score: number; factors: { factor: string; contribution: number }[] };
    expect(body.level).toBe('high');
    expect(body.factors.find((f) => f.factor === 'abusive_contacts')?.contribution).toBe(24);
    expect(body.factors.find((f) => f.factor === 'abusive_streak')?.contribution).toBe(20);

    const rudeView = await get(rude, 'sup', 'supervisor');
    expect(rudeView.status).toBe(200);
    const rudeBody = (await rudeView.json()) as { level: string; factors: { factor: string }[] };
    expect(rudeBody.level).toBe('ok');
    expect(rudeBody.factors.map((f) => f.factor)).not.toContain('abusive_contacts');
    expect(received.filter((e) => e.data.agentId === rude)).toHaveLength(0);

    expect((await get(strained, rude)).status).toBe(403);
  }, 40_000);

  it('adds strain for time logged in outside the agent\'s shift, which supervisors set and the agent can read', async () => {
    const agentId = uniqueId('agent');
    const hhmm = (ms: number): string => new Date(ms).toISOString().slice(11, 16);
    const shift = { start: hhmm(Date.now() + 2 * 3_600_000), end: hhmm(Date.now() + 3 * 3_600_000), timeZone: 'UTC' };
    const put = (role: 'agent' | 'supervisor', body: unknown) =>
      fetch(`${app.url}/v1/agents/${agentId}/shift`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${app.token({ tenant, role, sub: role === 'agent' ? agentId : 'sup' })}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    expect((await put('agent', shift)).status).toBe(403);
    expect((await put('supervisor', { ...shift, timeZone: 'Mars/Olympus' })).status).toBe(400);
    expect((await put('supervisor', { ...shift, start: '25:00' })).status).toBe(400);
    expect((await put('supervisor', shift)).status).toBe(200);
    const own = await fetch(`${app.url}/v1/agents/${agentId}/shift`, { headers: { authorization: `Bearer ${app.token({ tenant, role: 'agent', sub: agentId })}` } });
    expect(await own.json()).toEqual({ agentId, ...shift });

    // Logged in two hours ago, all of it outside the shift: (120 − 15) min / 60 × 10 = 17.5 points, and counting.
    await publisher.publish(
      buildEvent('agent.state_changed', { tenantid: tenant, time: new Date(Date.now() - 2 * 3_600_000).toISOString(), data: { agentId, state: 'available' } }),
    );
    const body = await expectEventually(async () => {
      const response = await get(agentId, agentId);
      expect(response.status).toBe(200);
      return (await response.json()) as { factors: { factor: string; contribution: number }[] };
    });
    const offShift = body.factors.find((f) => f.factor === 'off_shift');
    expect(offShift?.contribution).toBeGreaterThanOrEqual(17.5);
    expect(offShift?.contribution).toBeLessThan(18);
  }, 30_000);
});
