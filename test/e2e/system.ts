import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { Type } from '@nestjs/common';
import { dropSchema, SERVICE_NODE_ARGS, type ServiceDescription } from '@switchboard/platform';
import { createTestNamespace, pollUntil, startTestApp, TEST_DATABASE_URL, TEST_JWT_SECRET, type TestApp, type TestNamespace } from '@switchboard/testing';

export const SERVICE_NAMES = ['intake', 'routing', 'analytics', 'notify'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

export interface RunningSystem {
  ns: TestNamespace;
  urls: Record<ServiceName, string>;
  /** Process id of each service started as its own process (mode `processes`), to account its CPU. */
  pids: Partial<Record<ServiceName, number>>;
  jwtSecret: string;
  stop(): Promise<void>;
}

export interface SystemOptions {
  /** In-process Nest apps (one event loop, fast start) or one child process per service (own CPU). */
  mode: 'in-process' | 'processes';
  services?: readonly ServiceName[];
  /** Extra environment for every service. */
  env?: Record<string, string>;
  label?: string;
}

const ROOT = join(__dirname, '..', '..');

/** Per-service corner of the namespace: own Postgres schema and Redis prefix; shared streams. */
function serviceEnv(ns: TestNamespace, name: ServiceName, extra: Record<string, string>): Record<string, string> {
  return ns.env({ DB_SCHEMA: `${ns.dbSchema}_${name}`, REDIS_PREFIX: `${ns.redisPrefix}${name}:`, ...extra });
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function loadService(name: ServiceName): Promise<{ module: Type; description: ServiceDescription }> {
  switch (name) {
    case 'intake': {
      const [{ AppModule }, { API_DESCRIPTION }] = await Promise.all([import('../../services/intake/src/app.module'), import('../../services/intake/src/config/intake.config')]);
      return { module: AppModule, description: API_DESCRIPTION };
    }
    case 'routing': {
      const [{ AppModule }, { API_DESCRIPTION }] = await Promise.all([import('../../services/routing/src/app.module'), import('../../services/routing/src/config/routing.config')]);
      return { module: AppModule, description: API_DESCRIPTION };
    }
    case 'analytics': {
      const [{ AppModule }, { API_DESCRIPTION }] = await Promise.all([
        import('../../services/analytics/src/app.module'),
        import('../../services/analytics/src/config/analytics.config'),
      ]);
      return { module: AppModule, description: API_DESCRIPTION };
    }
    case 'notify': {
      const [{ AppModule }, { API_DESCRIPTION }] = await Promise.all([import('../../services/notify/src/app.module'), import('../../services/notify/src/config/notify.config')]);
      return { module: AppModule, description: API_DESCRIPTION };
    }
  }
}

interface Started {
  url: string;
  pid?: number;
  stop(): Promise<void>;
}

async function startInProcess(name: ServiceName, env: Record<string, string>, ns: TestNamespace): Promise<Started> {
  const { module, description } = await loadService(name);
  const app: TestApp = await startTestApp(module, ns, { env, description });
  return { url: app.url, stop: () => app.close() };
}

async function startProcess(name: ServiceName, env: Record<string, string>, port: number): Promise<Started> {
  // E2E_NODE_ARGS: extra Node options for the service processes (e.g. `--cpu-prof --cpu-prof-dir=/tmp/profiles`).
  const nodeArgs = (process.env['E2E_NODE_ARGS'] ?? '').split(' ').filter((arg) => arg.length > 0);
  const child: ChildProcess = spawn(process.execPath, [...SERVICE_NODE_ARGS, ...nodeArgs, '-r', '@swc-node/register', `services/${name}/src/main.ts`], {
    cwd: ROOT,
    env: { ...process.env, ...env, PORT: String(port) },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4000);
  });
  let exited = false;
  child.once('exit', () => (exited = true));
  const url = `http://127.0.0.1:${port}`;
  await pollUntil(
    async () => {
      if (exited) throw new Error(`${name} exited during start: ${stderr}`);
      try {
        return (await fetch(`${url}/health/ready`, { signal: AbortSignal.timeout(2000) })).status;
      } catch {
        return 0;
      }
    },
    (status) => status === 200,
    { timeoutMs: 300_000, intervalMs: 250, description: `${name} ready` },
  );
  return {
    url,
    ...(child.pid === undefined ? {} : { pid: child.pid }),
    stop: async () => {
      if (exited) return;
      const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await gone;
      clearTimeout(timer);
    },
  };
}

/**
 * The four services against one isolated namespace (own streams; each service its own schema and key
 * prefix in it): analytics, routing (notify's offer links point at it), then intake and notify.
 */
export async function startSystem(options: SystemOptions): Promise<RunningSystem> {
  const ns = createTestNamespace(options.label ?? 'e2e');
  const names = options.services ?? SERVICE_NAMES;
  const started = new Map<ServiceName, Started>();
  const ports = new Map<ServiceName, number>();
  const start = async (name: ServiceName, extra: Record<string, string>): Promise<void> => {
    const dataDir = process.env['ANALYTICS_DATA_DIR'];
    const passThrough: Record<string, string> = dataDir ? { ANALYTICS_DATA_DIR: dataDir } : {};
    // The caller's environment wins over the per-service test defaults (a benchmark runs routing's production tick).
    const env = serviceEnv(ns, name, { LOG_LEVEL: process.env['TEST_LOG_LEVEL'] ?? 'silent', ...passThrough, ...extra, ...options.env });
    started.set(name, options.mode === 'in-process' ? await startInProcess(name, env, ns) : await startProcess(name, env, ports.get(name) ?? (await freePort())));
  };
  const stop = async (): Promise<void> => {
    await Promise.allSettled([...started.values()].map((s) => s.stop()));
    await ns.cleanup();
    await Promise.all(SERVICE_NAMES.map((name) => dropSchema(TEST_DATABASE_URL, `${ns.dbSchema}_${name}`)));
  };
  try {
    if (options.mode === 'processes') {
      // Own processes: all at once, on ports chosen up front (notify's offer links point at routing).
      for (const name of names) ports.set(name, await freePort());
      const routingUrl = `http://127.0.0.1:${ports.get('routing') ?? 3002}`;
      await allStarted(names.map((name) => start(name, name === 'routing' ? { ROUTING_TICK_MS: '100' } : name === 'notify' ? { NOTIFY_ROUTING_URL: routingUrl } : {})));
      const urls = Object.fromEntries(SERVICE_NAMES.map((n) => [n, started.get(n)?.url ?? ''])) as Record<ServiceName, string>;
      return { ns, urls, pids: pidsOf(started), jwtSecret: TEST_JWT_SECRET, stop };
    }
    // Analytics trains its models at start (seconds of CPU): in one process that would stall the others'
    // connections, so it starts first, on its own.
    if (names.includes('analytics')) await start('analytics', {});
    if (names.includes('routing')) await start('routing', { ROUTING_TICK_MS: '100' });
    const routingUrl = started.get('routing')?.url ?? 'http://127.0.0.1:3002';
    await allStarted(
      names
        .filter((n) => n === 'intake' || n === 'notify')
        .map((name) => start(name, name === 'notify' ? { NOTIFY_ROUTING_URL: routingUrl } : {})),
    );
  } catch (error) {
    await stop();
    throw error;
  }
  const urls = Object.fromEntries(SERVICE_NAMES.map((n) => [n, started.get(n)?.url ?? ''])) as Record<ServiceName, string>;
  return { ns, urls, pids: pidsOf(started), jwtSecret: TEST_JWT_SECRET, stop };
}

/**
 * Waits for every start to finish, then fails with the first failure: a service that fails fast must not leave the
 * others starting unseen, to keep running after the system has been stopped.
 */
async function allStarted(starts: readonly Promise<void>[]): Promise<void> {
  const failed = (await Promise.allSettled(starts)).find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failed) throw failed.reason;
}

function pidsOf(started: ReadonlyMap<ServiceName, Started>): Partial<Record<ServiceName, number>> {
  return Object.fromEntries([...started].flatMap(([name, s]) => (s.pid === undefined ? [] : [[name, s.pid]])));
}
