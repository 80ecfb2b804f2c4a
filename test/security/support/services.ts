import type { Type } from '@nestjs/common';
import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { ModulesContainer } from '@nestjs/core';
import type { AnyCloudEvent } from '@switchboard/contracts';
import { EventPublisher, IS_PUBLIC, type Role, type ServiceDescription } from '@switchboard/platform';
import { createTestNamespace, startTestApp, TEST_NATS_URL, type TestApp, type TestNamespace } from '@switchboard/testing';
import { connect, JSONCodec, type NatsConnection } from 'nats';
import { AppModule as AnalyticsModule } from '../../../services/analytics/src/app.module';
import { API_DESCRIPTION as ANALYTICS } from '../../../services/analytics/src/config/analytics.config';
import { AppModule as IntakeModule } from '../../../services/intake/src/app.module';
import { API_DESCRIPTION as INTAKE } from '../../../services/intake/src/config/intake.config';
import { AppModule as NotifyModule } from '../../../services/notify/src/app.module';
import { API_DESCRIPTION as NOTIFY } from '../../../services/notify/src/config/notify.config';
import { AppModule as RoutingModule } from '../../../services/routing/src/app.module';
import { API_DESCRIPTION as ROUTING } from '../../../services/routing/src/config/routing.config';

export const SERVICE_NAMES = ['intake', 'routing', 'analytics', 'notify'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

export const SERVICES: Record<ServiceName, { module: Type; description: ServiceDescription }> = {
  intake: { module: IntakeModule, description: INTAKE },
  routing: { module: RoutingModule, description: ROUTING },
  analytics: { module: AnalyticsModule, description: ANALYTICS },
  notify: { module: NotifyModule, description: NOTIFY },
};

/** One HTTP route as the Nest router registered it (`/v1/agents/:id`). */
export interface Route {
  service: ServiceName;
  method: string;
  path: string;
  public: boolean;
}

export function routeKey(route: Pick<Route, 'service' | 'method' | 'path'>): string {
  return `${route.service} ${route.method} ${route.path}`;
}

/** Every route of a running app, read from the controllers Nest registered (including those left out of OpenAPI). */
export function discoverRoutes(service: ServiceName, app: TestApp): Route[] {
  const routes: Route[] = [];
  for (const module of app.app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as Type | null;
      if (!controller) continue;
      const prefixes = asArray(Reflect.getMetadata(PATH_METADATA, controller) as string | string[] | undefined);
      const classPublic = Reflect.getMetadata(IS_PUBLIC, controller) === true;
      const proto = controller.prototype as Record<string, unknown>;
      for (const name of Object.getOwnPropertyNames(proto)) {
        const handler = proto[name];
        if (name === 'constructor' || typeof handler !== 'function') continue;
        const paths = Reflect.getMetadata(PATH_METADATA, handler) as string | string[] | undefined;
        const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
        if (paths === undefined || method === undefined) continue;
        const isPublic = classPublic || Reflect.getMetadata(IS_PUBLIC, handler) === true;
        for (const prefix of prefixes) {
          for (const path of asArray(paths)) {
            routes.push({ service, method: RequestMethod[method], path: joinPath(prefix, path), public: isPublic });
          }
        }
      }
    }
  }
  return routes.sort((a, b) => routeKey(a).localeCompare(routeKey(b)));
}

function asArray(value: string | string[] | undefined): string[] {
  if (value === undefined) return ['/'];
  return Array.isArray(value) ? value : [value];
}

function joinPath(prefix: string, path: string): string {
  const joined = `/${[prefix, path].map((p) => p.replace(/^\/+|\/+$/g, '')).filter(Boolean).join('/')}`;
  return joined;
}

/** Paths of the app's OpenAPI document, in the router's `:param` syntax. */
export async function openApiRoutes(service: ServiceName, app: TestApp): Promise<string[]> {
  const doc = (await (await fetch(`${app.url}/docs/openapi.json`)).json()) as { paths: Record<string, Record<string, unknown>> };
  return Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.keys(methods)
      .filter((m) => ['get', 'post', 'put', 'patch', 'delete'].includes(m))
      .map((m) => routeKey({ service, method: m.toUpperCase(), path: path.replace(/\{(\w+)\}/g, ':$1') })),
  );
}

