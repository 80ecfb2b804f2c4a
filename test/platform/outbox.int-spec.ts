import { connect, type NatsConnection, type Subscription } from 'nats';
import { DataSource } from 'typeorm';
import type { AnyCloudEvent } from '@switchboard/contracts';
import { Outbox } from '@switchboard/platform';
import { buildEvent, createTestNamespace, expectEventually, startTestApp, uniqueTenant, type TestApp, type TestNamespace, TEST_DATABASE_URL, TEST_NATS_URL } from '@switchboard/testing';
import { NotesAppModule } from './notes.fixture';

describe('transactional outbox (real NATS and Postgres)', () => {
  let ns: TestNamespace;
  let svc: TestApp;
  let nc: NatsConnection;
  let sub: Subscription;
  let outbox: Outbox;
  let dataSource: DataSource;
  const tenant = uniqueTenant('outbox');
  const seen: string[] = [];
  const table = () => `"${ns.dbSchema}".outbox`;
  const created = () => buildEvent('interaction.created', { tenantid: tenant });

  beforeAll(async () => {
    ns = createTestNamespace('outbox');
    svc = await startTestApp(NotesAppModule, ns);
    outbox = svc.app.get(Outbox);
    dataSource = svc.app.get(DataSource);
    nc = await connect({ servers: TEST_NATS_URL });
    sub = nc.subscribe(`${ns.natsNamespace}.cc.${tenant}.>`);
    void (async () => {
      for await (const m of sub) seen.push((m.json() as AnyCloudEvent).id);
    })();
    await nc.flush();
  });

  afterAll(async () => {
    sub?.unsubscribe();
    await nc?.close();
    await svc?.close();
    await ns?.cleanup();
  });

  /** The outbox holds only events not yet published. */
  const unpublished = async (): Promise<string[]> =>
    ((await dataSource.query(`SELECT event_id FROM ${table()}`)) as { event_id: string }[]).map((r) => r.event_id);

  it('publishes events once their transaction commits, in order, and deletes their rows', async () => {
    const [a, b, c] = [created(), created(), created()];
    let seenBeforeCommit = -1;
    await dataSource.transaction(async (m) => {
      await outbox.enqueue(m, [a, b]);
      await outbox.enqueue(m, [c]);
      await new Promise((resolve) => setTimeout(resolve, 50));
      seenBeforeCommit = seen.filter((id) => [a.id, b.id, c.id].includes(id)).length;
    });
    expect(seenBeforeCommit).toBe(0);
    // Straight after the commit, well before the sweep would take the rows (5 s).
    await expectEventually(() => expect(seen.filter((id) => [a.id, b.id, c.id].includes(id))).toEqual([a.id, b.id, c.id]), { timeoutMs: 3000 });
    await expectEventually(async () => expect(await unpublished()).toEqual([]));
  });

  it('publishes nothing a rolled-back transaction or savepoint wrote, and an event id only once', async () => {
    const [gone, kept, inner, again] = [created(), created(), created(), created()];
    await expect(
      dataSource.transaction(async (m) => {
        await outbox.enqueue(m, [gone]);
        throw new Error('work failed');
      }),
    ).rejects.toThrow('work failed');
    const runner = dataSource.createQueryRunner();
    try {
      await runner.startTransaction();
      await outbox.enqueue(runner.manager, [kept]);
      await runner.startTransaction();
      await outbox.enqueue(runner.manager, [inner]);
      await runner.rollbackTransaction();
      await outbox.enqueue(runner.manager, [again, kept]);
      await runner.commitTransaction();
    } finally {
      await runner.release();
    }
    await expectEventually(() => expect(seen).toEqual(expect.arrayContaining([kept.id, again.id])));
    await outbox.flush();
    expect(seen).not.toContain(gone.id);
    expect(seen).not.toContain(inner.id);
    expect(seen.filter((id) => id === kept.id)).toHaveLength(1);
  });

  it('a row left unpublished (the writer crashed after its commit) goes out with the sweep', async () => {
    const orphan = created();
    // Written behind the outbox's back, as by a process that died before publishing.
    await dataSource.query(`INSERT INTO ${table()} (event_id, event, created_at) VALUES ($1, $2::jsonb, now() - interval '1 minute')`, [orphan.id, JSON.stringify(orphan)]);
    await expectEventually(() => expect(seen).toContain(orphan.id), { timeoutMs: 10_000 });
    await expectEventually(async () => expect(await unpublished()).toEqual([]));
  });
});

describe('transactional outbox at shutdown (real NATS and Postgres)', () => {
  it('sends what committed last and deletes its rows before the database connections close', async () => {
    const ns = createTestNamespace('outbox_stop');
    const tenant = uniqueTenant('outbox');
    const svc = await startTestApp(NotesAppModule, ns);
    const nc = await connect({ servers: TEST_NATS_URL });
    const db = await new DataSource({ type: 'postgres', url: TEST_DATABASE_URL, extra: { max: 1 } }).initialize();
    try {
      const seen: string[] = [];
      nc.subscribe(`${ns.natsNamespace}.cc.${tenant}.>`, { callback: (_error, m) => seen.push((m.json() as AnyCloudEvent).id) });
      await nc.flush();
      const events = [buildEvent('interaction.created', { tenantid: tenant }), buildEvent('interaction.created', { tenantid: tenant })];
      await svc.app.get(DataSource).transaction((m) => svc.app.get(Outbox).enqueue(m, events));
      // At once: well before the published rows' periodic delete (100 ms) and the sweep (5 s).
      await svc.close();
      await expectEventually(() => expect(seen).toEqual(expect.arrayContaining(events.map((e) => e.id))));
      expect(await db.query(`SELECT event_id FROM "${ns.dbSchema}".outbox`)).toEqual([]);
    } finally {
      await db.destroy();
      await nc.close();
      await ns.cleanup();
    }
  });
});
