import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { JwtAuthGuard } from './auth/jwt-auth.guard';
import { PlatformConfigModule, type PlatformConfigOptions } from './config/platform-config.module';
import { RequestContextInterceptor } from './context/request-context.interceptor';
import { DatabaseModule, type DatabaseOptions } from './database/database.module';
import { ProblemDetailsFilter } from './errors/problem-details.filter';
import { HealthModule } from './health/health.module';
import { LoggingModule, type LoggingOptions } from './logging/logging.module';
import { MessagingModule } from './messaging';
import { MetricsModule } from './metrics/metrics.module';
import { OutboxModule } from './outbox/outbox.module';
import { RedisModule } from './redis/redis.module';

export interface PlatformOptions extends PlatformConfigOptions {
  database?: DatabaseOptions;
  messaging?: Parameters<typeof MessagingModule.forRoot>[0];
  logging?: LoggingOptions;
}

/**
 * Everything a Switchboard service stands on, in one import: validated config, JSON logs with
 * context, JWT auth with roles and tenant scoping, problem+json errors, health, metrics, the
 * service's Postgres schema (migrated), Redis and JetStream messaging.
 */
@Module({})
export class PlatformModule {
  static forRoot(options: PlatformOptions): DynamicModule {
    return {
      module: PlatformModule,
      imports: [
        PlatformConfigModule.forRoot(options),
        LoggingModule.forRoot(options.logging),
        MetricsModule,
        DatabaseModule.forRoot(options.database),
        RedisModule,
        MessagingModule.forRoot(options.messaging),
        OutboxModule,
        HealthModule,
      ],
      providers: [
        JwtAuthGuard,
        { provide: APP_GUARD, useExisting: JwtAuthGuard },
        { provide: APP_FILTER, useClass: ProblemDetailsFilter },
        { provide: APP_INTERCEPTOR, useClass: RequestContextInterceptor },
      ],
      exports: [JwtAuthGuard],
    };
  }
}
