import type { Kpis } from '@switchboard/contracts';
import { buildEvent, createTestNamespace, startTestApp, uniqueTenant, type TestApp, type TestNamespace } from '@switchboard/testing';
import { DataSource } from 'typeorm';
import { AppModule } from '../app.module';
import { agentBucketsSql, MINUTE_COLUMNS, minuteRowsSql, type AgentBucket } from './kpi-sql';
import { KpiFactsUseCase, type KpiEvent } from './kpi-facts.use-case';
import { liveWindow } from './kpi-model';
import { KpiQueryService } from './kpi-query.service';
import { KpiRepository } from './kpi.repository';

/**
 * A contact's wrap-up time and repeat flag depend on other rows (its agent's spans, its customer's later contacts) and
 * are kept on the contact as those arrive: the same events give the same KPIs in any order and any split into batches.
 *
 * Times in seconds after t0 (ten minutes ago):
 * - c1 (customer A): arrives 0, answered 10 by a1, ends 130; a1 wraps up 130–160 (30 s). A calls again at 500 (c2), so c1
 *   is not resolved.
 * - c3 (customer B): arrives 20, answered 50 by a2, ends 110; a2 wraps up from 110 until a change at 120 that arrives
 *   after the one at 130 (10 s).
 * - c4 (customer C): arrives 30, answered 40 by a3, ends 200; a3 goes to wrap-up 3 s before the end, until 220 (23 s).
 * - c5 (customer D): arrives 60, answered 70 by a4, ends 300; a4's next wrap-up starts 90 s after the end: none counted.
 * - c6 (customer E): arrives 80, abandons at 95.
 */
