import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown, Optional } from '@nestjs/common';
import type { AnyCloudEvent } from '@switchboard/contracts';
import { DataSource, EntityManager, type EntitySubscriberInterface, type QueryRunner, type TransactionCommitEvent, type TransactionRollbackEvent } from 'typeorm';
import type { PlatformConfig } from '../config/platform-config';
import { PLATFORM_CONFIG } from '../config/tokens';
import { queryPrepared } from '../database/prepared';
import { quoteIdent } from '../database/schema';
import { ConsumerRuntime, EventPublisher } from '../messaging';
import { errorMessage } from '../errors/error-message';
import { CoalescingRunner } from '../scheduling/coalescing-runner';

const BATCH = 500;
/** The sweep leaves younger rows to the process that wrote them (it publishes them as soon as their transaction commits). */
const SWEEP_AFTER_SECONDS = 5;
/** Rows published meanwhile are deleted together, at most this often (well within the sweep's 5 s). */
const DELETE_EVERY_MS = 100;
/**
 * Batches sent and not yet acknowledged by JetStream: events committed meanwhile go out at once instead of after the
 * acknowledgements of the batch before them (they leave on the same connection, in commit order).
 */
const MAX_IN_FLIGHT = 4;

interface Enqueued {
  /** The transaction depth the events were written at: a rollback to a savepoint below it discards them. */
  depth: number;
  rows: { id: string; event: AnyCloudEvent }[];
}

/**
 * Transactional outbox: follow-up events are written in the same transaction as the work that caused them and
 * published only after it commits. The process that wrote them publishes them straight from memory once the
 * transaction has committed, without waiting for the acknowledgements of what went before, and then deletes their rows
 * (one statement for everything published in the last 100 ms): the table holds only events not yet published. A
 * periodic sweep publishes whatever was left behind (a crash between commit and publish, a failed publish), taking only
 * rows older than a few seconds. Several replicas sweep without double work (`SKIP LOCKED`); JetStream de-duplicates by
 * event id whatever is published twice.
 */
@Injectable()
export class Outbox implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown, EntitySubscriberInterface {
  private readonly logger = new Logger('Outbox');
  private readonly table: string;
  /** Data sources whose transactions' commits and rollbacks this outbox is told of. */
  private readonly watched = new Set<DataSource>();
  /** Events written by transactions still open, by the transaction's query runner. */
  private readonly open = new Map<QueryRunner, Enqueued[]>();
  /** Events whose transactions have committed, waiting to be published. */
  private committed: { id: string; event: AnyCloudEvent }[] = [];
  /** Rows published, waiting to be deleted. */
  private published: string[] = [];
  private deleting: NodeJS.Timeout | undefined;
  /** The delete of published rows running, which shutdown waits for before the database connections close. */
  private deletingNow: Promise<void> | undefined;
  /** Batches sent, waiting for their acknowledgements. */
  private readonly inFlight = new Set<Promise<void>>();
  private readonly relay = new CoalescingRunner(
    () => this.publishCommitted(),
    (error) => this.logger.warn(`outbox publish failed, the sweep will retry: ${errorMessage(error)}`),
  );
  private readonly sweeper = new CoalescingRunner(
    () => this.sweep().then(() => undefined),
    (error) => this.logger.warn(`outbox sweep failed, will retry: ${errorMessage(error)}`),
  );

  constructor(
    private readonly dataSource: DataSource,
    private readonly publisher: EventPublisher,
    @Inject(PLATFORM_CONFIG) config: PlatformConfig,
    @Optional() private readonly consumers?: ConsumerRuntime,
  ) {
    this.table = `${quoteIdent(config.database.schema)}.outbox`;
    this.watch(dataSource);
  }

  private watch(source: DataSource): void {
    if (this.watched.has(source)) return;
    this.watched.add(source);
    source.subscribers.push(this);
  }

