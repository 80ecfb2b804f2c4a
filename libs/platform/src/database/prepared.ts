import { createHash } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';

/** What runs a statement: a data source (a pooled connection) or a transaction's manager. */
export type Queryable = Pick<DataSource, 'query'> | Pick<EntityManager, 'query'>;

/** Statement texts seen, by text: their query configurations (name derived from the text). */
const configs = new Map<string, PreparedConfig>();
/** Bounds the map should a caller build many distinct texts (each distinct text is its own prepared statement). */
const MAX_CONFIGS = 1_000;

interface PreparedConfig {
  name: string;
  text: string;
  toString(): string;
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
export function queryPrepared<T = any>(db: Queryable, text: string, parameters: readonly unknown[] = []): Promise<T> {
  let config = configs.get(text);
  if (!config) {
    if (configs.size >= MAX_CONFIGS) configs.clear();
    const name = `sb_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`;
    // TypeORM hands the query to the pg driver as it is; the driver takes a configuration object with a name in place
    // of the text (a prepared statement). The text stands in for it in TypeORM's error logs.
    config = { name, text, toString: () => text };
    configs.set(text, config);
  }
  return db.query(config as unknown as string, [...parameters]) as Promise<T>;
}
