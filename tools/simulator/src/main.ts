// Switchboard traffic simulator. `--help` lists the options.
import 'reflect-metadata';
import { parseArgs } from 'node:util';
import type { LogLevel } from './runtime/context';
import type { ServiceUrls } from './runtime/simulator';
import { DEMO_SCENARIO_PATH } from './scenario/builtin';
import { loadScenarioFile, ScenarioError } from './scenario/load-scenario';
import { PERSONAS } from './personas/catalog';

const USAGE = `Usage: node -r @swc-node/register tools/simulator/src/main.ts [options]

Drives a living contact center through Switchboard's real APIs: sets the tenant up (queues, agents,
settings, Twilio integration), logs the agents in on notify's WebSocket and makes contacts through intake.

Options:
  --scenario <file>   scenario file, YAML or JSON (default: tools/simulator/scenarios/demo.yaml)
  --tenant <id>       tenant (default: the scenario's)
  --rate <factor>     multiply every queue's arrival rate (default 1)
  --duration <s>      scenario seconds of traffic, then stop (default: the scenario's, else until Ctrl-C)
  --speed <factor>    scenario seconds per real second (default: the scenario's, else 1)
  --seed <n>          seed of the pseudo-random plan (default: the scenario's)
  --setup-only        set the tenant up and exit
  --no-setup          skip the tenant setup
  --validate          validate the scenario, print it resolved (JSON) and exit
  --personas          list the personas and exit
  --stats-every <s>   print counters every s real seconds (default 30; 0 = only at the end)
  --quiet             only warnings, errors and the final counters
  --help              this text

Environment: INTAKE_URL, ROUTING_URL, NOTIFY_URL, ANALYTICS_URL (default http://127.0.0.1:3001…3004),
JWT_SECRET (the services' secret; default the development secret).`;

class UsageError extends Error {}

function numberOption(name: string, value: string | undefined, check: (n: number) => boolean): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || !check(n)) throw new UsageError(`--${name}: "${value}" is not valid`);
  return n;
}

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      scenario: { type: 'string' },
      tenant: { type: 'string' },
      rate: { type: 'string' },
      duration: { type: 'string' },
      speed: { type: 'string' },
      seed: { type: 'string' },
      'setup-only': { type: 'boolean', default: false },
      'no-setup': { type: 'boolean', default: false },
      validate: { type: 'boolean', default: false },
      personas: { type: 'boolean', default: false },
      'stats-every': { type: 'string' },
      quiet: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (values.personas) {
    for (const p of Object.values(PERSONAS)) process.stdout.write(`${p.id.padEnd(12)} ${p.title}\n${' '.repeat(13)}${p.description}\n`);
    return 0;
  }
  const rate = numberOption('rate', values.rate, (n) => n >= 0);
  const duration = numberOption('duration', values.duration, (n) => n > 0);
  const speed = numberOption('speed', values.speed, (n) => n > 0 && n <= 1000);
  const seed = numberOption('seed', values.seed, (n) => Number.isInteger(n) && n >= 0 && n <= 0xffffffff);
  const statsEvery = numberOption('stats-every', values['stats-every'], (n) => n >= 0) ?? 30;

  let scenario = loadScenarioFile(values.scenario ?? DEMO_SCENARIO_PATH);
  if (values.tenant) {
    if (!/^[a-z0-9][a-z0-9-]{0,39}$/.test(values.tenant)) throw new UsageError(`--tenant: "${values.tenant}" is not a tenant id`);
    scenario = { ...scenario, tenant: values.tenant };
  }
  if (values.validate) {
    process.stdout.write(`${JSON.stringify({ ...scenario, seed: seed ?? scenario.seed, speed: speed ?? scenario.speed }, null, 2)}\n`);
    return 0;
  }

  // Loaded here so that --help and --validate answer without loading the services' platform library.
  const { DEFAULT_URLS, Simulator } = await import('./runtime/simulator');
  const { summarize } = await import('./runtime/stats');
  const urls: ServiceUrls = {
    intake: process.env['INTAKE_URL'] ?? DEFAULT_URLS.intake,
    routing: process.env['ROUTING_URL'] ?? DEFAULT_URLS.routing,
    notify: process.env['NOTIFY_URL'] ?? DEFAULT_URLS.notify,
    analytics: process.env['ANALYTICS_URL'] ?? DEFAULT_URLS.analytics,
  };
  const log = (level: LogLevel, message: string): void => {
    if (level === 'debug' || (values.quiet && level === 'info')) return;
    process.stderr.write(`${new Date().toISOString().slice(11, 23)} ${level.toUpperCase()} ${message}\n`);
  };
  const simulator = new Simulator({
    scenario,
    urls,
    ...(seed === undefined ? {} : { seed }),
    ...(speed === undefined ? {} : { speed }),
    ...(duration === undefined ? {} : { durationSeconds: duration }),
    ...(rate === undefined ? {} : { rateFactor: rate }),
    log,
  });

  if (values['setup-only']) {
    const done = await simulator.setup();
    log('info', `tenant ${scenario.tenant} set up: ${done.queues} queues, ${done.agents} agents`);
    return 0;
  }

  let stopping = false;
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    log('info', 'stopping: ending open contacts and logging agents off');
    await simulator.stop();
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void stop().then(() => finish()));

  const finish = (): never => {
    log('warn', `final: ${summarize(simulator.stats)}`);
    for (const e of simulator.stats.lastErrors.slice(-5)) log('warn', `recent error: ${e}`);
    process.exit(0);
  };

  await simulator.start({ setup: !values['no-setup'] });
  const timer = statsEvery > 0 ? setInterval(() => log('info', summarize(simulator.stats)), statsEvery * 1000) : undefined;
  timer?.unref();
  if (simulator.scenario.durationSeconds === undefined && simulator.scenario.script.length === 0) {
    log('info', 'running until Ctrl-C');
    await new Promise<never>(() => undefined);
  }
  await simulator.done();
  await stop();
  finish();
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof ScenarioError || error instanceof UsageError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    const message = error instanceof Error ? error.message : String(error);
    if (/ERR_PARSE_ARGS/.test((error as { code?: string }).code ?? '')) {
      process.stderr.write(`${message}\n\n${USAGE}\n`);
      process.exit(2);
    }
    process.stderr.write(`simulator failed: ${error instanceof Error ? (error.stack ?? message) : message}\n`);
    process.exit(1);
  },
);
