import type { AnyCloudEvent, CloudEvent } from '@switchboard/contracts';
import { EventPublisher, namespacedSubject, NATS_CONNECTION } from '@switchboard/platform';
import { buildEvent, createTestNamespace, expectEventually, startTestApp, uniqueId, uniqueTenant, type TestApp, type TestNamespace } from '@switchboard/testing';
import type { NatsConnection, Subscription } from 'nats';
import { AppModule } from '../app.module';

describe('customer churn risk (consumer → events, HTTP)', () => {
  let ns: TestNamespace;
  let app: TestApp;
  let nc: NatsConnection;
  let publisher: EventPublisher;
  let subscription: Subscription;
  const received: AnyCloudEvent[] = [];
  const tenant = uniqueTenant('churn');

  beforeAll(async () => {
    ns = createTestNamespace('analytics_churn');
    app = await startTestApp(AppModule, ns);
    publisher = app.app.get(EventPublisher);
    nc = app.app.get<NatsConnection>(NATS_CONNECTION);
    subscription = nc.subscribe(namespacedSubject(ns.natsNamespace, `cc.${tenant}.analytics.churn_risk_changed`), {
      callback: (_error, msg) => received.push(JSON.parse(new TextDecoder().decode(msg.data)) as AnyCloudEvent),
    });
  }, 60_000);

  afterAll(async () => {
    subscription.unsubscribe();
    await app.close();
    await ns.cleanup();
  });

  const changes = (customerId: string) =>
    received.filter((e) => (e as CloudEvent<'analytics.churn_risk_changed'>).data.customerId === customerId) as CloudEvent<'analytics.churn_risk_changed'>[];

  it('raises the level on repeat, abandoned and unresolved contacts, once per change, and survives replays', async () => {
    const customerId = uniqueId('cust');
    const created = (interactionId: string, minutesAgo: number) =>
      buildEvent('interaction.created', {
        tenantid: tenant,
        time: new Date(Date.now() - minutesAgo * 60_000).toISOString(),
        data: { interactionId, queueId: 'billing', channel: 'voice', customer: { id: customerId } },
      });
    const [first, second, third] = [uniqueId('int'), uniqueId('int'), uniqueId('int')];
    const unresolved = buildEvent('interaction.disposition', { tenantid: tenant, data: { interactionId: second, resolved: false } });
    await publisher.publishMany([
      created(first, 60),
      buildEvent('interaction.ended', { tenantid: tenant, data: { interactionId: first, reason: 'abandoned' } }),
      created(second, 30),
      unresolved,
    ]);
    // low (0.15) → medium on the second contact (0.3); the unresolved disposition keeps it medium (0.5).
    await expectEventually(() => expect(changes(customerId).map((e) => e.data.level)).toEqual(['medium']));
    nc.publish(namespacedSubject(ns.natsNamespace, `cc.${tenant}.interaction.disposition`), JSON.stringify(unresolved));
    await publisher.publish(created(third, 1));
    // 3 contacts 0.3 + unresolved 0.2 + abandoned 0.15 = 0.65 → high (a double-counted replay would make it 0.85).
    await expectEventually(() => expect(changes(customerId).map((e) => e.data.level)).toEqual(['medium', 'high']));
    expect(changes(customerId)[1]?.data).toMatchObject({ score: 0.65, previousLevel: 'medium', interactionId: third });

    const token = app.token({ tenant, role: 'supervisor', sub: 'sup' });
    const response = await fetch(`${app.url}/v1/customers/${customerId}/churn-risk`, { headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { level: string; reasons: { code: string }[] };
    expect(body.level).toBe('high');
    expect(body.reasons.map((r) => r.code)).toEqual(['repeat_contacts_7d', 'unresolved_disposition', 'abandoned']);

    const otherTenant = app.token({ tenant: uniqueTenant('other'), role: 'supervisor', sub: 'sup' });
    const hidden = await fetch(`${app.url}/v1/customers/${customerId}/churn-risk`, { headers: { authorization: `Bearer ${otherTenant}` } });
    expect(hidden.status).toBe(404);
  }, 30_000);
});
