import { connect, JSONCodec, type NatsConnection } from 'nats';
import { createEvent, subjectFor, type AnyCloudEvent, type CloudEvent, type EventType } from '@switchboard/contracts';
import { EventPublisher } from '@switchboard/platform';
import { startTestApp, uniqueTenant, type TestApp, type TestNamespace } from '@switchboard/testing';
import { AppModule } from '../src/app.module';

/** A running routing app with a live view of every event it publishes in one tenant. */
export class RoutingHarness {
  readonly events: AnyCloudEvent[] = [];
  readonly tenant = uniqueTenant();
  private nc: NatsConnection | undefined;

  constructor(
    readonly ns: TestNamespace,
    readonly apps: TestApp[],
  ) {}

  static async start(ns: TestNamespace, replicas = 1, env: Record<string, string> = {}): Promise<RoutingHarness> {
    const apps: TestApp[] = [];
    for (let i = 0; i < replicas; i += 1) apps.push(await startTestApp(AppModule, ns, { env: { ROUTING_TICK_MS: '100', ROUTING_OCCUPANCY_REFRESH_MS: '50', ...env } }));
    const harness = new RoutingHarness(ns, apps);
    await harness.listen();
    return harness;
  }

  private async listen(): Promise<void> {
    this.nc = await connect({ servers: process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222' });
    const codec = JSONCodec<AnyCloudEvent>();
    const sub = this.nc.subscribe(`${this.ns.natsNamespace}.cc.${this.tenant}.>`);
    void (async () => {
      for await (const msg of sub) this.events.push(codec.decode(msg.data));
    })();
    await this.nc.flush();
  }

  /** Another tenant on the same apps, with its own view of its events (`detach` when done; `close` stops the apps). */
  async otherTenant(): Promise<RoutingHarness> {
    const other = new RoutingHarness(this.ns, this.apps);
    await other.listen();
    return other;
  }

  async detach(): Promise<void> {
    await this.nc?.close();
  }

  get app(): TestApp {
    return this.apps[0]!;
  }

  of<T extends EventType>(type: T, where: (e: CloudEvent<T>) => boolean = () => true): CloudEvent<T>[] {
    return this.events.filter((e): e is CloudEvent<T> & AnyCloudEvent => e.type === type).filter((e) => where(e as CloudEvent<T>)) as CloudEvent<T>[];
  }

  admin(): string {
    return this.app.token({ tenant: this.tenant, role: 'admin' });
  }

  async call(method: string, path: string, body?: unknown, token = this.admin(), app = this.app): Promise<{ status: number; body: Record<string, unknown> }> {
    const res = await fetch(`${app.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  }

  async ok(method: string, path: string, body?: unknown, token?: string): Promise<Record<string, unknown>> {
    const res = await this.call(method, path, body, token);
    if (res.status >= 300) throw new Error(`${method} ${path} → ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  async agent(id: string, body: Record<string, unknown> = {}, available = true): Promise<void> {
    await this.ok('PUT', `/v1/agents/${id}`, { name: id, skills: { billing: 3 }, languages: ['en'], ...body });
    if (available) await this.ok('POST', `/v1/agents/${id}/state`, { state: 'available' });
  }

  async queue(id: string, body: Record<string, unknown> = {}): Promise<void> {
    await this.ok('PUT', `/v1/queues/${id}`, { name: id, channel: 'voice', requiredSkills: { billing: 2 }, ...body });
  }

  async publish(type: EventType, data: Record<string, unknown>, app = this.app): Promise<void> {
    const event = createEvent({ type, tenantid: this.tenant, source: '/test', data: data as never }) as AnyCloudEvent;
    await app.app.get(EventPublisher).publish(event);
  }

  async create(interactionId: string, data: Record<string, unknown> = {}, app = this.app): Promise<void> {
    await this.publish('interaction.created', {
      interactionId, channel: 'voice', direction: 'inbound', queueId: 'q1', customer: { id: `cust-${interactionId}` }, ...data,
    }, app);
  }

  agentToken(agentId: string): string {
    return this.app.token({ tenant: this.tenant, role: 'agent', sub: agentId });
  }

  async close(): Promise<void> {
    await this.nc?.close();
    for (const app of this.apps) await app.close();
  }
}

export { subjectFor };
