/**
 * Helpers for the messaging integration specs (not part of the public API). The platform does not
 * depend on the testing library, so the few helpers it needs live here.
 */
import { Global, Module, type DynamicModule, type Provider } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { createEvent, EVENT_DATA_EXAMPLES, type CloudEvent, type EventData, type EventType } from '@switchboard/contracts';
import { randomBytes, randomUUID } from 'node:crypto';
import { connect, type JetStreamManager, type NatsConnection } from 'nats';
import type { PlatformConfig } from '../config/platform-config';
import { PLATFORM_CONFIG } from '../config/tokens';
import { MetricsRegistry } from '../metrics/metrics.registry';
import { MessagingModule } from './messaging.module';
import type { MessagingModuleOptions } from './messaging.options';
import { namespacedStream } from './naming';

export const NATS_URL = process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222';

/** A namespace of its own for one spec file: `t` and 10 random lower-case letters and digits. */
export function uniqueNamespace(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  return `t${[...randomBytes(10)].map((b) => alphabet[b % alphabet.length]).join('')}`;
}

/** Retries `probe` until it stops throwing; rethrows the last failure after `timeoutMs`. */
export async function eventually<T>(probe: () => T | Promise<T>, timeoutMs = 10_000, intervalMs = 20): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await probe();
    } catch (error) {
      if (Date.now() >= deadline) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

export function testConfig(namespace: string, overrides: Partial<PlatformConfig> = {}): PlatformConfig {
  return {
    service: 'svc',
    env: 'test',
    http: { host: '127.0.0.1', port: 0, bodyLimitBytes: 1024 * 1024 },
    logLevel: 'silent',
    nats: { url: NATS_URL, namespace },
    database: { url: 'postgres://unused/test', schema: 'unused', poolMax: 1 },
    redis: { url: 'redis://unused', keyPrefix: 'unused:' },
    auth: { jwtSecret: 'unused-unused-unused' },
    shutdownGraceMs: 5000,
    ...overrides,
  };
}

export interface StartOptions {
  namespace: string;
  providers?: Provider[];
  messaging?: MessagingModuleOptions;
  config?: Partial<PlatformConfig>;
}

/** An initialised application context with messaging, config and metrics, and the given handler providers. */
export async function startApp(options: StartOptions): Promise<TestingModule> {
  const config = testConfig(options.namespace, options.config);
  @Global()
  @Module({ providers: [{ provide: PLATFORM_CONFIG, useValue: config }, MetricsRegistry], exports: [PLATFORM_CONFIG, MetricsRegistry] })
  class TestPlatformModule {}
  const root: DynamicModule = {
    module: class TestAppModule {},
    imports: [TestPlatformModule, MessagingModule.forRoot(options.messaging)],
    providers: options.providers ?? [],
  };
  const app = await Test.createTestingModule({ imports: [root] })
    .setLogger({ log: () => undefined, error: () => undefined, warn: () => undefined, debug: () => undefined, verbose: () => undefined })
    .compile();
  await app.init();
  return app;
}

export async function openConnection(): Promise<{ nc: NatsConnection; jsm: JetStreamManager }> {
  const nc = await connect({ servers: NATS_URL });
  return { nc, jsm: await nc.jetstreamManager() };
}

/** Deletes every stream of the namespace (and with them their consumers). */
export async function deleteNamespace(jsm: JetStreamManager, namespace: string): Promise<void> {
  const prefix = namespacedStream(namespace, '');
  for await (const name of jsm.streams.names()) {
    if (name.startsWith(prefix)) await jsm.streams.delete(name);
  }
}

/** Every message of a stream, decoded as JSON (small streams only). */
export async function readStream<T = unknown>(jsm: JetStreamManager, stream: string): Promise<T[]> {
  const info = await jsm.streams.info(stream);
  const out: T[] = [];
  for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages > 0; seq += 1) {
    const msg = await jsm.streams.getMessage(stream, { seq });
    out.push(msg.json<T>());
  }
  return out;
}

/** A valid event of `type` (the contract's example data merged with `data`). */
export function makeEvent<T extends EventType>(
  type: T,
  data: Partial<EventData<T>> = {},
  extra: { id?: string; tenantid?: string; traceparent?: string } = {},
): CloudEvent<T> {
  return createEvent({
    type,
    tenantid: extra.tenantid ?? 'acme',
    source: '/tests',
    data: { ...EVENT_DATA_EXAMPLES[type], ...data } as EventData<T>,
    id: extra.id ?? randomUUID(),
    ...(extra.traceparent ? { traceparent: extra.traceparent } : {}),
  });
}

export function gate(): { opened: Promise<void>; open: () => void } {
  let open: () => void = () => undefined;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}
