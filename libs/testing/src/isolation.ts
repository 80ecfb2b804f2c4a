import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { connect } from 'nats';
import { dropSchema } from '@switchboard/platform';

export const TEST_DATABASE_URL = process.env['TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/switchboard_test';
export const TEST_NATS_URL = process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222';
export const TEST_REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
export const TEST_JWT_SECRET = 'switchboard-test-secret-0123456789';

/**
 * One test run's private corner of the shared servers: its own Postgres schema, NATS subject and
 * stream namespace, and Redis key prefix. Runs never see each other's data; `cleanup` removes it all.
 */
export interface TestNamespace {
  id: string;
  natsNamespace: string;
  dbSchema: string;
  redisPrefix: string;
  databaseUrl: string;
  /** Environment variables that point a service at this namespace. */
  env(overrides?: Record<string, string>): Record<string, string>;
  cleanup(): Promise<void>;
}

export function createTestNamespace(label = 'test'): TestNamespace {
  assertTestDatabase(TEST_DATABASE_URL);
  const id = `t${randomBytes(6).toString('hex')}`;
  const dbSchema = `${label.replace(/[^a-z0-9_]/g, '_')}_${id}`;
  const redisPrefix = `test:${id}:`;
  return {
    id,
    natsNamespace: id,
    dbSchema,
    redisPrefix,
    databaseUrl: TEST_DATABASE_URL,
    env: (overrides = {}) => ({
      NODE_ENV: 'test',
      LOG_LEVEL: process.env['TEST_LOG_LEVEL'] ?? 'silent',
      NATS_URL: TEST_NATS_URL,
      NATS_NAMESPACE: id,
      DATABASE_URL: TEST_DATABASE_URL,
      DB_SCHEMA: dbSchema,
      REDIS_URL: TEST_REDIS_URL,
      REDIS_PREFIX: redisPrefix,
      JWT_SECRET: TEST_JWT_SECRET,
      SHUTDOWN_GRACE_MS: '5000',
      ...overrides,
    }),
    cleanup: async () => {
      await Promise.all([
        dropSchema(TEST_DATABASE_URL, dbSchema),
        deleteRedisKeys(TEST_REDIS_URL, redisPrefix),
        deleteStreams(TEST_NATS_URL, id),
      ]);
    },
  };
}

/** Refuses to run tests against a database whose name does not say "test". */
export function assertTestDatabase(url: string): void {
  const name = new URL(url).pathname.replace(/^\//, '');
  if (!/test/.test(name)) {
    throw new Error(`Refusing to run tests against database "${name}": its name must contain "test".`);
  }
}

export async function deleteRedisKeys(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/** Deletes every stream of a namespace (`<NS>_…`). */
export async function deleteStreams(url: string, namespace: string): Promise<void> {
  const nc = await connect({ servers: url, timeout: 5000 });
  try {
    const jsm = await nc.jetstreamManager();
    const prefix = `${namespace.toUpperCase()}_`;
    for await (const name of jsm.streams.names()) {
      if (name.startsWith(prefix)) await jsm.streams.delete(name);
    }
  } finally {
    await nc.close();
  }
}
