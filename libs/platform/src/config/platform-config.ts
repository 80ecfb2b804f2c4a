import { z } from 'zod';

/**
 * Environment every Switchboard service reads. Defaults point at the standard ports on 127.0.0.1
 * so a fresh checkout runs without any configuration.
 */
export const platformEnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).optional(),
  HOST: z.string().min(1).default('0.0.0.0'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  NATS_URL: z.string().min(1).default('nats://127.0.0.1:4222'),
  /** Prefix for every subject and stream this process touches; empty in production, unique per test run. */
  NATS_NAMESPACE: z
    .string()
    .regex(/^[a-z0-9]{0,24}$/, 'lower-case letters and digits only, at most 24')
    .default(''),
  /** Replicas of every JetStream stream the service provisions (3 on a 3-node cluster); unset keeps the service's own setting (1). */
  NATS_STREAM_REPLICAS: z.coerce.number().int().min(1).max(5).optional(),
  /** Ack wait of the service's durable consumers: how soon a crashed replica's messages are redelivered; unset keeps the service's own setting (30 s). */
  NATS_ACK_WAIT_MS: z.coerce.number().int().min(500).max(600_000).optional(),
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).default('postgres://postgres@127.0.0.1:5432/switchboard'),
  /** Postgres schema owned by this service; defaults to the service name. */
  DB_SCHEMA: z
    .string()
    .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'a lower-case SQL identifier')
    .optional(),
  /** Connections in the service's PostgreSQL pool. */
  DB_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).default('redis://127.0.0.1:6379'),
  /** Prefix for every Redis key; defaults to `sb:<service>:`. */
  REDIS_PREFIX: z.string().max(64).optional(),
  JWT_SECRET: z.string().min(16, 'must be at least 16 characters').default('switchboard-dev-secret-change-me'),
  BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).max(64 * 1024 * 1024).default(1024 * 1024),
  SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).max(120_000).default(10_000),
});

export type PlatformEnv = z.infer<typeof platformEnvSchema>;

/** The typed configuration handed to the platform's modules. */
export interface PlatformConfig {
  service: string;
  env: PlatformEnv['NODE_ENV'];
  http: { host: string; port: number; bodyLimitBytes: number };
  logLevel: PlatformEnv['LOG_LEVEL'];
  nats: { url: string; namespace: string; streamReplicas?: number; ackWaitMs?: number };
  database: { url: string; schema: string; poolMax: number };
  redis: { url: string; keyPrefix: string };
  auth: { jwtSecret: string };
  shutdownGraceMs: number;
}

export class ConfigValidationError extends Error {
  constructor(
    readonly service: string,
    readonly issues: { variable: string; message: string }[],
  ) {
    super(
      `Invalid configuration for ${service}:\n` +
        issues.map((i) => `  - ${i.variable}: ${i.message}`).join('\n'),
    );
    this.name = 'ConfigValidationError';
  }
}

/**
 * Validates `env` against the platform schema merged with a service's own schema and fails fast with
 * one line per offending variable.
 */
export function parseEnv<S extends z.ZodObject>(
  service: string,
  env: Record<string, string | undefined>,
  serviceSchema?: S,
): PlatformEnv & (S extends z.ZodObject ? z.infer<S> : object) {
  const schema = serviceSchema ? platformEnvSchema.extend(serviceSchema.shape) : platformEnvSchema;
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = schema.safeParse(cleaned);
  if (!result.success) {
    throw new ConfigValidationError(
      service,
      result.error.issues.map((issue) => ({ variable: issue.path.join('.') || '(root)', message: issue.message })),
    );
  }
  return result.data as never;
}

export function toPlatformConfig(service: string, defaultPort: number, env: PlatformEnv): PlatformConfig {
  return {
    service,
    env: env.NODE_ENV,
    http: { host: env.HOST, port: env.PORT ?? defaultPort, bodyLimitBytes: env.BODY_LIMIT_BYTES },
    logLevel: env.LOG_LEVEL,
    nats: {
      url: env.NATS_URL,
      namespace: env.NATS_NAMESPACE,
      ...(env.NATS_STREAM_REPLICAS ? { streamReplicas: env.NATS_STREAM_REPLICAS } : {}),
      ...(env.NATS_ACK_WAIT_MS ? { ackWaitMs: env.NATS_ACK_WAIT_MS } : {}),
    },
    database: { url: env.DATABASE_URL, schema: env.DB_SCHEMA ?? service.replace(/-/g, '_'), poolMax: env.DB_POOL_MAX },
    redis: { url: env.REDIS_URL, keyPrefix: env.REDIS_PREFIX ?? `sb:${service}:` },
    auth: { jwtSecret: env.JWT_SECRET },
    shutdownGraceMs: env.SHUTDOWN_GRACE_MS,
  };
}
