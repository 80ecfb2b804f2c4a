import { DynamicModule, Global, Module } from '@nestjs/common';
import type { z } from 'zod';
import { parseEnv, toPlatformConfig } from './platform-config';
import { ENVIRONMENT, PLATFORM_CONFIG, SERVICE_ENV } from './tokens';

export interface PlatformConfigOptions {
  /** Service name: used for the default DB schema, Redis prefix, durable consumer names and logs. */
  service: string;
  defaultPort: number;
  /** The service's own environment variables (merged with the platform's). */
  envSchema?: z.ZodObject;
}

/**
 * Reads and validates the environment once at start (fail fast) and exposes the typed
 * PLATFORM_CONFIG and the service's SERVICE_ENV. Tests override ENVIRONMENT.
 */
@Global()
@Module({})
export class PlatformConfigModule {
  static forRoot(options: PlatformConfigOptions): DynamicModule {
    return {
      module: PlatformConfigModule,
      providers: [
        { provide: ENVIRONMENT, useValue: process.env },
        {
          provide: SERVICE_ENV,
          inject: [ENVIRONMENT],
          useFactory: (env: Record<string, string | undefined>) => parseEnv(options.service, env, options.envSchema),
        },
        {
          provide: PLATFORM_CONFIG,
          inject: [SERVICE_ENV],
          useFactory: (env: Parameters<typeof toPlatformConfig>[2]) =>
            toPlatformConfig(options.service, options.defaultPort, env),
        },
      ],
      exports: [ENVIRONMENT, SERVICE_ENV, PLATFORM_CONFIG],
    };
  }
}
