import { join } from 'node:path';
import { SERVICE_NODE_ARGS } from '@switchboard/platform';
import { ManagedProcess, ProcessExitedError, waitFor } from './processes';

export const SERVICES = ['intake', 'routing', 'analytics', 'notify'] as const;
export type ServiceName = (typeof SERVICES)[number];

export const ROOT = join(__dirname, '../../..');

/** One replica of a service, run as `nx serve <service>` runs it: its own Node process. */
export class ServiceProcess {
  readonly process: ManagedProcess;

  constructor(
    readonly service: ServiceName,
    readonly replica: number,
    readonly port: number,
    env: Record<string, string>,
    logDir: string,
    sourceDir = ROOT,
  ) {
    this.process = new ManagedProcess(`${service}#${replica}`, process.execPath, [...SERVICE_NODE_ARGS, '-r', '@swc-node/register', `services/${service}/src/main.ts`], {
      cwd: sourceDir,
      env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' },
      logFile: join(logDir, `${service}-${replica}.log`),
    });
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get name(): string {
    return this.process.name;
  }

  async start(timeoutMs = 300_000): Promise<void> {
    this.process.spawn();
    await this.ready(timeoutMs);
  }

  /** Waits for `/health/ready` to answer 200 (NATS, Postgres and Redis reachable). */
  async ready(timeoutMs = 300_000): Promise<void> {
    let last = 'no answer';
    try {
      await waitFor(
        `${this.name} ready`,
        async () => {
          this.process.assertAlive();
          const res = await fetch(`${this.url}/health/ready`, { signal: AbortSignal.timeout(2000) }).catch((error: unknown) => {
            last = error instanceof Error ? error.message : String(error);
            return undefined;
          });
          if (!res) return false;
          const body = await res.text();
          last = `${res.status} ${body.slice(0, 500)}`;
          return res.status === 200;
        },
        timeoutMs,
        200,
      );
    } catch (error) {
      if (error instanceof ProcessExitedError) throw error;
      throw new Error(`${this.name} not ready within ${timeoutMs} ms; last answer: ${last}; last output:\n${this.process.output().slice(-2000)}`, { cause: error });
    }
  }

  async kill9(): Promise<void> {
    await this.process.kill9();
  }

  async restart(timeoutMs?: number): Promise<void> {
    await this.process.kill9();
    await this.start(timeoutMs);
  }
}
