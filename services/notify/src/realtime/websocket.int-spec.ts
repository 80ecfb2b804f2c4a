import {
  buildEvent,
  createTestNamespace,
  expectEventually,
  startTestApp,
  uniqueTenant,
  type TestApp,
  type TestNamespace,
} from '@switchboard/testing';
import { EventPublisher } from '@switchboard/platform';
import { AppModule } from '../app.module';
import { Clock } from '../clock/clock';
import { RecordingClient, refusedStatus } from '../../test/ws-client';

describe('WebSocket /v1/ws and the inbox', () => {
  let ns: TestNamespace;
  let app: TestApp;
  let publisher: EventPublisher;
  const tenant = uniqueTenant();
  const other = uniqueTenant();
  const clients: RecordingClient[] = [];

  const connect = async (token: string, query = '', autoPong = true) => {
    const client = await RecordingClient.connect(app.url, token, query, { autoPong });
    clients.push(client);
    await expectEventually(() => expect(client.messages.some((m) => m['type'] === 'ready')).toBe(true));
    return client;
  };
  const agentToken = (agent: string, t = tenant) => app.token({ tenant: t, role: 'agent', sub: agent });

  beforeAll(async () => {
    ns = createTestNamespace('notify_ws');
    app = await startTestApp(AppModule, ns, { env: { NOTIFY_HEARTBEAT_MS: '200', NOTIFY_ROUTING_URL: 'http://routing.test:3002' } });
    publisher = app.app.get(EventPublisher);
  }, 60_000);

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await app.close();
    await ns.cleanup();
  });

  it('pushes an offer to its agent only, with what it needs to accept or reject', async () => {
    const a1 = await connect(agentToken('a1'));
    const a2 = await connect(agentToken('a2'));
    const elsewhere = await connect(agentToken('a1', other));
    const offered = buildEvent('routing.offered', { tenantid: tenant, data: { agentId: 'a1', offerId: 'of-1', interactionId: 'i-1' } });
    await publisher.publish(offered);

    const [message] = await expectEventually(() => {
      const got = a1.notifications();
      expect(got).toHaveLength(1);
      return got;
    });
    expect(message).toMatchObject({
      kind: 'offer',
      eventType: 'routing.offered',
      eventId: offered.id,
      data: {
        offerId: 'of-1',
        interactionId: 'i-1',
        expiresAt: offered.data.expiresAt,
        acceptUrl: 'http://routing.test:3002/v1/offers/of-1/accept',
        rejectUrl: 'http://routing.test:3002/v1/offers/of-1/reject',
      },
    });
    await publisher.publish(buildEvent('analytics.kudos', { tenantid: tenant, data: { agentId: 'a1', quote: 'thanks!' } }));
    await expectEventually(() => expect(a1.notifications().map((m) => m['kind'])).toEqual(['offer', 'kudos']));
    expect(a2.notifications()).toHaveLength(0);
    expect(elsewhere.notifications()).toHaveLength(0);
  });

  it('sends tenant alerts to supervisors, not to other tenants', async () => {
    const supervisor = await connect(app.token({ tenant, role: 'supervisor', sub: 'sup-1' }));
    const otherSupervisor = await connect(app.token({ tenant: other, role: 'supervisor', sub: 'sup-9' }));
    await publisher.publish(
      buildEvent('analytics.abuse_detected', { tenantid: tenant, data: { agentId: 'a7', severity: 'high', quote: 'you idiot' } }),
    );
    await expectEventually(() =>
      expect(supervisor.notifications()).toEqual([
        expect.objectContaining({ kind: 'alert', severity: 'high', data: expect.objectContaining({ alert: 'abuse_detected', quote: 'you idiot' }) }),
      ]),
    );
    expect(otherSupervisor.notifications()).toHaveLength(0);
  });

  it('replays unacknowledged items on reconnect, after the cursor, and forgets acknowledged ones', async () => {
    const first = await connect(agentToken('a3'));
    const events = [1, 2, 3].map((n) =>
      buildEvent('analytics.kudos', { tenantid: tenant, data: { agentId: 'a3', quote: `thank you ${n}` } }),
    );
    for (const e of events) await publisher.publish(e);
    const seen = await expectEventually(() => {
      const got = first.notifications();
      expect(got).toHaveLength(3);
      return got;
    });
    first.send({ type: 'ack', id: seen[0]?.['id'] });
    await expectEventually(() => expect(first.messages).toContainEqual({ type: 'acked', id: seen[0]?.['id'] }));
    await first.close();

    // Missed while offline.
    await publisher.publish(buildEvent('analytics.kudos', { tenantid: tenant, data: { agentId: 'a3', quote: 'thank you 4' } }));
    await expectEventually(async () => {
      const inbox = await fetch(`${app.url}/v1/inbox`, { headers: { authorization: `Bearer ${agentToken('a3')}` } });
      expect(((await inbox.json()) as { items: unknown[] }).items).toHaveLength(3);
    });

    const again = await connect(agentToken('a3'));
    expect(again.notifications().map((m) => (m['data'] as { quote: string }).quote)).toEqual([
      'thank you 2',
      'thank you 3',
      'thank you 4',
    ]);
    const cursor = String(seen[2]?.['cursor']);
    const sinceCursor = await connect(agentToken('a3'), `&since=${cursor}`);
    expect(sinceCursor.notifications().map((m) => (m['data'] as { quote: string }).quote)).toEqual(['thank you 4']);
  });

  it('acknowledges through the API only inside the caller inbox', async () => {
    await publisher.publish(buildEvent('analytics.kudos', { tenantid: tenant, data: { agentId: 'a4', quote: 'great help' } }));
    const item = await expectEventually(async () => {
      const res = await fetch(`${app.url}/v1/inbox`, { headers: { authorization: `Bearer ${agentToken('a4')}` } });
      const body = (await res.json()) as { items: { id: string }[] };
      expect(body.items).toHaveLength(1);
      return body.items[0] as { id: string };
    });
    const ack = (token: string) => fetch(`${app.url}/v1/inbox/${item.id}/ack`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    expect((await ack(agentToken('a5'))).status).toBe(404);
    expect((await ack(agentToken('a4', other))).status).toBe(404);
    // Acknowledgements arriving together are written together: the owner's twice, beside strangers'.
    const [stranger, ok, again, foreign] = await Promise.all([ack(agentToken('a5')), ack(agentToken('a4')), ack(agentToken('a4')), ack(agentToken('a4', other))]);
    expect([stranger?.status, ok?.status, again?.status, foreign?.status]).toEqual([404, 201, 201, 404]);
    const [first, second] = (await Promise.all([ok!.json(), again!.json()])) as { ackedAt: string }[];
    expect(first).toMatchObject({ id: item.id, ackedAt: expect.any(String) as string });
    expect(second?.ackedAt).toBe(first?.ackedAt);
    const after = await fetch(`${app.url}/v1/inbox`, { headers: { authorization: `Bearer ${agentToken('a4')}` } });
    expect(((await after.json()) as { items: unknown[] }).items).toHaveLength(0);
    const bad = await fetch(`${app.url}/v1/inbox?limit=0`, { headers: { authorization: `Bearer ${agentToken('a4')}` } });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
  });

  it('holds non-urgent messages for an agent off shift until the shift starts; offers never wait', async () => {
    const clock = app.app.get(Clock);
    clock.set(new Date('2026-03-02T20:00:00Z'));
    try {
      const put = (token: string, body: unknown) =>
        fetch(`${app.url}/v1/recipients/a8/preferences`, {
          method: 'PUT',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
      expect((await put(agentToken('a9'), { shift: null })).status).toBe(403);
      expect((await put(agentToken('a8'), { shift: { start: '09:00', end: '17:00', timeZone: 'Mars' } })).status).toBe(400);
      expect((await put(agentToken('a8'), { shift: { start: '09:00', end: '17:00', timeZone: 'UTC' } })).status).toBe(200);

      const agent = await connect(agentToken('a8'));
      await publisher.publish(buildEvent('analytics.kudos', { tenantid: tenant, data: { agentId: 'a8', quote: 'after hours thanks' } }));
      await publisher.publish(buildEvent('routing.offered', { tenantid: tenant, data: { agentId: 'a8', offerId: 'late-offer' } }));
      await expectEventually(() => expect(agent.notifications().map((m) => m['kind'])).toEqual(['offer']));
      const inbox = await fetch(`${app.url}/v1/inbox`, { headers: { authorization: `Bearer ${agentToken('a8')}` } });
      expect(((await inbox.json()) as { items: { kind: string }[] }).items.map((i) => i.kind)).toEqual(['offer']);

      clock.set(new Date('2026-03-03T09:00:00Z'));
      await expectEventually(() => expect(agent.notifications().map((m) => m['kind'])).toEqual(['offer', 'kudos']));
      // Released items take a new cursor: a client that saw the offer and reconnects after it still gets the kudos.
      const offerCursor = String(agent.notifications()[0]?.['cursor']);
      const [, kudos] = agent.notifications();
      expect(BigInt(String(kudos?.['cursor']))).toBeGreaterThan(BigInt(offerCursor));
      const again = await connect(agentToken('a8'), `&since=${offerCursor}`);
      expect(again.notifications().map((m) => m['kind'])).toEqual(['kudos']);
    } finally {
      clock.reset();
    }
  });

  it('refuses webhook targets in private or loopback ranges unless the configuration allows them', async () => {
    const admin = { authorization: `Bearer ${app.token({ tenant, role: 'admin', sub: 'admin-1' })}`, 'content-type': 'application/json' };
    for (const target of ['http://127.0.0.1:9/hook', 'http://localhost:9/hook', 'http://169.254.169.254/latest', 'http://[::1]/x']) {
      const res = await fetch(`${app.url}/v1/subscriptions`, { method: 'POST', headers: admin, body: JSON.stringify({ channel: 'webhook', target }) });
      expect(res.status).toBe(422);
      expect(await res.json()).toMatchObject({ code: 'NOTIFY.TARGET_PRIVATE' });
    }
  });

  it('refuses upgrades without a valid token, with a wrong role or on another path', async () => {
    expect(await refusedStatus(app.url, '/v1/ws')).toBe(401);
    expect(await refusedStatus(app.url, '/v1/ws?access_token=nope')).toBe(401);
    expect(await refusedStatus(app.url, `/v1/ws?access_token=${app.token({ tenant, role: 'ingest', sub: 'x' })}`)).toBe(403);
    expect(await refusedStatus(app.url, `/v1/other?access_token=${agentToken('a1')}`)).toBe(404);
  });

  it('drops a client that stops answering pings', async () => {
    const alive = await connect(agentToken('a6'));
    const silent = await connect(agentToken('a6'), '', false);
    await expectEventually(() => expect(silent.socket.readyState).toBe(3), { timeoutMs: 4_000 });
    expect(alive.socket.readyState).toBe(1);
  });
});
