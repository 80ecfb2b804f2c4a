import { execFile, execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { connect } from 'nats';
import { Client } from 'pg';
import { freePorts, ManagedProcess, portOpen, waitFor } from './processes';

const run = promisify(execFile);
const START_TIMEOUT_MS = 30_000;

function findBinary(name: string, candidates: string[]): string {
  for (const candidate of candidates) if (existsSync(candidate)) return candidate;
  throw new Error(`${name} is not installed (looked in ${candidates.join(', ')}); scripts/infra.sh installs it on Debian/Ubuntu`);
}

function postgresBin(name: string): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  return findBinary(name, [...versions.map((v) => join(root, v, 'bin', name)), `/usr/bin/${name}`, `/usr/local/bin/${name}`]);
}

/** Starts a server process and waits until it accepts connections on `port` (failing at once if it exits). */
async function spawnUntilListening(process: ManagedProcess, port: number): Promise<void> {
  process.spawn();
  await waitFor(
    `${process.name} listening`,
    async () => {
      process.assertAlive();
      return portOpen(port);
    },
    START_TIMEOUT_MS,
  );
}

/** One nats-server with JetStream, alone or as a node of a cluster. Its store survives restarts. */
export class NatsNode {
  readonly process: ManagedProcess;

  constructor(
    readonly serverName: string,
    readonly port: number,
    readonly dir: string,
    clusterPort?: number,
    routes: number[] = [],
  ) {
    mkdirSync(dir, { recursive: true });
    const args = ['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', join(dir, 'store'), '--server_name', serverName];
    if (clusterPort !== undefined) {
      args.push('--cluster_name', 'switchboard', '--cluster', `nats://127.0.0.1:${clusterPort}`);
      args.push('--routes', routes.map((p) => `nats://127.0.0.1:${p}`).join(','));
    }
    const bin = findBinary('nats-server', ['/usr/sbin/nats-server', '/usr/bin/nats-server', '/usr/local/bin/nats-server']);
    this.process = new ManagedProcess(`nats ${serverName}`, bin, args, { logFile: join(dir, 'nats.log') });
  }

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  start(): Promise<void> {
    return spawnUntilListening(this.process, this.port);
  }

  async kill9(): Promise<void> {
    await this.process.kill9();
  }
}

/** One NATS server, or a cluster of `nodes` on loopback (full mesh of routes), each with its own store. */
export class NatsDeployment {
  private constructor(readonly nodes: NatsNode[]) {}

  static async create(dir: string, nodes: number): Promise<NatsDeployment> {
    const ports = await freePorts(nodes * 2);
    const clientPorts = ports.slice(0, nodes);
    const clusterPorts = ports.slice(nodes);
    const list = clientPorts.map((port, i) =>
      nodes === 1
        ? new NatsNode('n1', port, join(dir, 'nats-n1'))
        : new NatsNode(`n${i + 1}`, port, join(dir, `nats-n${i + 1}`), clusterPorts[i], clusterPorts.filter((_, j) => j !== i)),
    );
    const deployment = new NatsDeployment(list);
    await Promise.all(list.map((node) => node.start()));
    await deployment.waitForJetStream();
    return deployment;
  }

  /** Comma-separated URLs of every node, as NATS_URL takes them. */
  get url(): string {
    return this.nodes.map((n) => n.url).join(',');
  }

  /** Waits until JetStream answers (on a cluster: a meta leader is elected and a replicated stream can be made). */
  async waitForJetStream(timeoutMs = 60_000): Promise<void> {
    await waitFor(
      'JetStream ready',
      async () => {
        const nc = await connect({ servers: this.nodes.filter((n) => n.process.running).map((n) => n.url), timeout: 2000 });
        try {
          const jsm = await nc.jetstreamManager({ timeout: 2000 });
          const info = await jsm.getAccountInfo();
          return info !== undefined;
        } finally {
          await nc.close();
        }
      },
      timeoutMs,
      250,
    );
  }

  async close(): Promise<void> {
    await Promise.all(this.nodes.map((n) => n.process.close()));
  }
}

/** A Redis without persistence: a restart loses every key, like a failed-over cache. */
export class RedisServer {
  readonly process: ManagedProcess;

