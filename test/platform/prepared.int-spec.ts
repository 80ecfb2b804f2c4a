import { DataSource, QueryFailedError } from 'typeorm';
import { queryPrepared } from '@switchboard/platform';
import { createTestNamespace, TEST_DATABASE_URL, type TestNamespace } from '@switchboard/testing';

describe('prepared statements (real Postgres)', () => {
  let ns: TestNamespace;
  let dataSource: DataSource;
  const table = () => `"${ns.dbSchema}".item`;
  const preparedNames = async (): Promise<string[]> =>
    ((await dataSource.query(`SELECT name FROM pg_prepared_statements ORDER BY name`)) as { name: string }[]).map((row) => row.name);

  beforeAll(async () => {
    ns = createTestNamespace('prepared');
    // One connection: the prepared statements of every call below live on it.
    dataSource = await new DataSource({ type: 'postgres', url: TEST_DATABASE_URL, extra: { max: 1 } }).initialize();
    await dataSource.query(`CREATE SCHEMA "${ns.dbSchema}"`);
    await dataSource.query(`CREATE TABLE ${table()} (id int PRIMARY KEY, label text NOT NULL)`);
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await ns?.cleanup();
  });

  it('runs a statement under one name per text, outside and inside a transaction, with the same results as a plain query', async () => {
    const insert = `INSERT INTO ${table()} (id, label) SELECT * FROM unnest($1::int[], $2::text[]) RETURNING id, label`;
    expect(await queryPrepared(dataSource, insert, [[1, 2], ['a', 'b']])).toEqual([{ id: 1, label: 'a' }, { id: 2, label: 'b' }]);
    const afterFirst = await preparedNames();
    expect(afterFirst).toHaveLength(1);
    expect(afterFirst[0]).toMatch(/^sb_[0-9a-f]{24}$/);

    const rows = await dataSource.transaction(async (m) => {
      await queryPrepared(m, insert, [[3], ['c']]);
      return queryPrepared<{ id: number; label: string }[]>(m, `SELECT id, label FROM ${table()} WHERE id = ANY($1::int[]) ORDER BY id`, [[1, 3]]);
    });
    expect(rows).toEqual([{ id: 1, label: 'a' }, { id: 3, label: 'c' }]);
    // The insert's text kept its statement; the select is a second one.
    expect(await preparedNames()).toEqual(expect.arrayContaining([afterFirst[0]]));
    expect(await preparedNames()).toHaveLength(2);
    expect(await dataSource.query(`SELECT count(*)::int AS n FROM ${table()}`)).toEqual([{ n: 3 }]);
  });

  it('rolls back with its transaction and reports a failed statement with its text', async () => {
    const insert = `INSERT INTO ${table()} (id, label) VALUES ($1, $2)`;
    await expect(dataSource.transaction(async (m) => {
      await queryPrepared(m, insert, [10, 'x']);
      await queryPrepared(m, insert, [10, 'again']);
    })).rejects.toThrow(QueryFailedError);
    expect(await dataSource.query(`SELECT count(*)::int AS n FROM ${table()} WHERE id = 10`)).toEqual([{ n: 0 }]);
    const failure = await queryPrepared(dataSource, `SELECT nope FROM ${table()} WHERE id = $1`, [1]).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(QueryFailedError);
    expect(String((failure as QueryFailedError).query)).toContain('SELECT nope FROM');
  });

  it('prepares a statement afresh once its table changed under it (a column added by another replica)', async () => {
    const select = `SELECT * FROM ${table()} WHERE id = $1`;
    expect(await queryPrepared(dataSource, select, [1])).toEqual([{ id: 1, label: 'a' }]);
    await dataSource.query(`ALTER TABLE ${table()} ADD COLUMN note text`);
    // Outside a transaction the statement is run again at once.
    expect(await queryPrepared(dataSource, select, [1])).toEqual([{ id: 1, label: 'a', note: null }]);
    await dataSource.query(`ALTER TABLE ${table()} ADD COLUMN extra int`);
    // Inside one the transaction fails with it; the caller's next attempt succeeds.
    await expect(dataSource.transaction((m) => queryPrepared(m, select, [1]))).rejects.toThrow('cached plan must not change result type');
    expect(await dataSource.transaction((m) => queryPrepared(m, select, [1]))).toEqual([{ id: 1, label: 'a', note: null, extra: null }]);
  });
});