  /** Records events to publish once `manager`'s transaction commits. */
  async enqueue(manager: EntityManager, events: readonly AnyCloudEvent[]): Promise<void> {
    if (events.length === 0) return;
    // One text for any number of events (a prepared statement), rows in the events' order.
    const inserted: { id: string; event_id: string }[] = await queryPrepared(
      manager,
      this.insertFrom(`SELECT v.event FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS v(event, n) ORDER BY v.n`),
      [JSON.stringify(events)],
    );
    this.track(manager, inserted, events);
  }

  /**
   * The outbox insert as the body of a data-modifying CTE, for work that writes its events in its own statement:
   * writes the events `source` yields (a query of one `jsonb` column, each row an event) that are not in the outbox yet,
   * returning `id, event_id`. Hand the rows returned to `track` with the events.
   */
  insertFrom(source: string): string {
    return `INSERT INTO ${this.table} (event_id, event) SELECT s.event->>'id', s.event FROM (${source}) AS s(event)
       ON CONFLICT (event_id) DO NOTHING RETURNING id, event_id`;
  }

  /**
   * Records the rows a statement wrote (`insertFrom`) with their events: published once `manager`'s transaction
   * commits, or at once when the statement ran outside a transaction (`manager` undefined or not in one).
   */
  track(manager: EntityManager | undefined, inserted: readonly { id: string; event_id: string }[], events: readonly AnyCloudEvent[]): void {
    if (inserted.length === 0) return;
    const runner = manager?.queryRunner;
    // A transaction may run on another pool of the same database (a second data source).
    if (manager) this.watch(manager.connection);
    if (!runner?.isTransactionActive) {
      // Outside a transaction the rows are committed already.
      this.committed.push(...rowsOf(inserted, events));
      this.relay.kick();
      return;
    }
    const entries = this.open.get(runner) ?? [];
    entries.push({ depth: (runner as QueryRunner & { transactionDepth?: number }).transactionDepth ?? 1, rows: rowsOf(inserted, events) });
    this.open.set(runner, entries);
  }

  /** Asks for the events of transactions that have committed to be published now. */
  kick(): void {
    this.relay.kick();
  }

  /** Publishes every pending event: those committed in this process, then any row left behind; resolves with how many. */
  async flush(): Promise<number> {
    const fromMemory = this.committed.length;
    await this.publishCommitted();
    await this.acknowledged();
    clearTimeout(this.deleting);
    await this.deletePublished();
    return fromMemory + (await this.sweep(0));
  }

  afterTransactionCommit(event: TransactionCommitEvent): void {
    const entries = this.open.get(event.queryRunner);
    if (!entries || event.queryRunner.isTransactionActive) return;
    this.open.delete(event.queryRunner);
    for (const entry of entries) this.committed.push(...entry.rows);
    this.relay.kick();
  }

  afterTransactionRollback(event: TransactionRollbackEvent): void {
    const entries = this.open.get(event.queryRunner);
    if (!entries) return;
    if (!event.queryRunner.isTransactionActive) {
      this.open.delete(event.queryRunner);
      return;
    }
    // Rolled back to a savepoint: what was written above it is gone.
    const depth = (event.queryRunner as QueryRunner & { transactionDepth?: number }).transactionDepth ?? 0;
    this.open.set(event.queryRunner, entries.filter((entry) => entry.depth <= depth));
  }

  onApplicationBootstrap(): void {
    this.relay.start(1000, false);
    this.sweeper.start(1000, true);
  }

  /**
   * The last events out and their rows deleted while the database and NATS are still open: Nest runs every
   * `beforeApplicationShutdown` before any `onApplicationShutdown`, where the data source is destroyed and the NATS
   * connection drained. The consumers are stopped first (their stop is shared, whichever hook Nest calls first).
   */
  async beforeApplicationShutdown(): Promise<void> {
    // The consumers' last handlers commit first, so that their events go out with the rest.
    await this.consumers?.beforeApplicationShutdown();
    await this.relay.stop();
    await this.sweeper.stop();
    // What committed last goes out now rather than with the next start's sweep.
    await this.publishCommitted().catch((error: unknown) =>
      this.logger.warn(`outbox publish at shutdown failed, the next sweep will publish: ${errorMessage(error)}`),
    );
    await this.acknowledged();
    clearTimeout(this.deleting);
    await this.deletingNow;
    await this.deletePublished();
  }

