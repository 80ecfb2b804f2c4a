import type { AnyCloudEvent } from '@switchboard/contracts';
import type { Outbox } from '@switchboard/platform';
import type { DataSource, EntityManager } from 'typeorm';

/** A unit of work inside a transaction: its manager and the events it enqueues (written to the outbox once, at the end). */
export interface Tx {
  m: EntityManager;
  events: AnyCloudEvent[];
}

/** Runs `work` in its own transaction and enqueues its events before the commit. */
export async function inTransaction<T>(dataSource: DataSource, outbox: Outbox, work: (tx: Tx) => Promise<T>): Promise<T> {
  return dataSource.transaction(async (m) => {
    const tx: Tx = { m, events: [] };
    const result = await work(tx);
    await outbox.enqueue(m, tx.events);
    return result;
  });
}
