import type { Type } from '@nestjs/common';
import { createEvent, type AnyCloudEvent, type EventType } from '@switchboard/contracts';
import { dropSchema, type Role, type ServiceDescription } from '@switchboard/platform';
import { startTestApp, TEST_DATABASE_URL, type TestApp, type TestNamespace } from '@switchboard/testing';
import type { FastifyInstance } from 'fastify';
import { buildWebServer } from '../../../apps/web/src/server';
import { loadWebConfig } from '../../../apps/web/src/web.config';
import { AppModule as AnalyticsModule } from '../../../services/analytics/src/app.module';
import { API_DESCRIPTION as ANALYTICS } from '../../../services/analytics/src/config/analytics.config';
import { AppModule as IntakeModule } from '../../../services/intake/src/app.module';
import { API_DESCRIPTION as INTAKE } from '../../../services/intake/src/config/intake.config';
import { AppModule as NotifyModule } from '../../../services/notify/src/app.module';
import { API_DESCRIPTION as NOTIFY } from '../../../services/notify/src/config/notify.config';
import { AppModule as RoutingModule } from '../../../services/routing/src/app.module';
import { API_DESCRIPTION as ROUTING } from '../../../services/routing/src/config/routing.config';

type Service = 'intake' | 'routing' | 'analytics' | 'notify';

/**
 * The whole product in one test namespace: the four services (each in its own schema and key prefix, sharing
 * the namespace's streams) and the web app in front of them, all on free ports.
 */
export class Stack {
  private constructor(
    readonly ns: TestNamespace,
    readonly services: Record<Service, TestApp>,
    readonly web: FastifyInstance,
    readonly webUrl: string,
  ) {}

  static async start(ns: TestNamespace): Promise<Stack> {
    const boot = (module: Type, service: Service, description: ServiceDescription, env: Record<string, string> = {}) =>
      startTestApp(module, ns, { description, env: { DB_SCHEMA: `${ns.dbSchema}_${service}`, REDIS_PREFIX: `${ns.redisPrefix}${service}:`, ...env } });
    const started = Date.now();
    const timed = async (name: string, app: Promise<TestApp>) => {
      const ready = await app;
      if (process.env['TEST_TIMINGS']) process.stdout.write(`${name} started after ${Date.now() - started} ms\n`);
      return ready;
    };
    // Routing first: notify builds its offers' accept/reject links from routing's address.
    const routing = await timed('routing', boot(RoutingModule, 'routing', ROUTING, { ROUTING_TICK_MS: '200' }));
    // One at a time: on a loaded machine, parallel start-ups (migrations, model training) time out their connections.
    const intake = await timed('intake', boot(IntakeModule, 'intake', INTAKE));
    const analytics = await timed('analytics', boot(AnalyticsModule, 'analytics', ANALYTICS, { ANALYTICS_KPI_MIN_GAP_MS: '100', ANALYTICS_KPI_INTERVAL_MS: '1000' }));
    const notify = await timed('notify', boot(NotifyModule, 'notify', NOTIFY, { NOTIFY_ROUTING_URL: routing.url, NOTIFY_DELIVERY_POLL_MS: '200' }));
    const services = { intake, routing, analytics, notify };
    const web = await buildWebServer(
      loadWebConfig({
        NODE_ENV: 'test', LOG_LEVEL: 'silent', INTAKE_URL: intake.url, ROUTING_URL: routing.url, ANALYTICS_URL: analytics.url, NOTIFY_URL: notify.url,
        NATS_URL: ns.env()['NATS_URL'], NATS_NAMESPACE: ns.natsNamespace,
      }),
    );
    await web.listen({ port: 0, host: '127.0.0.1' });
    const address = web.server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    return new Stack(ns, services, web, `http://127.0.0.1:${port}`);
  }

  token(tenant: string, role: Role, sub?: string): string {
    return this.services.intake.token({ tenant, role, ...(sub === undefined ? {} : { sub }) });
  }

  /** Calls a service directly (not through the web app); throws on a non-2xx answer. */
  async call(service: Service, method: string, path: string, token: string, body?: unknown): Promise<Record<string, unknown>> {
    const response = await fetch(`${this.services[service].url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${service} ${method} ${path} → ${response.status} ${text}`);
    return text ? (JSON.parse(text) as Record<string, unknown>) : {};
  }

  /** Sends an event the way telephony does: through intake's POST /v1/events. */
  async send(tenant: string, type: EventType, data: Record<string, unknown>): Promise<AnyCloudEvent> {
    const event = createEvent({ type, tenantid: tenant, source: '/test/telephony', data: data as never }) as AnyCloudEvent;
    await this.call('intake', 'POST', '/v1/events', this.token(tenant, 'ingest', 'telephony'), event);
    return event;
  }

  async close(): Promise<void> {
    const started = Date.now();
    const took = (step: string) => process.env['TEST_TIMINGS'] && process.stdout.write(`${step} closed after ${Date.now() - started} ms\n`);
    await this.web.close();
    took('web');
    await Promise.all(Object.entries(this.services).map(async ([name, app]) => {
      await app.close();
      took(name);
    }));
    await Promise.all(['intake', 'routing', 'analytics', 'notify'].map((service) => dropSchema(TEST_DATABASE_URL, `${this.ns.dbSchema}_${service}`)));
    await this.ns.cleanup();
  }
}
