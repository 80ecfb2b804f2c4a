import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EventPublisher } from '@switchboard/platform';
import {
  buildEvent,
  createTestNamespace,
  expectEventually,
  startTestApp,
  uniqueTenant,
  type TestApp,
  type TestNamespace,
} from '@switchboard/testing';
import { AppModule } from '../app.module';
import { RecordingClient } from '../../test/ws-client';

describe('two notify replicas', () => {
  let ns: TestNamespace;
  let first: TestApp;
  let second: TestApp;
  let receiver: Server;
  let receiverUrl: string;
  const hits = new Map<string, number>();
  const clients: RecordingClient[] = [];
  const tenant = uniqueTenant();
  const env = { NOTIFY_ALLOW_PRIVATE_TARGETS: 'true', NOTIFY_DELIVERY_POLL_MS: '20', NOTIFY_BACKOFF_BASE_MS: '10' };

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      const id = String(req.headers['x-switchboard-delivery']);
      hits.set(id, (hits.get(id) ?? 0) + 1);
      req.resume();
      req.on('end', () => {
        res.statusCode = 204;
        res.end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    ns = createTestNamespace('notify_replicas');
    first = await startTestApp(AppModule, ns, { env });
    second = await startTestApp(AppModule, ns, { env });
  }, 60_000);

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await first.close();
    await second.close();
    await ns.cleanup();
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
  });

  it('delivers every message exactly once to sockets on either replica and to the webhook', async () => {
    const agents = ['r1', 'r2', 'r3', 'r4'];
    for (const [i, agent] of agents.entries()) {
      const app = i % 2 === 0 ? first : second;
      const client = await RecordingClient.connect(app.url, app.token({ tenant, role: 'agent', sub: agent }));
      clients.push(client);
      await expectEventually(() => expect(client.messages.some((m) => m['type'] === 'ready')).toBe(true));
    }
    const subscribed = await fetch(`${first.url}/v1/subscriptions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${first.token({ tenant, role: 'admin', sub: 'x' })}`, 'content-type': 'application/json' },
      body: JSON.stringify({ channel: 'webhook', target: receiverUrl, eventTypes: ['analytics.kudos'] }),
    });
    expect(subscribed.status).toBe(201);

    const perAgent = 10;
    const events = agents.flatMap((agent) =>
      Array.from({ length: perAgent }, (_, n) =>
        buildEvent('analytics.kudos', { tenantid: tenant, data: { agentId: agent, interactionId: `${agent}-${n}`, quote: `${agent} #${n}` } }),
      ),
    );
    // Published through both replicas; each replica's consumer takes a share of the work.
    await first.app.get(EventPublisher).publishMany(events.slice(0, 20));
    await second.app.get(EventPublisher).publishMany(events.slice(20));

    await expectEventually(() => {
      for (const client of clients) expect(client.notifications()).toHaveLength(perAgent);
      expect(hits.size).toBe(events.length);
    });
    for (const [i, client] of clients.entries()) {
      const quotes = client.notifications().map((m) => (m['data'] as { quote: string }).quote);
      expect(new Set(quotes).size).toBe(perAgent);
      expect(quotes.every((q) => q.startsWith(`${agents[i] ?? ''} #`))).toBe(true);
    }
    expect([...hits.values()].every((count) => count === 1)).toBe(true);
  });
});