  onApplicationShutdown(): void {
    for (const source of this.watched) {
      const at = source.subscribers.indexOf(this);
      if (at >= 0) source.subscribers.splice(at, 1);
    }
  }

  /**
   * Sends the events of committed transactions, up to MAX_IN_FLIGHT batches awaiting their acknowledgements; the rows
   * of acknowledged events are deleted together, shortly after.
   */
  private async publishCommitted(): Promise<void> {
    while (this.committed.length > 0) {
      if (this.inFlight.size >= MAX_IN_FLIGHT) {
        await Promise.race(this.inFlight);
        continue;
      }
      const batch = this.committed.splice(0, BATCH);
      const sending: Promise<void> = this.publisher.publishMany(batch.map((row) => row.event), { sharedInbox: true }).then(
        () => {
          for (const row of batch) this.published.push(row.id);
          this.deleting ??= setTimeout(() => {
            this.deletingNow = this.deletePublished();
          }, DELETE_EVERY_MS);
        },
        (error: unknown) => {
          // Left for the sweep, which publishes rows older than a few seconds.
          this.logger.warn(`outbox publish of ${batch.length} events failed, the sweep will retry: ${errorMessage(error)}`);
        },
      ).finally(() => this.inFlight.delete(sending));
      this.inFlight.add(sending);
    }
  }

  /** Resolves once every batch sent has its answer. */
  private async acknowledged(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all(this.inFlight);
  }

  /** Deletes the rows published since the last time in one statement (a row left behind is published again by the sweep). */
  private async deletePublished(): Promise<void> {
    this.deleting = undefined;
    const ids = this.published;
    this.published = [];
    if (ids.length === 0) return;
    try {
      await this.deleteRows(this.dataSource, ids);
    } catch (error) {
      this.logger.warn(`outbox could not delete ${ids.length} published rows (the sweep will publish them again): ${errorMessage(error)}`);
    }
  }

  /** The outbox holds only what is not yet published: published rows go. */
  private async deleteRows(db: DataSource | EntityManager, ids: readonly string[]): Promise<void> {
    await queryPrepared(db, `DELETE FROM ${this.table} WHERE id = ANY($1::bigint[])`, [ids]);
  }

  /** Publishes rows still unpublished `olderThanSeconds` after they were written. */
  private async sweep(olderThanSeconds = SWEEP_AFTER_SECONDS): Promise<number> {
    // A transaction whose connection died between its commit and the commit event: its rows, if committed, are the sweep's.
    for (const runner of this.open.keys()) if (runner.isReleased) this.open.delete(runner);
    let total = 0;
    for (;;) {
      const published = await this.sweepBatch(olderThanSeconds);
      total += published;
      if (published < BATCH) return total;
    }
  }

  private async sweepBatch(olderThanSeconds: number): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      const rows: { id: string; event: AnyCloudEvent }[] = await manager.query(
        `SELECT id, event FROM ${this.table} WHERE created_at <= now() - make_interval(secs => $1)
         ORDER BY id LIMIT ${BATCH} FOR UPDATE SKIP LOCKED`,
        [olderThanSeconds],
      );
      if (rows.length > 0) {
        await this.publisher.publishMany(rows.map((row) => row.event), { sharedInbox: true });
        await this.deleteRows(manager, rows.map((r) => r.id));
      }
      return rows.length;
    });
  }
}

/** The inserted rows with their events (an event id already in the outbox was enqueued before and is not again). */
function rowsOf(inserted: readonly { id: string; event_id: string }[], events: readonly AnyCloudEvent[]): { id: string; event: AnyCloudEvent }[] {
  const ids = new Map(inserted.map((row) => [row.event_id, row.id]));
  const rows: { id: string; event: AnyCloudEvent }[] = [];
  for (const event of events) {
    const id = ids.get(event.id);
    if (id !== undefined) rows.push({ id, event });
  }
  return rows;
}
