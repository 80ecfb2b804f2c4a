import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { AnyCloudEvent } from '@switchboard/contracts';
import { DataSource, EntityManager } from 'typeorm';
import type { PlatformConfig } from '../config/platform-config';
import { PLATFORM_CONFIG } from '../config/tokens';
import { quoteIdent } from '../database/schema';
import { EventPublisher } from '../messaging';
import { CoalescingRunner } from '../scheduling/coalescing-runner';

const BATCH = 500;
/** Published rows older than an hour are pruned at most this often: the prune scans the table (no index on published_at). */
const PRUNE_EVERY_MS = 60_000;

/**
 * Transactional outbox: follow-up events are written in the same transaction as the work that caused
 * them and published only after it commits (at once, and by a periodic sweep for anything left behind
 * by a crash). Several replicas relay without double work (`SKIP LOCKED`); JetStream de-duplicates by
 * event id whatever slips through.
 */
@Injectable()
export class Outbox implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Outbox');
  private readonly table: string;
  private lastPrune = 0;
  private readonly runner = new CoalescingRunner(
    () => this.flush().then(() => undefined),
    (error) => this.logger.warn(`outbox relay failed, will retry: ${error instanceof Error ? error.message : String(error)}`),
  );

  constructor(
    private readonly dataSource: DataSource,
    private readonly publisher: EventPublisher,
    @Inject(PLATFORM_CONFIG) config: PlatformConfig,
  ) {
    this.table = `${quoteIdent(config.database.schema)}.outbox`;
  }

  /** Records events to publish once `manager`'s transaction commits. */
  async enqueue(manager: EntityManager, events: readonly AnyCloudEvent[]): Promise<void> {
    if (events.length === 0) return;
    const values = events.map((_, i) => `($${i * 2 + 1}, $${i * 2 + 2}::jsonb)`).join(', ');
    const params = events.flatMap((event) => [event.id, JSON.stringify(event)]);
    await manager.query(`INSERT INTO ${this.table} (event_id, event) VALUES ${values} ON CONFLICT (event_id) DO NOTHING`, params);
  }

  /** Asks the relay to publish pending events now (call after a transaction that enqueued some commits). */
  kick(): void {
    this.runner.kick();
  }

  /** Publishes every pending event; resolves with how many were published. */
  async flush(): Promise<number> {
    let total = 0;
    for (;;) {
      const published = await this.publishBatch();
      total += published;
      if (published < BATCH) return total;
    }
  }

  onApplicationBootstrap(): void {
    this.runner.start(1000, true);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.runner.stop();
  }

  private async publishBatch(): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      const rows: { id: string; event: AnyCloudEvent }[] = await manager.query(
        `SELECT id, event FROM ${this.table} WHERE published_at IS NULL ORDER BY id LIMIT ${BATCH} FOR UPDATE SKIP LOCKED`,
      );
      if (rows.length === 0) return 0;
      await this.publisher.publishMany(rows.map((row) => row.event), { sharedInbox: true });
      await manager.query(`UPDATE ${this.table} SET published_at = now() WHERE id = ANY($1::bigint[])`, [rows.map((r) => r.id)]);
      if (Date.now() - this.lastPrune >= PRUNE_EVERY_MS) {
        this.lastPrune = Date.now();
        await manager.query(`DELETE FROM ${this.table} WHERE published_at < now() - interval '1 hour'`);
      }
      return rows.length;
    });
  }
}
