import { DynamicModule, Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource, type MixedList } from 'typeorm';
import type { PlatformConfig } from '../config/platform-config';
import { PLATFORM_CONFIG } from '../config/tokens';
import { DatabaseHealth } from './database.health';
import { IdempotencyService } from './idempotency.service';
import { PlatformTables1732300000000 } from './migrations/1732300000000-platform-tables';
import { OutboxPendingOnly1764900000000 } from './migrations/1764900000000-outbox-pending-only';
import { ensureSchema, migrateUnderLock } from './schema';
import { StatisticsKeeper } from './statistics-keeper';

export interface DatabaseOptions {
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities?: MixedList<Function>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations?: Function[];
}

/** Platform migrations that run before every service's own. */
export const PLATFORM_MIGRATIONS = [PlatformTables1732300000000, OutboxPendingOnly1764900000000];

/**
 * The service's TypeORM data source, in its own Postgres schema, migrated at start. Schema changes go
 * through migrations only: `synchronize` is never on.
 */
@Global()
@Module({})
export class DatabaseModule {
  static forRoot(options: DatabaseOptions = {}): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          inject: [PLATFORM_CONFIG],
          useFactory: async (config: PlatformConfig) => {
            await ensureSchema(config.database.url, config.database.schema);
            return {
              type: 'postgres' as const,
              url: config.database.url,
              schema: config.database.schema,
              applicationName: config.service,
              entities: options.entities ?? [],
              migrations: [...PLATFORM_MIGRATIONS, ...(options.migrations ?? [])],
              migrationsRun: false,
              migrationsTableName: 'migrations',
              synchronize: false,
              logging: ['error' as const],
              // No JIT compilation: every statement here is short, and once a table holds a day of rows the planner's
              // cost estimates cross `jit_above_cost`, and compiling a KPI aggregate took 0.8 s of a 1 s statement.
              extra: { max: config.database.poolMax, connectionTimeoutMillis: 5000, options: '-c jit=off' },
              retryAttempts: 3,
              retryDelay: 1000,
            };
          },
          dataSourceFactory: async (dataSourceOptions) => {
            if (!dataSourceOptions) throw new Error('TypeORM options are missing');
            const dataSource = await new DataSource(dataSourceOptions).initialize();
            await migrateUnderLock(dataSource);
            return dataSource;
          },
        }),
      ],
      providers: [IdempotencyService, DatabaseHealth, StatisticsKeeper],
      exports: [IdempotencyService, DatabaseHealth, StatisticsKeeper],
    };
  }
}