  private constructor(
    readonly port: number,
    dir: string,
  ) {
    mkdirSync(dir, { recursive: true });
    const bin = findBinary('redis-server', ['/usr/bin/redis-server', '/usr/local/bin/redis-server', '/usr/sbin/redis-server']);
    this.process = new ManagedProcess('redis', bin, ['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no', '--dir', dir], {
      logFile: join(dir, 'redis.log'),
    });
  }

  static async create(dir: string): Promise<RedisServer> {
    const [port] = await freePorts(1);
    const server = new RedisServer(port ?? 0, join(dir, 'redis'));
    await server.start();
    return server;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  start(): Promise<void> {
    return spawnUntilListening(this.process, this.port);
  }

  async kill9(): Promise<void> {
    await this.process.kill9();
  }
}

/**
 * A PostgreSQL cluster of its own (initdb in a temporary folder, fsync off). As root, the server runs as the
 * `postgres` account, which must exist (the Debian package creates it).
 */
export class PostgresServer {
  private constructor(
    readonly port: number,
    readonly dir: string,
    readonly database: string,
  ) {}

  static async create(dir: string, database = 'switchboard'): Promise<PostgresServer> {
    const [port] = await freePorts(1);
    const data = join(dir, 'postgres');
    mkdirSync(data, { recursive: true });
    if (process.getuid?.() === 0) {
      const { stdout } = await run('id', ['-u', 'postgres']).catch(() => {
        throw new Error('running as root needs the postgres account to run PostgreSQL (apt-get install postgresql creates it)');
      });
      const { stdout: gid } = await run('id', ['-g', 'postgres']);
      chmodSync(dir, 0o755);
      chownSync(data, Number(stdout.trim()), Number(gid.trim()));
    }
    chmodSync(data, 0o700);
    const server = new PostgresServer(port ?? 0, data, database);
    await server.asOwner(postgresBin('initdb'), ['-D', data, '--auth=trust', '-U', 'postgres', '-E', 'UTF8', '--locale=C']);
    await server.start();
    // pg_ctl detaches the server: stop it when this process ends without closing it.
    process.once('exit', () => server.stopSync());
    const admin = new Client({ connectionString: server.urlFor('postgres') });
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE "${database}"`);
    } finally {
      await admin.end();
    }
    return server;
  }

  private async asOwner(bin: string, args: string[]): Promise<void> {
    const [command, all] = process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, args];
    await run(command as string, all as string[], { cwd: '/', timeout: 120_000 });
  }

  urlFor(database: string): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`;
  }

  get url(): string {
    return this.urlFor(this.database);
  }

  async start(): Promise<void> {
    const options = [
      `-p ${this.port}`,
      `-k ${this.dir}`,
      '-c listen_addresses=127.0.0.1',
      // fsync off is safe here (the machine does not crash, only the server); synchronous_commit stays on, or an
      // immediate stop would lose transactions that had already reported their commit.
      '-c fsync=off',
      '-c full_page_writes=off',
      '-c max_connections=400',
    ].join(' ');
    await this.asOwner(postgresBin('pg_ctl'), ['-D', this.dir, '-l', join(this.dir, 'postgres.log'), '-w', '-t', '60', '-o', options, 'start']);
    await waitFor('postgres listening', () => portOpen(this.port), START_TIMEOUT_MS);
  }

  /** Immediate shutdown: no checkpoint, connections cut, recovery from the WAL at the next start (a crash, as far as clients see). */
  async crash(): Promise<void> {
    await this.asOwner(postgresBin('pg_ctl'), ['-D', this.dir, '-m', 'immediate', '-w', '-t', '60', 'stop']);
    await waitFor('postgres stopped', async () => !(await portOpen(this.port)), START_TIMEOUT_MS);
  }

  stopSync(): void {
    const args = ['-D', this.dir, '-m', 'immediate', '-w', '-t', '20', 'stop'];
    const [command, all] = process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', postgresBin('pg_ctl'), ...args]] : [postgresBin('pg_ctl'), args];
    try {
      execFileSync(command as string, all as string[], { cwd: '/', stdio: 'ignore' });
    } catch {
      // Already stopped.
    }
  }

  async close(): Promise<void> {
    await this.asOwner(postgresBin('pg_ctl'), ['-D', this.dir, '-m', 'immediate', '-w', '-t', '60', 'stop']).catch(() => undefined);
  }
}

