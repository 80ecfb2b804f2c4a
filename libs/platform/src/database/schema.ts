import { Client } from 'pg';
import type { DataSource, QueryRunner } from 'typeorm';

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/** Double-quotes a validated SQL identifier. */
export function quoteIdent(name: string): string {
  if (!IDENTIFIER.test(name)) throw new Error(`Not a safe SQL identifier: ${name}`);
  return `"${name}"`;
}

/** The schema a data source works in (the service's own, or a test run's), unquoted. */
export function schemaOf(dataSource: DataSource): string {
  return (dataSource.options as { schema?: string }).schema ?? 'public';
}

/** The quoted schema a migration runs in (the service's own, or a test run's). */
export function migrationSchema(queryRunner: QueryRunner): string {
  return quoteIdent(schemaOf(queryRunner.connection));
}

/** Creates the service's schema if missing (TypeORM needs it before it can record migrations). */
export async function ensureSchema(url: string, schema: string): Promise<void> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
  } catch (error) {
    // Two replicas creating the schema at once: the loser sees a unique violation, which is fine.
    if ((error as { code?: string }).code !== '23505') throw error;
  } finally {
    await client.end();
  }
}

/** Drops a schema and everything in it (test clean-up). */
export async function dropSchema(url: string, schema: string): Promise<void> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`);
  } finally {
    await client.end();
  }
}

/**
 * Runs pending migrations while holding a Postgres advisory lock scoped to the schema, so replicas
 * starting together migrate one after another instead of racing.
 */
export async function migrateUnderLock(dataSource: DataSource): Promise<void> {
  const schema = schemaOf(dataSource);
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock(hashtext($1))', [`switchboard:migrate:${schema}`]);
    await dataSource.runMigrations({ transaction: 'each' });
  } finally {
    await runner.query('SELECT pg_advisory_unlock(hashtext($1))', [`switchboard:migrate:${schema}`]).catch(() => undefined);
    await runner.release();
  }
}
