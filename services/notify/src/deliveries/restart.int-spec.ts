import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { subjectFor } from '@switchboard/contracts';
import { EventPublisher, namespacedSubject } from '@switchboard/platform';
import { buildEvent, createTestNamespace, expectEventually, startTestApp, TEST_NATS_URL, uniqueTenant, type TestApp, type TestNamespace } from '@switchboard/testing';
import { connect } from 'nats';
import { AppModule } from '../app.module';
import { Clock } from '../clock/clock';

describe('durability', () => {
  let ns: TestNamespace;
  let receiver: Server;
  let receiverUrl: string;
  const requests: { delivery: string; status: number }[] = [];
  let failNext = 1;
  const tenant = uniqueTenant();
  // Retries wait up to a minute: nothing is retried before the restart unless the clock is moved.
  const env = { NOTIFY_ALLOW_PRIVATE_TARGETS: 'true', NOTIFY_DELIVERY_POLL_MS: '25', NOTIFY_BACKOFF_BASE_MS: '60000', NOTIFY_BACKOFF_MAX_MS: '60000' };

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        const status = failNext > 0 ? 503 : 204;
        failNext -= 1;
        requests.push({ delivery: String(req.headers['x-switchboard-delivery']), status });
        res.statusCode = status;
        res.end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    ns = createTestNamespace('notify_restart');
  });

  afterAll(async () => {
    await ns.cleanup();
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
  });

  it('ignores a redelivered event, and keeps retry schedules across a restart', async () => {
    let app: TestApp | undefined = await startTestApp(AppModule, ns, { env });
    try {
      const admin = { authorization: `Bearer ${app.token({ tenant, role: 'admin', sub: 'admin-1' })}`, 'content-type': 'application/json' };
      const created = await fetch(`${app.url}/v1/subscriptions`, {
        method: 'POST',
        headers: admin,
        body: JSON.stringify({ channel: 'webhook', target: receiverUrl, eventTypes: ['analytics.sla_breached'] }),
      });
      expect(created.status).toBe(201);

      // The same event twice (a producer retry with a new message id), then a marker of the same ordering key.
      const breach = buildEvent('analytics.sla_breached', { tenantid: tenant, subject: 'queue-7' });
      const marker = buildEvent('analytics.sla_breached', { tenantid: tenant, subject: 'queue-7' });
      const publisher = app.app.get(EventPublisher);
      await publisher.publish(breach);
      const nc = await connect({ servers: TEST_NATS_URL });
      try {
        const subject = namespacedSubject(ns.natsNamespace, subjectFor(tenant, breach.type));
        await nc.jetstream().publish(subject, new TextEncoder().encode(JSON.stringify(breach)), { msgID: `${breach.id}:again` });
      } finally {
        await nc.close();
      }
      await publisher.publish(marker);

      const list = async (base: TestApp) =>
        ((await (await fetch(`${base.url}/v1/deliveries`, { headers: admin })).json()) as { items: { id: string; status: string; attempts: number }[] }).items;
      // One delivery per event; the first request failed and its retry is scheduled a while away.
      await expectEventually(async () => {
        const items = await list(app as TestApp);
        expect(items.map((d) => d.status).sort()).toEqual(['delivered', 'failed']);
      });
      const inbox = await fetch(`${app.url}/v1/inbox`, { headers: { authorization: `Bearer ${app.token({ tenant, role: 'supervisor', sub: 's1' })}` } });
      expect(((await inbox.json()) as { items: { eventId: string }[] }).items.map((i) => i.eventId)).toEqual([breach.id, marker.id]);

      await app.close();
      app = undefined;
      expect(requests).toHaveLength(2);

      app = await startTestApp(AppModule, ns, { env });
      app.app.get(Clock).advance(61_000);
      await expectEventually(async () => {
        const items = await list(app as TestApp);
        expect(items.map((d) => [d.status, d.attempts]).sort()).toEqual([
          ['delivered', 1],
          ['delivered', 2],
        ]);
      });
      // Every delivery reached the receiver successfully once.
      const succeeded = requests.filter((r) => r.status === 204).map((r) => r.delivery);
      expect(succeeded).toHaveLength(2);
      expect(new Set(succeeded).size).toBe(2);
    } finally {
      await app?.close();
    }
  }, 60_000);
});