export interface HttpResult {
  status: number;
  contentType: string;
  text: string;
  body: Record<string, unknown>;
}

export interface RequestOptions {
  token?: string;
  body?: unknown;
  raw?: string | Buffer;
  contentType?: string;
  headers?: Record<string, string>;
}

export async function request(baseUrl: string, method: string, path: string, options: RequestOptions = {}): Promise<HttpResult> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token !== undefined) headers['authorization'] = `Bearer ${options.token}`;
  let body: string | Buffer | undefined;
  if (options.raw !== undefined) body = options.raw;
  else if (options.body !== undefined) body = JSON.stringify(options.body);
  if (body !== undefined && headers['content-type'] === undefined) headers['content-type'] = options.contentType ?? 'application/json';
  const response = await fetch(`${baseUrl}${path}`, { method, headers, ...(body === undefined ? {} : { body }) });
  const contentType = response.headers.get('content-type') ?? '';
  if (contentType.startsWith('text/event-stream')) {
    // A stream never ends: its status and headers are the answer.
    await response.body?.cancel();
    return { status: response.status, contentType, text: '', body: {} };
  }
  const text = await response.text();
  let parsed: Record<string, unknown> = {};
  try {
    const value: unknown = text ? JSON.parse(text) : {};
    parsed = typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : { value };
  } catch {
    parsed = {};
  }
  return { status: response.status, contentType, text, body: parsed };
}

/** The four services, each on its own namespace, with a recorder of every event published in them. */
export class Platform {
  readonly events: AnyCloudEvent[] = [];

  private constructor(
    readonly apps: Record<ServiceName, TestApp>,
    readonly namespaces: Record<ServiceName, TestNamespace>,
    private readonly nc: NatsConnection,
  ) {}

  static async start(env: Partial<Record<ServiceName, Record<string, string>>> = {}): Promise<Platform> {
    const namespaces = Object.fromEntries(SERVICE_NAMES.map((s) => [s, createTestNamespace(`security_${s}`)])) as Record<ServiceName, TestNamespace>;
    const apps = {} as Record<ServiceName, TestApp>;
    for (const name of SERVICE_NAMES) {
      const { module, description } = SERVICES[name];
      apps[name] = await startTestApp(module, namespaces[name], { env: env[name] ?? {}, description });
    }
    const nc = await connect({ servers: TEST_NATS_URL });
    const platform = new Platform(apps, namespaces, nc);
    const codec = JSONCodec<AnyCloudEvent>();
    for (const name of SERVICE_NAMES) {
      const sub = nc.subscribe(`${namespaces[name].natsNamespace}.cc.>`);
      void (async () => {
        for await (const msg of sub) platform.events.push(codec.decode(msg.data));
      })();
    }
    await nc.flush();
    return platform;
  }

  url(service: ServiceName): string {
    return this.apps[service].url;
  }

  token(tenant: string, role: Role, sub?: string): string {
    return this.apps.intake.token({ tenant, role, sub: sub ?? (role === 'agent' ? 'agent-self' : `${role}-user`) });
  }

  call(service: ServiceName, method: string, path: string, options: RequestOptions = {}): Promise<HttpResult> {
    return request(this.url(service), method, path, options);
  }

  /** Publishes events into one service's namespace, as the other services would. */
  async publish(service: ServiceName, events: AnyCloudEvent[]): Promise<void> {
    await this.apps[service].app.get(EventPublisher).publishMany(events);
  }

  routes(): Route[] {
    return SERVICE_NAMES.flatMap((s) => discoverRoutes(s, this.apps[s]));
  }

  async close(): Promise<void> {
    await this.nc.close();
    for (const name of SERVICE_NAMES) await this.apps[name].close();
    await Promise.all(SERVICE_NAMES.map((s) => this.namespaces[s].cleanup()));
  }
}
