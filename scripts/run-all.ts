// Runs the four services, the web app (ops dashboard and agent console) and the traffic simulator (when it
// exists) in one terminal for local development. Started by `npm start` after scripts/infra.sh. Waits until
// every service and the web app are ready, prints the dashboard and console URLs with tokens, and on Ctrl-C
// stops everything it started and the servers infra.sh started.
//
//   --check       start, wait until every service and the web app are ready, print OK, stop (exit 0 only if all became ready)
//   --keep-infra  leave NATS/PostgreSQL/Redis running on exit
//
// LOG_FORMAT=json passes service log lines through unchanged (prefixed); READY_TIMEOUT_MS bounds the wait (60 s).
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { SERVICE_NODE_ARGS } from '../libs/platform/src/runtime/service-node-args';

const ROOT = join(__dirname, '..');
const SERVICES = [
  { name: 'intake', port: 3001 },
  { name: 'routing', port: 3002 },
  { name: 'analytics', port: 3003 },
  { name: 'notify', port: 3004 },
] as const;
const WEB = { name: 'web', port: Number(process.env.WEB_PORT ?? 3000), entry: 'apps/web/src/main.ts' } as const;
/** The tenant the simulator fills with traffic and the printed tokens are for. */
const DEMO_TENANT = 'demo';
/** How long to wait for the simulator's agents before printing the console URL without a token. */
const AGENT_WAIT_MS = 20_000;
const SIMULATOR_ENTRY = 'tools/simulator/src/main.ts';
const READY_TIMEOUT_MS = Number(process.env.READY_TIMEOUT_MS ?? 60_000);
const STOP_GRACE_MS = Number(process.env.SHUTDOWN_GRACE_MS ?? 10_000) + 5_000;
const DEFAULT_JWT_SECRET = 'switchboard-dev-secret-change-me';

const color = process.stdout.isTTY && !process.env.NO_COLOR;
const paint = (code: number, text: string): string => (color ? `\u001b[${code}m${text}\u001b[0m` : text);
const COLORS = [36, 35, 33, 32, 34];
const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
const OMITTED_LOG_FIELDS = new Set(['level', 'time', 'msg', 'pid', 'hostname', 'service', 'v']);

interface Proc {
  name: string;
  port?: number;
  child: ChildProcess;
  tail: string[];
  exited: boolean;
}

const { values: options } = parseArgs({
  options: { check: { type: 'boolean', default: false }, 'keep-infra': { type: 'boolean', default: false } },
});
const procs: Proc[] = [];
let stopping = false;

function say(message: string): void {
  process.stdout.write(`${paint(1, 'switchboard')} ${message}\n`);
}

/** A pino JSON line becomes `HH:MM:SS.mmm LEVEL message {other fields}`; anything else passes through. */
function formatLine(line: string): string {
  if (process.env.LOG_FORMAT === 'json' || !line.startsWith('{')) return line;
  try {
    const entry = JSON.parse(line) as Record<string, unknown>;
    const time = typeof entry.time === 'number' ? new Date(entry.time).toISOString().slice(11, 23) : '';
    const level = typeof entry.level === 'number' ? (LEVELS[entry.level] ?? String(entry.level)) : String(entry.level ?? '');
    const rest = Object.fromEntries(Object.entries(entry).filter(([key]) => !OMITTED_LOG_FIELDS.has(key)));
    let extra = Object.keys(rest).length > 0 ? ` ${JSON.stringify(rest)}` : '';
    if (extra.length > 400) extra = `${extra.slice(0, 400)}…`;
    const levelText = level === 'ERROR' || level === 'FATAL' ? paint(31, level) : level === 'WARN' ? paint(33, level) : level;
    return `${time} ${levelText} ${String(entry.msg ?? '')}${extra}`;
  } catch {
    return line;
  }
}

