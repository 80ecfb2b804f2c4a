import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { PlatformConfig } from '../config/platform-config';
import { PLATFORM_CONFIG } from '../config/tokens';
import { errorMessage } from '../errors/error-message';
import { CoalescingRunner } from '../scheduling/coalescing-runner';
import { quoteIdent } from './schema';

/** How often the schema's table sizes are compared with those of their last statistics. */
const CHECK_EVERY_MS = 5_000;
/** Tables smaller than this (in 8 kB pages) are planned well whatever their statistics say. */
const MIN_PAGES = 8;
/** A table is analyzed again once it is this many times the size it had at its last statistics. */
const GROWTH = 2;

export interface AnalyzedTable {
  table: string;
  /** Pages when last analyzed (0 when never), and now. */
  analyzedPages: number;
  pages: number;
}

/**
 * Keeps the planner statistics of the service's tables current while they grow fast (a new deployment filling empty
 * tables): a table is analyzed once it has doubled in size since its last statistics. New statistics make Postgres
 * plan the prepared statements that read the table afresh (`queryPrepared`); without them a generic plan made while
 * the table was nearly empty stays cached on every connection, e.g. a scan of every interaction of a tenant where the
 * primary key finds one (7,400 buffers per accept after two minutes at 100 contacts/s, instead of a few dozen).
 * Autovacuum's analyze does the same when it is on and keeps up; this covers a database where it is off or behind,
 * and costs one catalog query every 5 s plus an `ANALYZE` per doubling of a table.
 */
@Injectable()
export class StatisticsKeeper implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('StatisticsKeeper');
  private readonly runner = new CoalescingRunner(
    () => this.refresh().then(() => undefined),
    (error) => this.logger.warn(`table statistics check failed: ${errorMessage(error)}`),
  );
  private readonly schema: string;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(PLATFORM_CONFIG) config: PlatformConfig,
  ) {
    this.schema = config.database.schema;
  }

  onApplicationBootstrap(): void {
    this.runner.start(CHECK_EVERY_MS, false);
  }

  /** Before the data source is destroyed (in `onApplicationShutdown`): a check in flight finishes on open connections. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.runner.stop();
  }

  /** Analyzes the schema's tables that outgrew their statistics; returns them. */
  async refresh(): Promise<AnalyzedTable[]> {
    const rows: { table: string; analyzed_pages: number; pages: string }[] = await this.dataSource.query(
      `SELECT c.relname AS table, c.relpages AS analyzed_pages, pg_relation_size(c.oid) / current_setting('block_size')::int AS pages
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = $1 AND c.relkind = 'r'`,
      [this.schema],
    );
    const grown = rows
      .map((r) => ({ table: r.table, analyzedPages: Number(r.analyzed_pages), pages: Number(r.pages) }))
      .filter((t) => t.pages >= MIN_PAGES && t.pages >= GROWTH * Math.max(t.analyzedPages, 1));
    const analyzed: AnalyzedTable[] = [];
    for (const table of grown) {
      try {
        await this.dataSource.query(`ANALYZE ${quoteIdent(this.schema)}.${quoteIdent(table.table)}`);
        analyzed.push(table);
      } catch (error) {
        // A table dropped meanwhile (a test's schema going away): nothing to keep.
        this.logger.debug(`could not analyze ${table.table}: ${errorMessage(error)}`);
      }
    }
    return analyzed;
  }
}
