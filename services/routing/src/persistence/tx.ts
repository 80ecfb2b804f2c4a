import type { AnyCloudEvent } from '@switchboard/contracts';
import type { Outbox } from '@switchboard/platform';
import type { DataSource, EntityManager } from 'typeorm';
import type { InteractionWithOffer, RecordedDisposition, WrapUpContext } from './routing.repository';

/** A unit of work inside a transaction: its manager and the events it enqueues (written to the outbox once, at the end). */
export interface Tx {
  m: EntityManager;
  events: AnyCloudEvent[];
  /** What a batch of consumed events did or read ahead for its events, one statement for all of them (EventTransactions). */
  ahead?: BatchAhead;
}

/**
 * Keyed by `interactionKey`; each entry is taken once. A key present with `undefined` means the statement ran and found
 * no such interaction; a key absent means nothing was done ahead for it.
 */
export interface BatchAhead {
  /** Interactions locked with their open offer. */
  locked: Map<string, InteractionWithOffer | undefined>;
  /** Dispositions recorded, with what follows from them. */
  dispositions: Map<string, RecordedDisposition | undefined>;
  /** Assigned interactions ended, with their agent's wrap-up context. */
  ended: Map<string, WrapUpContext | undefined>;
}

/** Takes the entry of `key` (once): `found` false when nothing was done ahead for it. */
export function takeAhead<T>(map: Map<string, T | undefined> | undefined, key: string): { found: boolean; value?: T } {
  if (!map?.has(key)) return { found: false };
  const value = map.get(key);
  map.delete(key);
  return value === undefined ? { found: true } : { found: true, value };
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
