import type { AnyCloudEvent, CloudEvent, KpiSnapshotData } from '@switchboard/contracts';
import { EventPublisher, namespacedDurable, namespacedStream, namespacedSubject, NATS_CONNECTION } from '@switchboard/platform';
import { buildEvent, createTestNamespace, expectEventually, startTestApp, uniqueTenant, type TestApp, type TestNamespace } from '@switchboard/testing';
import type { NatsConnection, Subscription } from 'nats';
import { DataSource } from 'typeorm';
import { AppModule } from '../app.module';
import { recommendAgents } from './erlang-c';
import type { KpiOverview, QueueKpis } from './kpi-query.service';

/**
 * A hand-computed scenario (times relative to t0 = ten minutes ago, live window 15 min):
 * billing (target 80 % in 20 s): c1 waits 10 s, talks 120 s, wrap-up 30 s; c2 waits 30 s, talks 60 s, wrap-up 10 s;
 * c3 (c1's customer again) abandons after 45 s; c4 has been waiting for a minute. sales (default 80 % in 20 s): c5 waits 5 s.
 * support: c6 arrived 25 minutes ago (before the window) and is still waiting.
 */
describe('KPIs (consumer → aggregates, snapshots, SLA breach, HTTP)', () => {
  let ns: TestNamespace;
  let app: TestApp;
  let nc: NatsConnection;
  let publisher: EventPublisher;
  let subscription: Subscription;
  const received: AnyCloudEvent[] = [];
  const tenant = uniqueTenant('kpi');
  const now = Date.now();
  const t0 = now - 600_000;
  const at = (seconds: number): string => new Date(t0 + seconds * 1000).toISOString();

  const created = (id: string, queueId: string, customer: string, s: number) =>
    buildEvent('interaction.created', { tenantid: tenant, time: at(s), data: { interactionId: id, queueId, channel: 'voice', customer: { id: customer } } });
  const answered = (id: string, agentId: string, s: number) => buildEvent('interaction.answered', { tenantid: tenant, time: at(s), data: { interactionId: id, agentId } });
  const ended = (id: string, reason: 'completed' | 'abandoned', s: number, agentId?: string) =>
    buildEvent('interaction.ended', { tenantid: tenant, time: at(s), data: { interactionId: id, reason, ...(agentId ? { agentId } : {}) } });
  const state = (agentId: string, value: 'available' | 'busy' | 'wrap_up', s: number) =>
    buildEvent('agent.state_changed', { tenantid: tenant, time: at(s), data: { agentId, state: value } });

  const events: AnyCloudEvent[] = [
    created('c6', 'support', 'cust-e', -900),
    state('a1', 'available', -60),
    state('a2', 'available', -60),
    state('a3', 'available', 0),
    created('c1', 'billing', 'cust-a', 0),
    answered('c1', 'a1', 10),
    state('a1', 'busy', 10),
    created('c2', 'billing', 'cust-b', 20),
    created('c3', 'billing', 'cust-a', 30),
    created('c5', 'sales', 'cust-c', 40),
    answered('c5', 'a3', 45),
    state('a3', 'busy', 45),
    answered('c2', 'a2', 50),
    state('a2', 'busy', 50),
    ended('c3', 'abandoned', 75),
    ended('c2', 'completed', 110, 'a2'),
    state('a2', 'wrap_up', 110),
    state('a2', 'available', 120),
    ended('c1', 'completed', 130, 'a1'),
    state('a1', 'wrap_up', 130),
    state('a1', 'available', 160),
    created('c4', 'billing', 'cust-d', 540),
  ];

  const get = async <T>(path: string, role: 'supervisor' | 'agent' | 'ingest' = 'supervisor'): Promise<{ status: number; body: T }> => {
    const response = await fetch(`${app.url}${path}`, { headers: { authorization: `Bearer ${app.token({ tenant, role, sub: 'a1' })}` } });
    return { status: response.status, body: (await response.json()) as T };
  };

  /** Waits until the KPI consumers have nothing pending or unacknowledged. */
  async function drained(): Promise<void> {
    const jsm = await nc.jetstreamManager();
    await expectEventually(async () => {
      for (const [stream, durable] of [['CC_INTERACTIONS', 'analytics-cc_interactions'], ['CC_AGENTS', 'analytics-kpis']] as const) {
        const info = await jsm.consumers.info(namespacedStream(ns.natsNamespace, stream), namespacedDurable(ns.natsNamespace, durable));
        expect(info.num_pending + info.num_ack_pending).toBe(0);
      }
    });
  }

  beforeAll(async () => {
    ns = createTestNamespace('analytics_kpis');
    app = await startTestApp(AppModule, ns, { env: { ANALYTICS_KPI_WINDOW_MINUTES: '15' } });
    publisher = app.app.get(EventPublisher);
    nc = app.app.get<NatsConnection>(NATS_CONNECTION);
    subscription = nc.subscribe(namespacedSubject(ns.natsNamespace, `cc.${tenant}.analytics.>`), {
      callback: (_error, msg) => received.push(JSON.parse(new TextDecoder().decode(msg.data)) as AnyCloudEvent),
    });
    const put = await fetch(`${app.url}/v1/queues/billing/sla`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${app.token({ tenant, role: 'supervisor', sub: 's' })}`, 'content-type': 'application/json' },
      body: JSON.stringify({ percent: 80, seconds: 20 }),
    });
    expect(put.status).toBe(200);
    await publisher.publishMany(events);
  }, 60_000);

  afterAll(async () => {
    subscription.unsubscribe();
    await app.close();
    await ns.cleanup();
  }, 30_000);

  it('computes the live KPIs of each queue and the tenant from the events', async () => {
    // Contacts and agent states travel on two streams: both must be consumed before the agents' states are read.
    await drained();
    const billing = await expectEventually(async () => {
      const { status, body } = await get<QueueKpis>('/v1/queues/billing/kpis');
      expect(status).toBe(200);
      expect(body.kpis.offered).toBe(4);
      expect(body.kpis.ahtSeconds).toBe(110);
      return body;
    }, { timeoutMs: 20_000 });
    expect(body(billing)).toMatchObject({
      offered: 4,
      answered: 2,
      abandoned: 1,
      serviceLevel: 0.3333,
      asaSeconds: 20,
      ahtSeconds: 110, // (120 + 30 + 60 + 10) / 2
      abandonmentRate: 0.3333,
      queueDepth: 1,
      agentsByState: { available: 2 },
      fcr: 0.5, // c1's customer came back (c3); c2's did not
    });
    expect(billing.kpis.longestWaitSeconds).toBeGreaterThanOrEqual(59); // c4, still waiting
    expect(billing.kpis.longestWaitSeconds).toBeLessThan(120);
    expect(billing).toMatchObject({ queueId: 'billing', target: { percent: 80, seconds: 20 }, targetIsDefault: false, breached: true });
    // λ = 4 / 900 s, AHT 110 s → A = 0.489 Erlang: one agent reaches 55 %, two 92.7 % of calls within 20 s. The live
    // window starts on a whole minute, so it lasts 900–960 s: λ follows its length.
    expect(billing.staffing?.recommendedAgents).toBe(2);
    const seconds = (Date.parse(billing.window.to) - Date.parse(billing.window.from)) / 1000;
    expect(seconds).toBeGreaterThanOrEqual(900);
    expect(seconds).toBeLessThan(960);
    const advice = recommendAgents({ arrivalRate: 4 / seconds, ahtSeconds: 110 }, { fraction: 0.8, thresholdSeconds: 20 });
    expect(advice.recommendedAgents).toBe(2);
    expect(billing.staffing?.expectedServiceLevel).toBeCloseTo(advice.expectedServiceLevel, 3);
    expect(recommendAgents({ arrivalRate: 4 / 900, ahtSeconds: 110 }, { fraction: 0.8, thresholdSeconds: 20 }).expectedServiceLevel).toBeCloseTo(0.927, 3);

    const overview = (await get<KpiOverview>('/v1/kpis')).body;
    expect(overview.tenant.kpis).toMatchObject({ offered: 5, answered: 3, abandoned: 1, serviceLevel: 0.5, asaSeconds: 15, agentsByState: { available: 2, busy: 1 } });
    const sales = overview.queues.find((q) => q.queueId === 'sales');
    expect(sales?.kpis).toMatchObject({ offered: 1, answered: 1, abandoned: 0, serviceLevel: 1, agentsByState: { busy: 1 } });
    expect(sales?.targetIsDefault).toBe(true);
    expect(sales?.staffing).toBeUndefined(); // no contact handled yet: no AHT
    // Arrived before the window and still waiting: not offered in it, but waiting at its end.
    const support = overview.queues.find((q) => q.queueId === 'support');
    expect(support?.kpis).toMatchObject({ offered: 0, answered: 0, queueDepth: 1 });
    expect(support?.kpis.longestWaitSeconds).toBeGreaterThanOrEqual(1499);
    const a1 = overview.agents.find((a) => a.agentId === 'a1');
    expect(a1).toMatchObject({ state: 'available', seconds: { busy: 120, wrap_up: 30 } });
    expect(overview.agents.find((a) => a.agentId === 'a3')).toMatchObject({ state: 'busy', since: at(45) });

    if (new Date(at(-60)).toISOString().slice(0, 10) === new Date().toISOString().slice(0, 10)) {
      const day = (await get<QueueKpis>('/v1/queues/billing/kpis?window=day')).body;
      expect(day.window.kind).toBe('day');
      expect(day.kpis).toMatchObject({ offered: 4, answered: 2, abandoned: 1, serviceLevel: 0.3333, ahtSeconds: 110 });
    }
  }, 30_000);

  it('gives the last minutes, each with its contacts and the live service level ending with it', async () => {
    const { status, body } = await get<{ windowMinutes: number; minutes: { minute: string; offered: number; answered: number; abandoned: number; serviceLevel?: number }[] }>(
      '/v1/kpis/minutes?minutes=20',
    );
    expect(status).toBe(200);
    expect(body.windowMinutes).toBe(15);
    expect(body.minutes).toHaveLength(20);
    // c1, c2, c3 and c5 in the minutes after t0, c4 nine minutes later; c6 arrived 25 minutes ago.
    expect(body.minutes.reduce((sum, m) => sum + m.offered, 0)).toBe(5);
    expect(body.minutes.reduce((sum, m) => sum + m.answered, 0)).toBe(3);
    expect(body.minutes.at(-1)?.minute).toBe(new Date(Math.floor(Date.now() / 60_000) * 60_000).toISOString());
    // The last minute's live window is the tenant's live window now.
    expect(body.minutes.at(-1)?.serviceLevel).toBe(0.5);
    expect(body.minutes[0]?.serviceLevel).toBeUndefined(); // nothing answered or abandoned in the 15 minutes before it
    expect((await get('/v1/kpis/minutes?minutes=0')).status).toBe(400);
    expect((await get('/v1/kpis/minutes?hours=1')).status).toBe(400);
    expect((await get('/v1/kpis/minutes', 'ingest')).status).toBe(403);
  });

  it('publishes snapshots and one SLA breach for the queue below target', async () => {
    const snapshots = (): CloudEvent<'analytics.kpi_snapshot'>[] =>
      received.filter((e): e is CloudEvent<'analytics.kpi_snapshot'> => e.type === 'analytics.kpi_snapshot');
    await expectEventually(() => {
      const latest = snapshots().filter((e) => e.data.scope === 'queue' && e.data.queueId === 'billing' && e.data.window.kind === 'live').at(-1);
      expect(latest?.data.kpis).toMatchObject({ offered: 4, answered: 2, abandoned: 1, ahtSeconds: 110 });
    }, { timeoutMs: 20_000 });
    await expectEventually(() => expect(snapshots().some((e) => e.data.scope === 'tenant' && e.data.kpis.offered === 5)).toBe(true));
    await expectEventually(() => expect(received.filter((e) => e.type === 'analytics.sla_breached')).toHaveLength(1));
    const breach = received.find((e): e is CloudEvent<'analytics.sla_breached'> => e.type === 'analytics.sla_breached');
    // Announced as soon as a snapshot shows the level below target (events may still be arriving), and only once.
    expect(breach?.data).toMatchObject({ queueId: 'billing', target: { percent: 80, seconds: 20 }, window: { kind: 'live' } });
    expect(breach?.data.serviceLevel).toBeLessThan(0.8);
  }, 30_000);

  it('does not count replayed or duplicated events twice', async () => {
    for (const event of events) nc.publish(namespacedSubject(ns.natsNamespace, `cc.${tenant}.${event.type}`), JSON.stringify(event));
    await nc.flush();
    await drained();
    const billing = (await get<QueueKpis>('/v1/queues/billing/kpis')).body;
    expect(billing.kpis).toMatchObject({ offered: 4, answered: 2, abandoned: 1, serviceLevel: 0.3333, ahtSeconds: 110, fcr: 0.5 });
    const overview = (await get<KpiOverview>('/v1/kpis')).body;
    expect(overview.agents.find((a) => a.agentId === 'a2')).toMatchObject({ seconds: { busy: 60, wrap_up: 10 } });
    expect(received.filter((e) => e.type === 'analytics.sla_breached')).toHaveLength(1);
  }, 30_000);

  it('runs its statements without JIT compilation (its cost outgrows the aggregates once a day of contacts is stored)', async () => {
    const [row] = (await app.app.get(DataSource).query('SHOW jit')) as { jit: string }[];
    expect(row?.jit).toBe('off');
  });

  it('validates its input and scopes reads to the token', async () => {
    expect((await get('/v1/queues/nowhere/kpis')).status).toBe(404);
    expect((await get('/v1/kpis?window=week')).status).toBe(400);
    expect((await get('/v1/kpis?window=live&date=2025-01-01')).status).toBe(400);
    expect((await get('/v1/kpis', 'ingest')).status).toBe(403);
    expect((await get('/v1/agents', 'agent')).status).toBe(403);
    const asAgent = await get<KpiOverview>('/v1/kpis', 'agent'); // token of agent a1
    expect(asAgent.body.agents.map((a) => a.agentId)).toEqual(['a1']);
    expect(asAgent.body.tenant.kpis.offered).toBe(5);
    const other = await fetch(`${app.url}/v1/queues/billing/kpis`, {
      headers: { authorization: `Bearer ${app.token({ tenant: uniqueTenant('other'), role: 'supervisor', sub: 's' })}` },
    });
    expect(other.status).toBe(404);
    const bad = await fetch(`${app.url}/v1/queues/billing/sla`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${app.token({ tenant, role: 'supervisor', sub: 's' })}`, 'content-type': 'application/json' },
      body: JSON.stringify({ percent: 180, seconds: 0 }),
    });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
  }, 30_000);
});

function body(queue: QueueKpis): KpiSnapshotData['kpis'] {
  return queue.kpis;
}
