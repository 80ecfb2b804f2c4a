import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { queryPrepared } from './prepared';
import { quoteIdent, schemaOf } from './schema';

export type IdempotentOutcome<T> = { duplicate: true } | { duplicate: false; result: T };

/**
 * Makes consumers idempotent: records the processed event id in the same transaction as the work, so
 * a redelivered or replayed event is recognised and its work is not done twice.
 */
@Injectable()
export class IdempotencyService {
  constructor(private readonly dataSource: DataSource) {}

  async runOnce<T>(
    consumer: string,
    eventId: string,
    work: (manager: EntityManager) => Promise<T>,
  ): Promise<IdempotentOutcome<T>> {
    return this.dataSource.transaction(async (manager) => {
      const inserted: unknown[] = await manager.query(
        `INSERT INTO ${this.table()} (consumer, event_id) VALUES ($1, $2)
         ON CONFLICT DO NOTHING RETURNING event_id`,
        [consumer, eventId],
      );
      if (inserted.length === 0) return { duplicate: true } as const;
      return { duplicate: false, result: await work(manager) } as const;
    });
  }

  /**
   * Batch form of `runOnce` inside the caller's transaction: records every id and returns those not processed before
   * (an id given twice counts once). The caller does the work of exactly these in the same transaction.
   */
  async claim(manager: EntityManager, consumer: string, eventIds: readonly string[]): Promise<Set<string>> {
    if (eventIds.length === 0) return new Set();
    const inserted: { event_id: string }[] = await queryPrepared(manager, this.claimSql('$1', '$2'), [consumer, [...new Set(eventIds)]]);
    return new Set(inserted.map((row) => row.event_id));
  }

  /**
   * The claim as the body of a data-modifying CTE, for work done in one statement with it: records the ids of the
   * `text[]` parameter `ids` (distinct) for the consumer named by the `text` parameter `consumer`, returning the
   * `event_id` of those not processed before.
   */
  claimSql(consumer: string, ids: string): string {
    return `INSERT INTO ${this.table()} (consumer, event_id) SELECT ${consumer}::text, unnest(${ids}::text[])
       ON CONFLICT DO NOTHING RETURNING event_id`;
  }

  /** Forgets processed ids older than `olderThan` (the ledger only needs to outlive redelivery windows). */
  async prune(olderThan: Date): Promise<number> {
    const result: [unknown[], number] = await this.dataSource.query(
      `DELETE FROM ${this.table()} WHERE processed_at < $1`,
      [olderThan],
    );
    return result[1];
  }

  private table(): string {
    return `${quoteIdent(schemaOf(this.dataSource))}.processed_event`;
  }
}