function launch(name: string, entry: string, env: NodeJS.ProcessEnv, index: number, port?: number): Proc {
  const child = spawn(process.execPath, [...SERVICE_NODE_ARGS, '-r', '@swc-node/register', entry], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Own process group: a terminal Ctrl-C reaches only this supervisor, which then stops the children in order.
    detached: true,
  });
  const proc: Proc = { name, port, child, tail: [], exited: false };
  const prefix = paint(COLORS[index % COLORS.length], `${name.padEnd(9)}|`);
  for (const stream of [child.stdout, child.stderr]) {
    if (!stream) continue;
    createInterface({ input: stream }).on('line', (line) => {
      proc.tail.push(line);
      if (proc.tail.length > 30) proc.tail.shift();
      process.stdout.write(`${prefix} ${formatLine(line)}\n`);
    });
  }
  child.on('exit', (code, signal) => {
    proc.exited = true;
    if (stopping) return;
    const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
    say(paint(31, `${name} ${how} unexpectedly; stopping everything.`));
    void shutdown(1);
  });
  procs.push(proc);
  return proc;
}

function portInUse(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.setTimeout(1000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

async function probe(port: number): Promise<{ ready: boolean; detail: string }> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/health/ready`, { signal: AbortSignal.timeout(2000) });
    const body = (await response.text()).slice(0, 300);
    return { ready: response.status === 200, detail: `HTTP ${response.status} ${body}` };
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : undefined;
    return { ready: false, detail: cause ?? (error instanceof Error ? error.message : String(error)) };
  }
}

/** Resolves to the services that did not become ready in time (none when all are ready). */
async function waitUntilReady(services: Proc[]): Promise<Proc[]> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  const last = new Map<string, string>();
  const pending = new Set(services);
  while (pending.size > 0 && !stopping) {
    for (const proc of [...pending]) {
      const result = await probe(proc.port ?? 0);
      last.set(proc.name, result.detail);
      if (result.ready) {
        pending.delete(proc);
        say(`${proc.name} is ready on :${proc.port}`);
      }
    }
    if (pending.size === 0 || stopping) break;
    if (Date.now() > deadline) {
      say(paint(31, `not ready after ${READY_TIMEOUT_MS / 1000}s:`));
      for (const proc of pending) say(`  ${proc.name} (:${proc.port}): ${last.get(proc.name) ?? 'no answer'}`);
      return [...pending];
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return [...pending];
}

function signalGroup(proc: Proc, signal: NodeJS.Signals): void {
  if (proc.exited || proc.child.pid === undefined) return;
  try {
    process.kill(-proc.child.pid, signal);
  } catch {
    // Already gone.
  }
}

async function stopGroup(group: Proc[]): Promise<void> {
  const running = group.filter((proc) => !proc.exited);
  if (running.length === 0) return;
  say(`stopping ${running.map((proc) => proc.name).join(', ')}`);
  for (const proc of running) signalGroup(proc, 'SIGTERM');
  const deadline = Date.now() + STOP_GRACE_MS;
  while (running.some((proc) => !proc.exited) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  for (const proc of running.filter((p) => !p.exited)) {
    say(`${proc.name} did not stop within ${STOP_GRACE_MS / 1000}s; killing it`);
    signalGroup(proc, 'SIGKILL');
  }
}

/** The simulator first (it ends its open contacts and logs its agents off through the services), then the rest. */
async function stopChildren(): Promise<void> {
  await stopGroup(procs.filter((proc) => proc.name === 'simulator'));
  await stopGroup(procs.filter((proc) => proc.name !== 'simulator'));
}

async function shutdown(exitCode: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  await stopChildren();
  if (!options.check && !options['keep-infra']) {
    spawnSync('bash', [join(ROOT, 'scripts/infra.sh'), 'stop'], { stdio: 'inherit', timeout: 60_000 });
  }
  process.exit(exitCode);
}

function showTail(proc: Proc): void {
  if (proc.tail.length === 0) return;
  say(`last lines of ${proc.name}:`);
  for (const line of proc.tail.slice(-15)) process.stdout.write(`    ${line}\n`);
}

async function token(role: 'supervisor' | 'agent', sub: string): Promise<string> {
  const { signToken } = await import('@switchboard/platform');
  return signToken({ tenant: DEMO_TENANT, role, sub }, process.env.JWT_SECRET || DEFAULT_JWT_SECRET, '12h');
}

/** The agent a person drives from the console: the demo scenario's `human: true` agent (else its first agent). */
async function consoleAgent(): Promise<string | undefined> {
  const { DEMO_SCENARIO_PATH, loadScenarioFile } = await import('../tools/simulator/src');
  const agents = loadScenarioFile(DEMO_SCENARIO_PATH).agents;
  return (agents.find((agent) => agent.human) ?? agents[0])?.id;
}

/** Resolves with `agentId` once routing knows it (the simulator creates the agents), or undefined when it does not appear in time. */
async function agentCreated(supervisor: string, agentId: string, waitMs: number): Promise<string | undefined> {
  const deadline = Date.now() + waitMs;
  while (!stopping) {
    try {
      const response = await fetch(`http://127.0.0.1:${SERVICES[1].port}/v1/agents/${encodeURIComponent(agentId)}`, {
        headers: { authorization: `Bearer ${supervisor}` },
        signal: AbortSignal.timeout(2000),
      });
      if (response.ok) return agentId;
    } catch {
      // Not yet.
    }
    if (Date.now() > deadline) return undefined;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return undefined;
}