describe('KPI facts in any arrival order', () => {
  let ns: TestNamespace;
  let app: TestApp;
  const t0 = Date.now() - 600_000;
  const at = (seconds: number): string => new Date(t0 + seconds * 1000).toISOString();

  function scenario(tenant: string): KpiEvent[] {
    const created = (id: string, customer: string, s: number) =>
      buildEvent('interaction.created', { tenantid: tenant, time: at(s), data: { interactionId: id, queueId: 'q1', channel: 'chat', customer: { id: customer } } });
    const answered = (id: string, agentId: string, s: number) => buildEvent('interaction.answered', { tenantid: tenant, time: at(s), data: { interactionId: id, agentId } });
    const ended = (id: string, reason: 'completed' | 'abandoned', s: number, agentId?: string) =>
      buildEvent('interaction.ended', { tenantid: tenant, time: at(s), data: { interactionId: id, reason, ...(agentId ? { agentId } : {}) } });
    const state = (agentId: string, value: 'available' | 'busy' | 'wrap_up', s: number) =>
      buildEvent('agent.state_changed', { tenantid: tenant, time: at(s), data: { agentId, state: value } });
    return [
      created('c1', 'A', 0), answered('c1', 'a1', 10), state('a1', 'busy', 10), ended('c1', 'completed', 130, 'a1'),
      state('a1', 'wrap_up', 130), state('a1', 'available', 160), created('c2', 'A', 500),
      created('c3', 'B', 20), answered('c3', 'a2', 50), state('a2', 'busy', 50), ended('c3', 'completed', 110, 'a2'),
      state('a2', 'wrap_up', 110), state('a2', 'available', 130), state('a2', 'available', 120),
      created('c4', 'C', 30), answered('c4', 'a3', 40), state('a3', 'busy', 40), state('a3', 'wrap_up', 197), ended('c4', 'completed', 200, 'a3'),
      state('a3', 'available', 220),
      created('c5', 'D', 60), answered('c5', 'a4', 70), ended('c5', 'completed', 300, 'a4'), state('a4', 'available', 300),
      state('a4', 'wrap_up', 390), state('a4', 'available', 400),
      created('c6', 'E', 80), ended('c6', 'abandoned', 95),
    ];
  }

  /** A seeded shuffle (Park–Miller), so a failing order can be replayed. */
  function shuffled<T>(items: readonly T[], seed: number): T[] {
    let state = seed;
    const next = (): number => (state = (state * 48_271) % 2_147_483_647) / 2_147_483_647;
    const result = [...items];
    for (let i = result.length - 1; i > 0; i -= 1) {
      const j = Math.floor(next() * (i + 1));
      [result[i], result[j]] = [result[j] as T, result[i] as T];
    }
    return result;
  }

  /** Records the events in order, `perBatch` at a time (the events of a group share a batch). */
  async function record(events: readonly KpiEvent[], perBatch: number): Promise<void> {
    const facts = app.app.get(KpiFactsUseCase);
    for (let i = 0; i < events.length; i += perBatch) await Promise.all(events.slice(i, i + perBatch).map((event) => facts.record(event)));
  }

  /**
   * The per-minute counts kept change by change equal those counted afresh from the contacts (a minute left with
   * nothing in it counts as absent), and so do the agents' time buckets from the spans.
   */
  async function expectMinutesCountedRight(tenant: string, thresholdSeconds = 20, withAgents = true): Promise<void> {
    const db = app.app.get(DataSource);
    const columns = `tenant, queue_id, minute, ${MINUTE_COLUMNS.join(', ')}`;
    const kept: unknown[] = await db.query(
      `SELECT ${columns} FROM "${ns.dbSchema}".kpi_contact_minute
       WHERE tenant = $1 AND (offered <> 0 OR answered <> 0 OR abandoned <> 0 OR handled <> 0 OR wait_max IS NOT NULL OR abandoned_wait_max IS NOT NULL)
       ORDER BY minute, queue_id`,
      [tenant],
    );
    const afresh: unknown[] = await db.query(
      `SELECT ${columns} FROM (${minuteRowsSql(`"${ns.dbSchema}".kpi_contact`, 'c.tenant = $1', '$2::int')}) r ORDER BY minute, queue_id`,
      [tenant, thresholdSeconds],
    );
    expect(afresh.length).toBeGreaterThan(0);
    expect(kept).toEqual(afresh);
    for (const bucket of ['minute', 'hour'] as AgentBucket[]) {
      const round = (rows: { seconds: number }[]): unknown[] => rows.map((row) => ({ ...row, seconds: Math.round(row.seconds * 1000) / 1000 }));
      const keptTime: { seconds: number }[] = await db.query(
        `SELECT tenant, agent_id, state, ${bucket} AS bucket, seconds FROM "${ns.dbSchema}".kpi_agent_${bucket}
         WHERE tenant = $1 AND abs(seconds) > 1e-9 ORDER BY 4, 2, 3`,
        [tenant],
      );
      const afreshTime: { seconds: number }[] = await db.query(
        `SELECT * FROM (${agentBucketsSql(`"${ns.dbSchema}".kpi_agent_span`, 's.tenant = $1', bucket)}) r ORDER BY 4, 2, 3`,
        [tenant],
      );
      expect(afreshTime.length > 0).toBe(withAgents);
      expect(round(keptTime)).toEqual(round(afreshTime));
    }
  }

  async function kpisOf(tenant: string): Promise<Kpis> {
    return (await app.app.get(KpiQueryService).overview(tenant, liveWindow(new Date(), 15))).tenant.kpis;
  }

  beforeAll(async () => {
    ns = createTestNamespace('analytics_kpi_order');
    app = await startTestApp(AppModule, ns);
  }, 60_000);

  afterAll(async () => {
    await app.close();
    await ns.cleanup();
  }, 30_000);

  it('gives the hand-computed wrap-up and FCR for events in their order, one at a time', async () => {
    const tenant = uniqueTenant('inorder');
    await record(scenario(tenant), 1);
    expect(await kpisOf(tenant)).toMatchObject({
      offered: 6,
      answered: 4,
      abandoned: 1,
      // c1 120 + 30, c3 60 + 10, c4 160 + 23, c5 230 + 0
      ahtSeconds: 158.25,
      fcr: 0.75, // c1's customer came back; c3, c4 and c5's did not
    });
    await expectMinutesCountedRight(tenant);
    const agents = (await app.app.get(KpiQueryService).overview(tenant, liveWindow(new Date(), 15))).agents;
    // a2: busy 50–110, wrap-up 110–120, available from 120 (two spans) until now.
    expect(agents.find((agent) => agent.agentId === 'a2')?.seconds).toMatchObject({ busy: 60, wrap_up: 10 });
    expect(agents.find((agent) => agent.agentId === 'a1')?.seconds).toMatchObject({ busy: 120, wrap_up: 30 });
    const rows: { interaction_id: string; wrap_up_seconds: number | null; repeated: boolean }[] = await app.app.get(DataSource).query(
      `SELECT interaction_id, wrap_up_seconds, repeated FROM "${ns.dbSchema}".kpi_contact WHERE tenant = $1 ORDER BY interaction_id`,
      [tenant],
    );
    expect(rows).toEqual([
      { interaction_id: 'c1', wrap_up_seconds: 30, repeated: true },
      { interaction_id: 'c2', wrap_up_seconds: null, repeated: false },
      { interaction_id: 'c3', wrap_up_seconds: 10, repeated: false },
      { interaction_id: 'c4', wrap_up_seconds: 23, repeated: false },
      { interaction_id: 'c5', wrap_up_seconds: null, repeated: false },
      { interaction_id: 'c6', wrap_up_seconds: null, repeated: false },
    ]);
  }, 30_000);

  const isAgentChange = (event: KpiEvent): boolean => event.type === 'agent.state_changed';
  it.each<[string, (events: KpiEvent[]) => KpiEvent[], number]>([
    ['reversed, one at a time', (events) => [...events].reverse(), 1],
    ['of contacts before the agents\' changes, one at a time', (events) => [...events.filter((e) => !isAgentChange(e)), ...events.filter(isAgentChange)], 1],
    ['of agents\' changes before the contacts, one at a time', (events) => [...events.filter(isAgentChange), ...events.filter((e) => !isAgentChange(e))], 1],
    ['shuffled (seed 7), one at a time', (events) => shuffled(events, 7), 1],
    ['shuffled (seed 11), four per batch', (events) => shuffled(events, 11), 4],
    ['shuffled (seed 23), nine per batch', (events) => shuffled(events, 23), 9],
    ['shuffled (seed 42), all in one batch', (events) => shuffled(events, 42), 100],
  ])('gives the same KPIs for the events %s', async (_label, order, perBatch) => {
    const tenant = uniqueTenant('order');
    await record(order(scenario(tenant)), perBatch);
    expect(await kpisOf(tenant)).toMatchObject({ offered: 6, answered: 4, abandoned: 1, ahtSeconds: 158.25, fcr: 0.75, asaSeconds: 15 });
    await expectMinutesCountedRight(tenant);
  }, 30_000);

  it('counts a minute again when it loses its longest wait (an abandoned contact answered after all)', async () => {
    const tenant = uniqueTenant('lost');
    const [created] = scenario(tenant);
    const ended = buildEvent('interaction.ended', { tenantid: tenant, time: at(45), data: { interactionId: 'c1', reason: 'abandoned' } });
    const answered = buildEvent('interaction.answered', { tenantid: tenant, time: at(40), data: { interactionId: 'c1', agentId: 'a1' } });
    await record([created as KpiEvent, ended, answered], 1);
    expect(await kpisOf(tenant)).toMatchObject({ offered: 1, answered: 1, abandoned: 0, longestWaitSeconds: 40 });
    await expectMinutesCountedRight(tenant, 20, false);
  }, 30_000);

  it('counts a queue\'s minutes again when its target changes, or when the default that applies to it changed', async () => {
    const tenant = uniqueTenant('target');
    await record(scenario(tenant), 100);
    // Default 20 s: c1, c4 and c5 (10 s each) of the 4 answered and 1 abandoned.
    expect((await kpisOf(tenant)).serviceLevel).toBe(0.6);
    const repository = app.app.get(KpiRepository);
    await repository.setTarget(tenant, 'q1', { percent: 80, seconds: 5 });
    expect((await kpisOf(tenant)).serviceLevel).toBe(0);
    await expectMinutesCountedRight(tenant, 5);
    await repository.setTarget(tenant, 'q1', { percent: 80, seconds: 30 });
    expect((await kpisOf(tenant)).serviceLevel).toBe(0.8);
    // Counted with another threshold than the one that applies (as after a change of the default target): counted again.
    await app.app.get(DataSource).query(`UPDATE "${ns.dbSchema}".kpi_queue SET sla_seconds = NULL WHERE tenant = $1`, [tenant]);
    expect(await app.app.get(KpiFactsUseCase).recountStaleQueues()).toBe(1);
    expect((await kpisOf(tenant)).serviceLevel).toBe(0.6);
    await expectMinutesCountedRight(tenant, 20);
  }, 30_000);
});
