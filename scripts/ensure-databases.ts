// Creates the application and test databases when they are missing, and compacts the test database's system catalogs
// when its schema churn left them mostly dead rows. Run by scripts/infra.sh once PostgreSQL answers.
// Safe to run concurrently: a database created by someone else in the meantime counts as success.
import { Client } from 'pg';

const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/switchboard';
const DEFAULT_TEST_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/switchboard_test';
const DUPLICATE_DATABASE = '42P04';
const UNIQUE_VIOLATION = '23505';
const CANNOT_CONNECT_NOW = '57P03';

function databaseName(url: string): string {
  const name = decodeURIComponent(new URL(url).pathname.replace(/^\//, ''));
  if (!/^[A-Za-z_][A-Za-z0-9_-]{0,62}$/.test(name)) {
    throw new Error(`"${name}" (from ${url}) is not a database name this script will create`);
  }
  return name;
}

function maintenanceUrl(url: string): string {
  const u = new URL(url);
  u.pathname = '/postgres';
  return u.toString();
}

function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : undefined;
}

async function connect(url: string, deadline: number): Promise<Client> {
  for (;;) {
    const client = new Client({ connectionString: url, connectionTimeoutMillis: 3000 });
    try {
      await client.connect();
      return client;
    } catch (error) {
      await client.end().catch(() => undefined);
      const retryable = errorCode(error) === CANNOT_CONNECT_NOW || errorCode(error) === 'ECONNREFUSED';
      if (!retryable || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

async function ensureDatabase(client: Client, name: string): Promise<boolean> {
  const existing = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
  if (existing.rowCount) return false;
  try {
    await client.query(`CREATE DATABASE "${name}"`);
    return true;
  } catch (error) {
    const code = errorCode(error);
    if (code === DUPLICATE_DATABASE || code === UNIQUE_VIOLATION) return false;
    throw error;
  }
}

/**
 * The system catalogs every created and dropped schema leaves dead rows in. Tests and benchmarks create and drop
 * schemas by the hundred; on a server without autovacuum those rows stay, and every new connection's catalog reads and
 * every plan wade through them (tens of thousands after a few runs).
 */
const CHURNED_CATALOGS = [
  'pg_attribute', 'pg_attrdef', 'pg_class', 'pg_constraint', 'pg_depend', 'pg_index', 'pg_namespace', 'pg_sequence',
  'pg_statistic', 'pg_trigger', 'pg_type',
];
/** Vacuumed once they hold more dead rows than this, and more dead rows than live ones. */
const DEAD_ROWS_TO_VACUUM = 5000;

/** Vacuums the churned catalogs of the database at `url` that are mostly dead rows; the names of those vacuumed. */
async function compactCatalogs(url: string): Promise<string[]> {
  const client = await connect(url, Date.now() + 20_000);
  try {
    const { rows } = await client.query<{ relname: string }>(
      `SELECT relname FROM pg_stat_sys_tables
       WHERE schemaname = 'pg_catalog' AND relname = ANY($1::text[]) AND n_dead_tup > $2 AND n_dead_tup > n_live_tup
       ORDER BY relname`,
      [CHURNED_CATALOGS, DEAD_ROWS_TO_VACUUM],
    );
    if (rows.length === 0) return [];
    await client.query(`VACUUM ${rows.map((row) => `pg_catalog.${client.escapeIdentifier(row.relname)}`).join(', ')}`);
    return rows.map((row) => row.relname);
  } finally {
    await client.end();
  }
}

async function main(): Promise<void> {
  const databaseUrl = process.env.DATABASE_URL || DEFAULT_DATABASE_URL;
  const testDatabaseUrl = process.env.TEST_DATABASE_URL || DEFAULT_TEST_DATABASE_URL;
  const names = [...new Set([databaseName(databaseUrl), databaseName(testDatabaseUrl)])];
  const client = await connect(maintenanceUrl(databaseUrl), Date.now() + 20_000);
  try {
    for (const name of names) {
      if (await ensureDatabase(client, name)) console.log(`postgres: created database ${name}`);
    }
  } finally {
    await client.end();
  }
  const vacuumed = await compactCatalogs(testDatabaseUrl);
  if (vacuumed.length > 0) console.log(`postgres: vacuumed ${vacuumed.join(', ')} in ${databaseName(testDatabaseUrl)}`);
}

main().catch((error: unknown) => {
  console.error(`ensure-databases: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
