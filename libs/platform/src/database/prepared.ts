import { createHash } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';

/** What runs a statement: a data source (a pooled connection) or a transaction's manager. */
export type Queryable = Pick<DataSource, 'query'> | Pick<EntityManager, 'query'>;

/** Statement texts seen, by text: their query configurations (name derived from the text). */
const configs = new Map<string, PreparedConfig>();
/** Bounds the map should a caller build many distinct texts (each distinct text is its own prepared statement). */
const MAX_CONFIGS = 1_000;

interface PreparedConfig {
  /** The name derived from the text; `name` adds the generation once there is one. */
  base: string;
  name: string;
  text: string;
  toString(): string;
  /** Names given so far: a new one prepares the statement afresh on every connection. */
  generation: number;
}

/**
 * Runs `text` as a named prepared statement: each pooled connection parses it once, and after a few executions
 * Postgres keeps a generic plan for it, so later executions skip parsing and planning. For the statements a service
 * runs many times a second with the same text (per-event transitions, ledger claims, batched writes); planning them
 * every time cost as much as running them. Not for statements whose best plan depends on the values (a window over a
 * large table), nor for texts built with a varying shape (a VALUES list per row): each distinct text is its own
 * statement on every connection.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- rows of any shape, as TypeORM's own `query`
export async function queryPrepared<T = any>(db: Queryable, text: string, parameters: readonly unknown[] = []): Promise<T> {
  let config = configs.get(text);
  if (!config) {
    if (configs.size >= MAX_CONFIGS) configs.clear();
    const name = `sb_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`;
    // TypeORM hands the query to the pg driver as it is; the driver takes a configuration object with a name in place
    // of the text (a prepared statement). The text stands in for it in TypeORM's error logs.
    config = { base: name, name, text, toString: () => text, generation: 0 };
    configs.set(text, config);
  }
  try {
    return (await db.query(config as unknown as string, [...parameters])) as T;
  } catch (error) {
    if (!isStalePlan(error)) throw error;
    // The statement's tables changed under it (another replica migrated the schema, e.g. a column added to a table it
    // reads with `*`): Postgres refuses the statement prepared before. Prepared afresh under a new name from now on;
    // run again at once unless a transaction it was part of has failed with it (then the caller's retry succeeds).
    config.generation += 1;
    config.name = `${config.base}_g${config.generation}`;
    if (inTransaction(db)) throw error;
    return (await db.query(config as unknown as string, [...parameters])) as T;
  }
}

/** Postgres' refusal of a prepared statement whose result columns changed since it was prepared. */
function isStalePlan(error: unknown): boolean {
  const { code, message } = error as { code?: unknown; message?: unknown };
  return code === '0A000' && typeof message === 'string' && message.includes('cached plan must not change result type');
}

function inTransaction(db: Queryable): boolean {
  return (db as Partial<Pick<EntityManager, 'queryRunner'>>).queryRunner?.isTransactionActive === true;
}
