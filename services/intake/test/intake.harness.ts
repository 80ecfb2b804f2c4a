import type { AnyCloudEvent } from '@switchboard/contracts';
import { namespacedStream, type Role } from '@switchboard/platform';
import { startTestApp, TEST_DATABASE_URL, TEST_NATS_URL, type TestApp, type TestNamespace } from '@switchboard/testing';
import { connect, nanos, type NatsConnection } from 'nats';
import { Client } from 'pg';
import { AppModule } from '../src/app.module';
import { API_DESCRIPTION } from '../src/config/intake.config';

export interface HttpResult {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

/** Boots intake against a test namespace and talks to it over HTTP, NATS and Postgres like any client. */
export class IntakeHarness {
  private constructor(
    readonly ns: TestNamespace,
    readonly app: TestApp,
    readonly nc: NatsConnection,
    readonly db: Client,
  ) {}

  static async start(ns: TestNamespace, env: Record<string, string> = {}): Promise<IntakeHarness> {
    const app = await startTestApp(AppModule, ns, { env, description: API_DESCRIPTION });
    const nc = await connect({ servers: TEST_NATS_URL });
    const db = new Client({ connectionString: TEST_DATABASE_URL });
    await db.connect();
    return new IntakeHarness(ns, app, nc, db);
  }

  async close(): Promise<void> {
    await this.app.close();
    await this.nc.close();
    await this.db.end();
  }

  get url(): string {
    return this.app.url;
  }

  token(tenant: string, role: Role = 'ingest'): string {
    return this.app.token({ tenant, role, sub: `${role}-user` });
  }

  async request(method: string, path: string, options: { body?: unknown; raw?: string | Buffer; contentType?: string; token?: string; headers?: Record<string, string> } = {}): Promise<HttpResult> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers['authorization'] = `Bearer ${options.token}`;
    let body: string | Buffer | undefined;
    if (options.raw !== undefined) body = options.raw;
    else if (options.body !== undefined) body = JSON.stringify(options.body);
    if (body !== undefined) headers['content-type'] = options.contentType ?? 'application/json';
    const response = await fetch(`${this.url}${path}`, { method, headers, ...(body === undefined ? {} : { body }) });
    const text = await response.text();
    let parsed: Record<string, unknown> = {};
    try {
      parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      parsed = { text };
    }
    return { status: response.status, headers: response.headers, body: parsed };
  }

  /** POSTs one event (or a batch with the batch media type) as `tenant`'s ingest token. */
  post(tenant: string, events: unknown, role: Role = 'ingest'): Promise<HttpResult> {
    const batch = Array.isArray(events);
    return this.request('POST', '/v1/events', {
      body: events,
      token: this.token(tenant, role),
      contentType: batch ? 'application/cloudevents-batch+json' : 'application/cloudevents+json',
    });
  }

  /** Every event currently stored in one of the namespace's streams, in stream order. */
  async streamEvents(stream: 'CC_INTERACTIONS' | 'CC_AGENTS'): Promise<AnyCloudEvent[]> {
    const name = namespacedStream(this.ns.natsNamespace, stream);
    const jsm = await this.nc.jetstreamManager();
    const info = await jsm.streams.info(name);
    const out: AnyCloudEvent[] = [];
    if (info.state.messages === 0) return out;
    const consumer = await this.nc.jetstream().consumers.get(name);
    const messages = await consumer.consume();
    for await (const msg of messages) {
      out.push(msg.json<AnyCloudEvent>());
      if (msg.seq >= info.state.last_seq) break;
    }
    await messages.close();
    return out;
  }

  /** Sets a stream's JetStream duplicate window; returns a function restoring the previous one. */
  async setDuplicateWindow(stream: 'CC_INTERACTIONS' | 'CC_AGENTS', ms: number): Promise<() => Promise<void>> {
    const name = namespacedStream(this.ns.natsNamespace, stream);
    const jsm = await this.nc.jetstreamManager();
    const previous = (await jsm.streams.info(name)).config.duplicate_window;
    await jsm.streams.update(name, { duplicate_window: nanos(ms) });
    return async () => {
      await jsm.streams.update(name, { duplicate_window: previous });
    };
  }

  /** Rows of the archive (event ids with their count) for a tenant. */
  async archivedIds(tenant: string): Promise<Map<string, number>> {
    const { rows } = await this.db.query<{ event_id: string; n: string }>(
      `SELECT event_id, count(*)::text AS n FROM "${this.ns.dbSchema}".event_archive WHERE tenant_id = $1 GROUP BY event_id`,
      [tenant],
    );
    return new Map(rows.map((r) => [r.event_id, Number(r.n)]));
  }
}
