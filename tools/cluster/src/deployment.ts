import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NatsDeployment, PostgresServer, RedisServer } from './infra';
import { freePorts } from './processes';
import { ROOT, SERVICES, ServiceProcess, type ServiceName } from './services';

export interface DeploymentOptions {
  /** NATS nodes: 1 (a single server) or 3 (a cluster on loopback). */
  natsNodes?: number;
  /** Replicas of every stream (NATS_STREAM_REPLICAS); defaults to the number of NATS nodes. */
  streamReplicas?: number;
  /** Replicas of each service (default 1). */
  replicas?: number | Partial<Record<ServiceName, number>>;
  /** Extra environment for every service. */
  env?: Record<string, string>;
  /** Extra environment per service. */
  serviceEnv?: Partial<Record<ServiceName, Record<string, string>>>;
  /** Folder for data and logs (default: a new temporary folder, removed by `close` unless KEEP_CLUSTER_DIR=1). */
  dir?: string;
  /**
   * Checkout the services run from (default: this working tree; CLUSTER_SOURCE_DIR overrides). `snapshotHead`
   * makes one of the last commit, so that edits in progress elsewhere in the tree do not change what is tested.
   */
  sourceDir?: string;
  /** Called with progress lines. */
  log?: (line: string) => void;
}

export const CLUSTER_JWT_SECRET = 'switchboard-cluster-secret-0123456789';

/**
 * A whole Switchboard on this machine, on servers of its own: NATS (one server or a cluster), PostgreSQL and
 * Redis on free ports with their data in a temporary folder, and N replicas of each service as child processes.
 * The shared servers on the standard ports are never touched, so the servers can be killed and restarted at will.
 */
export class Deployment {
  readonly services: Record<ServiceName, ServiceProcess[]>;

  private constructor(
    readonly dir: string,
    private readonly ownsDir: boolean,
    readonly nats: NatsDeployment,
    readonly postgres: PostgresServer,
    readonly redis: RedisServer,
    /** NATS namespace, schema and key prefix stem of this deployment (as createTestNamespace makes them). */
    readonly namespace: string,
    services: Record<ServiceName, ServiceProcess[]>,
  ) {
    this.services = services;
  }

  static async start(options: DeploymentOptions = {}): Promise<Deployment> {
    const log = options.log ?? (() => undefined);
    const ownsDir = options.dir === undefined;
    const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'switchboard-cluster-'));
    const natsNodes = options.natsNodes ?? 1;
    log(`servers: NATS ×${natsNodes}, PostgreSQL, Redis under ${dir}`);
    const [nats, postgres, redis] = await Promise.all([NatsDeployment.create(dir, natsNodes), PostgresServer.create(dir), RedisServer.create(dir)]);
    const namespace = `c${randomBytes(5).toString('hex')}`;
    const sourceDir = options.sourceDir ?? process.env['CLUSTER_SOURCE_DIR'] ?? ROOT;
    const dataDir = join(ROOT, '..', 'shared', 'data');
    const replicasOf = (s: ServiceName) => (typeof options.replicas === 'number' ? options.replicas : (options.replicas?.[s] ?? 1));
    const total = SERVICES.reduce((n, s) => n + replicasOf(s), 0);
    const ports = await freePorts(total);
    const services = {} as Record<ServiceName, ServiceProcess[]>;
    for (const service of SERVICES) {
      services[service] = Array.from({ length: replicasOf(service) }, (_, replica) => {
        const env: Record<string, string> = {
          NODE_ENV: 'production',
          LOG_LEVEL: process.env['CLUSTER_LOG_LEVEL'] ?? 'warn',
          NATS_URL: nats.url,
          NATS_NAMESPACE: namespace,
          NATS_STREAM_REPLICAS: String(options.streamReplicas ?? natsNodes),
          DATABASE_URL: postgres.url,
          DB_SCHEMA: service,
          REDIS_URL: redis.url,
          REDIS_PREFIX: `${namespace}:${service}:`,
          JWT_SECRET: CLUSTER_JWT_SECRET,
          ...(existsSync(dataDir) ? { ANALYTICS_DATA_DIR: dataDir } : {}),
          ...options.env,
          ...options.serviceEnv?.[service],
        };
        return new ServiceProcess(service, replica, ports.shift() ?? 0, env, dir, sourceDir);
      });
    }
    const deployment = new Deployment(dir, ownsDir, nats, postgres, redis, namespace, services);
    try {
      // The first replica of each service migrates and provisions; the others then start together.
      log(`services: ${SERVICES.map((s) => `${s} ×${replicasOf(s)}`).join(', ')}`);
      await Promise.all(SERVICES.map((s) => services[s][0]?.start()));
      await Promise.all(SERVICES.flatMap((s) => services[s].slice(1).map((p) => p.start())));
    } catch (error) {
      await deployment.close();
      throw error;
    }
    return deployment;
  }

  /** Base URL of a replica (default the first). */
  url(service: ServiceName, replica = 0): string {
    const replicaProcess = this.services[service][replica];
    if (!replicaProcess) throw new Error(`${service} has no replica ${replica}`);
    return replicaProcess.url;
  }

  /** Every replica of every service. */
  get all(): ServiceProcess[] {
    return SERVICES.flatMap((s) => this.services[s]);
  }

  /** Waits until every running replica answers ready again (after a server came back). */
  async ready(timeoutMs = 300_000): Promise<void> {
    await Promise.all(this.all.filter((p) => p.process.running).map((p) => p.ready(timeoutMs)));
  }

  async close(): Promise<void> {
    await Promise.all(this.all.map((p) => p.process.close()));
    await Promise.all([this.nats.close(), this.redis.process.close(), this.postgres.close()]);
    if (this.ownsDir && process.env['KEEP_CLUSTER_DIR'] !== '1') rmSync(this.dir, { recursive: true, force: true });
  }
}