async function main(): Promise<void> {
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      if (stopping) return;
      say(`${signal} received`);
      void shutdown(options.check ? 1 : 0);
    });
  }
  // Last resort if this process dies abruptly: do not leave services behind.
  process.on('exit', () => procs.forEach((proc) => signalGroup(proc, 'SIGKILL')));

  const busy: string[] = [];
  for (const { name, port } of [...SERVICES, WEB]) if (await portInUse(port)) busy.push(`${name} (:${port})`);
  if (busy.length > 0) {
    say(paint(31, `ports already in use for ${busy.join(', ')}; is Switchboard already running?`));
    await shutdown(1);
    return;
  }

  const services = SERVICES.map(({ name, port }, index) =>
    launch(name, `services/${name}/src/main.ts`, { NODE_ENV: 'development', PORT: String(port) }, index, port),
  );
  // The web app answers ready once the four services do.
  const web = launch(WEB.name, WEB.entry, { NODE_ENV: 'development', PORT: String(WEB.port) }, SERVICES.length + 1, WEB.port);
  const notReady = await waitUntilReady([...services, web]);
  if (notReady.length > 0) {
    notReady.forEach(showTail);
    await shutdown(1);
    return;
  }
  if (stopping) return;

  if (options.check) {
    say(paint(32, 'OK: all four services and the web app are ready'));
    await shutdown(0);
    return;
  }

  const simulating = existsSync(join(ROOT, SIMULATOR_ENTRY));
  if (simulating) {
    launch('simulator', SIMULATOR_ENTRY, { NODE_ENV: 'development' }, SERVICES.length);
  }

  let supervisor: string;
  let consoleLine: string;
  try {
    supervisor = await token('supervisor', 'demo-supervisor');
    const wanted = simulating ? await consoleAgent() : undefined;
    const agentId = wanted ? await agentCreated(supervisor, wanted, AGENT_WAIT_MS) : undefined;
    consoleLine = agentId
      ? `http://127.0.0.1:${WEB.port}/console#token=${await token('agent', agentId)}   (you are agent ${agentId}: choose Available there, and the simulator sends you contacts and leaves them to you)`
      : `http://127.0.0.1:${WEB.port}/console   (sign in with: npm run token -- --tenant ${DEMO_TENANT} --role agent --sub <agent id>)`;
  } catch (error) {
    supervisor = `(could not sign a token: ${error instanceof Error ? error.message : String(error)})`;
    consoleLine = `http://127.0.0.1:${WEB.port}/console`;
  }
  if (stopping) return;
  const lines = [
    '',
    paint(1, 'Switchboard is running.'),
    '',
    `  ${paint(1, 'dashboard')}   http://127.0.0.1:${WEB.port}/dashboard#token=${supervisor}`,
    '',
    `  ${paint(1, 'console')}     ${consoleLine}`,
    '',
    ...SERVICES.map(({ name, port }) => `  ${name.padEnd(11)} http://127.0.0.1:${port}/docs`),
    '',
    `  supervisor token (tenant ${DEMO_TENANT}, 12h):`,
    `  ${supervisor}`,
    '',
    simulating ? `  The traffic simulator is filling tenant ${DEMO_TENANT} with contacts.` : '  (no traffic simulator in this checkout: tools/simulator/src/main.ts is missing)',
    '  (npm run token -- --help signs other tokens)',
    '  Ctrl-C stops everything.',
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch(async (error: unknown) => {
  say(paint(31, `failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`));
  await shutdown(1);
});
