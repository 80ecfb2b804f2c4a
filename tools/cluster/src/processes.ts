import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { createServer, Socket } from 'node:net';

/** Every child this module started, killed when the parent exits however it exits. */
const living = new Set<ChildProcess>();
let exitHookInstalled = false;

function track(child: ChildProcess): void {
  living.add(child);
  child.once('exit', () => living.delete(child));
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const c of living) c.kill('SIGKILL');
  });
}

/** A TCP port nobody listens on right now (the kernel's choice). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (typeof address !== 'object' || !address) throw new Error('no port');
  return address.port;
}

/** Distinct free ports (asked one after the other, so the kernel does not hand the same one out twice). */
export async function freePorts(n: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < n) ports.add(await freePort());
  return [...ports];
}

export const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Whether something accepts TCP connections on host:port. */
export function portOpen(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(1000);
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.once('timeout', () => done(false));
    socket.connect(port, host);
  });
}

/** An error that ends a {@link waitFor} at once (the process being waited for has died). */
export class ProcessExitedError extends Error {}

/** Polls `probe` until it answers true; fails with `what` and the last error after `timeoutMs`. */
export async function waitFor(what: string, probe: () => Promise<boolean>, timeoutMs: number, intervalMs = 100): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      if (await probe()) return;
    } catch (error) {
      if (error instanceof ProcessExitedError) throw error;
      last = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`${what} not reached within ${timeoutMs} ms${last instanceof Error ? `: ${last.message}` : ''}`);
    }
    await pause(intervalMs);
  }
}

/**
 * One long-running child process (a server or a service) that can be started, killed with SIGKILL and
 * started again with the same command. Its output goes to a log file (appended across restarts) and the
 * last lines stay in memory for error messages.
 */
export class ManagedProcess {
  private child: ChildProcess | undefined;
  private log: WriteStream | undefined;
  private tail = '';
  /** How many times the process was started. */
  starts = 0;

  constructor(
    readonly name: string,
    private readonly command: string,
    private readonly args: readonly string[],
    private readonly options: SpawnOptions & { logFile: string },
  ) {}

  get pid(): number | undefined {
    return this.running ? this.child?.pid : undefined;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** The last lines the process wrote. */
  output(): string {
    return this.tail;
  }

  spawn(): void {
    if (this.running) throw new Error(`${this.name} is already running`);
    if (!this.log) {
      this.log = createWriteStream(this.options.logFile, { flags: 'a' });
      this.log.on('error', (error) => {
        this.tail = `${this.tail}\n[log ${this.options.logFile}: ${error.message}]`.slice(-8_000);
      });
    }
    this.log.write(`\n--- ${new Date().toISOString()} start ${this.name}\n`);
    const { logFile: _logFile, ...spawnOptions } = this.options;
    const child = spawn(this.command, [...this.args], { ...spawnOptions, stdio: ['ignore', 'pipe', 'pipe'] });
    const capture = (chunk: Buffer) => {
      // A child's pipes can still deliver output after its exit (or after close() ended the log when a
      // grandchild kept them open): that output stays in the tail but is not written to a closed log.
      if (this.log && !this.log.writableEnded) this.log.write(chunk);
      this.tail = (this.tail + chunk.toString()).slice(-8_000);
    };
    child.stdout?.on('data', capture);
    child.stderr?.on('data', capture);
    child.once('exit', (code, signal) => this.log?.writableEnded === false && this.log.write(`--- ${new Date().toISOString()} exit ${this.name} code=${code} signal=${signal}\n`));
    track(child);
    this.child = child;
    this.starts += 1;
  }

  /** Fails when the process has exited (with its last output), for use inside readiness probes. */
  assertAlive(): void {
    if (this.child && !this.running) {
      throw new ProcessExitedError(`${this.name} exited (code ${this.child.exitCode}, signal ${this.child.signalCode}):\n${this.tail.slice(-3000)}`);
    }
  }

  /** kill -9, and wait until the process is gone. */
  async kill9(): Promise<void> {
    await this.signal('SIGKILL');
  }

  /** SIGTERM, then SIGKILL when it is still alive after `graceMs`. */
  async stop(graceMs = 10_000): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  }

  private async signal(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(signal);
    await exited;
  }

  async close(): Promise<void> {
    await this.stop();
    // The last output can arrive after the exit: wait (briefly) for the child's pipes to close before the log does.
    const child = this.child;
    if (child && child.stdout && !child.stdout.destroyed) {
      await Promise.race([new Promise<void>((resolve) => child.once('close', () => resolve())), pause(2_000)]);
    }
    await new Promise<void>((resolve) => (this.log ? this.log.end(resolve) : resolve()));
    this.log = undefined;
  }
}
