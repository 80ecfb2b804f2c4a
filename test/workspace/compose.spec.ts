import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { SERVICE_NODE_ARGS } from '../../libs/platform/src/runtime/service-node-args';

// docker-compose.yml cannot be started in CI (no Docker engine), so its shape is checked here instead.
const ROOT = join(__dirname, '..', '..');

interface ComposeService {
  image?: string;
  build?: { context?: string; dockerfile?: string; args?: Record<string, string> };
  command?: string[] | string;
  environment?: Record<string, string>;
  ports?: string[];
  depends_on?: Record<string, { condition?: string }>;
  healthcheck?: { test?: string[] | string };
}

const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8')) as { services: Record<string, ComposeService> };
const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');

const APPS = [
  ['intake', 3001],
  ['routing', 3002],
  ['analytics', 3003],
  ['notify', 3004],
] as const;
const SERVERS = ['nats', 'postgres', 'redis'] as const;

describe('docker-compose.yml', () => {
  it('defines the three servers, the four services and the web app', () => {
    expect(Object.keys(compose.services).sort()).toEqual([...SERVERS, ...APPS.map(([name]) => name), 'web'].sort());
  });

  it('builds the web app from the same Dockerfile, pointed at the four services, started after them', () => {
    const web = compose.services.web;
    expect(web.build?.args?.SERVICE).toBe('web');
    expect(web.ports).toContain('3000:3000');
    for (const [name, port] of APPS) {
      expect(new URL(web.environment?.[`${name.toUpperCase()}_URL`] ?? '').host).toBe(`${name}:${port}`);
      expect(web.depends_on?.[name]?.condition).toBe('service_healthy');
    }
  });

  it('runs NATS with JetStream and persistent storage', () => {
    const command = compose.services.nats.command;
    const args = Array.isArray(command) ? command : String(command).split(/\s+/);
    expect(args).toContain('-js');
    expect(args).toContain('-sd');
  });

  it('creates the switchboard database in PostgreSQL', () => {
    expect(compose.services.postgres.environment?.POSTGRES_DB).toBe('switchboard');
  });

  it.each(APPS)('builds %s from the Dockerfile and publishes port %d', (name, port) => {
    const service = compose.services[name];
    expect(service.build?.dockerfile ?? 'Dockerfile').toBe('Dockerfile');
    expect(service.build?.context).toBe('.');
    expect(service.build?.args?.SERVICE).toBe(name);
    expect(service.environment?.PORT).toBe(String(port));
    expect(service.ports).toContain(`${port}:${port}`);
  });

  it.each(APPS)('points %s at the compose hostnames', (name) => {
    const env = compose.services[name].environment ?? {};
    expect(new URL(env.NATS_URL).host).toBe('nats:4222');
    expect(new URL(env.DATABASE_URL).host).toBe('postgres:5432');
    expect(new URL(env.DATABASE_URL).pathname).toBe('/switchboard');
    expect(new URL(env.REDIS_URL).host).toBe('redis:6379');
    expect(env.JWT_SECRET).toBeTruthy();
  });

  it.each(APPS)('starts %s only after every server is healthy', (name) => {
    const dependsOn = compose.services[name].depends_on ?? {};
    expect(Object.keys(dependsOn).sort()).toEqual([...SERVERS].sort());
    for (const server of SERVERS) expect(dependsOn[server].condition).toBe('service_healthy');
  });

  it('gives every container a health check', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      expect({ name, test: service.healthcheck?.test ?? null }).toEqual({ name, test: expect.anything() });
    }
  });
});

describe('Dockerfile', () => {
  it('builds any service selected by the SERVICE argument', () => {
    expect(dockerfile).toMatch(/^FROM node:20-bookworm-slim/m);
    expect(dockerfile).toMatch(/^ARG SERVICE$/m);
    expect(dockerfile).toMatch(/^CMD .*services\/\$SERVICE\/src\/main\.ts/m);
    expect(dockerfile).toMatch(/^CMD .*apps\/\$SERVICE\/src\/main\.ts/m);
    expect(dockerfile).toMatch(/^COPY apps \.\/apps$/m);
  });

  it('runs as a non-root user with a health check', () => {
    expect(dockerfile).toMatch(/^USER (?!root)\S+/m);
    expect(dockerfile).toMatch(/^HEALTHCHECK /m);
  });

  it('runs the services with the Node options of the other launchers', () => {
    expect(dockerfile).toContain(`ENV NODE_OPTIONS=${SERVICE_NODE_ARGS.join(' ')}`);
  });
});
