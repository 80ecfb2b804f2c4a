// Creates the application and test databases when they are missing. Run by scripts/infra.sh once PostgreSQL answers.
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
}

main().catch((error: unknown) => {
  console.error(`ensure-databases: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
