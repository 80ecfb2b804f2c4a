import { DataSource } from 'typeorm';
import { queryPrepared, StatisticsKeeper } from '@switchboard/platform';
import { createTestNamespace, startTestApp, TEST_DATABASE_URL, type TestApp, type TestNamespace } from '@switchboard/testing';
import { NotesAppModule } from './notes.fixture';

describe('table statistics kept current (real Postgres)', () => {
  let ns: TestNamespace;
  let svc: TestApp;
  let keeper: StatisticsKeeper;
  let db: DataSource;

  beforeAll(async () => {
    ns = createTestNamespace('stats');
    svc = await startTestApp(NotesAppModule, ns);
    keeper = svc.app.get(StatisticsKeeper);
    // The test drives the checks itself.
    await keeper.beforeApplicationShutdown();
    // One connection, whose prepared statements are planned once (generic plans), as Postgres settles on after a few
    // executions of a statement.
    db = await new DataSource({ type: 'postgres', url: TEST_DATABASE_URL, extra: { max: 1, options: '-c plan_cache_mode=force_generic_plan' } }).initialize();
  });

  afterAll(async () => {
    await db?.destroy();
    await svc?.close();
    await ns?.cleanup();
  });

  it('analyzes a table that outgrew its statistics, so that statements prepared while it was empty are planned for its size', async () => {
    const table = `"${ns.dbSchema}".grown`;
    await db.query(`CREATE TABLE ${table} (tenant text, id text, agent text, payload text, PRIMARY KEY (tenant, id))`);
    await db.query(`CREATE INDEX grown_agent ON ${table} (tenant, agent)`);
    const select = `SELECT g.id FROM ${table} g JOIN unnest($1::text[], $2::text[]) AS v(tenant, id) ON g.tenant = v.tenant AND g.id = v.id`;
    expect(await queryPrepared(db, select, [['t'], ['1']])).toEqual([]);
    const [{ name }] = (await db.query(`SELECT name FROM pg_prepared_statements WHERE statement = $1`, [select])) as { name: string }[];
    const plan = async (): Promise<string> =>
      ((await db.query(`EXPLAIN EXECUTE ${name}('{t}', '{1}')`)) as { 'QUERY PLAN': string }[]).map((row) => row['QUERY PLAN']).join('\n');
    expect(await plan()).toContain('Seq Scan on grown');

    await db.query(`INSERT INTO ${table} SELECT 't', g::text, 'a' || (g % 500), repeat('p', 200) FROM generate_series(1, 20000) g`);
    // Still the plan made for an empty table: nothing told Postgres the table grew.
    expect(await plan()).toContain('Seq Scan on grown');

    const analyzed = await keeper.refresh();
    expect(analyzed.map((t) => t.table)).toContain('grown');
    expect(await plan()).toMatch(/Index (Only )?Scan using grown_pkey on grown/);
    expect(await queryPrepared(db, select, [['t'], ['1']])).toEqual([{ id: '1' }]);
    // Analyzed again only once it has doubled again.
    expect((await keeper.refresh()).map((t) => t.table)).not.toContain('grown');
  });
});
