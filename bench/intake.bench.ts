import { fork, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { buildEvent, createTestNamespace, pollUntil, testToken, TEST_DATABASE_URL, TEST_NATS_URL, uniqueTenant } from '@switchboard/testing';
import { connect } from 'nats';
import { Client } from 'pg';
import { Pool } from 'undici';
import { figure, percentile, rate, timed, type BenchResult } from './harness';

/**
 * Intake end to end: the service runs as its own process (as in production) and the load comes from a
 * second process (keep-alive HTTP clients, so that the generator does not take the service's core), which
 * reports its own CPU; intake's CPU is read from /proc. Batch throughput is compared with raw pipelined
 * JetStream publishes of the same events measured in the same run.
 *
 * `INTAKE_BENCH_CPU_PROF=<dir>` runs intake with `--cpu-prof` and writes its profile into <dir> at the end;
 * `INTAKE_BENCH_ONLY=single|batch` runs one of the two phases (to profile it alone).
 */
const CONCURRENCY = 32;
const SINGLE_SECONDS = 8;
const WARMUP_SECONDS = 2;
/** Requests the single-event warm-up sends at least (within WARMUP_MAX_MS), so that the measured part runs JIT-compiled code. */
const WARMUP_REQUESTS = 5000;
const WARMUP_MAX_MS = 20_000;
const BATCH_SIZE = 500;
const BATCH_CONCURRENCY = 8;
const BATCH_EVENTS = 60_000;
const RAW_EVENTS = 60_000;
const SINGLE_TARGET_RPS = 3000;
const SINGLE_TARGET_P99_MS = 20;
/** Share of a core above which intake counts as CPU-bound. */
const CPU_BOUND_PCT = 85;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return typeof address === 'object' && address ? address.port : 0;
}

const utterance = (tenant: string, i: number) =>
  buildEvent('interaction.utterance', { tenantid: tenant, data: { interactionId: `int-${i % 2000}`, text: `Thanks, that fixed my billing problem (${i})` } });

async function rawPipelined(namespace: string): Promise<number> {
  const nc = await connect({ servers: TEST_NATS_URL });
  try {
    const jsm = await nc.jetstreamManager();
    const stream = `${namespace.toUpperCase()}_RAWINTAKE`;
    await jsm.streams.add({ name: stream, subjects: [`${namespace}.rawintake.>`], duplicate_window: 120_000_000_000 });
    const js = nc.jetstream();
    const encoder = new TextEncoder();
    const bodies = Array.from({ length: RAW_EVENTS }, (_, i) => encoder.encode(JSON.stringify(utterance('acme', i))));
    const { ms } = await timed(async () => {
      // Pipelined like EventPublisher.publishMany: up to 1000 publishes in flight.
      for (let start = 0; start < bodies.length; start += 1000) {
        await Promise.all(bodies.slice(start, start + 1000).map((body, i) => js.publish(`${namespace}.rawintake.acme.x`, body, { msgID: `raw-${start + i}` })));
      }
    });
    await jsm.streams.delete(stream);
    return rate(RAW_EVENTS, ms);
  } finally {
    await nc.close();
  }
}

// ---------------------------------------------------------------------------------------------------
// The load generator (runs in its own process, driven over IPC).

type LoadCommand =
  | {
      kind: 'single';
      port: number;
      token: string;
      tenant: string;
      concurrency: number;
      warmupMs: number;
      /** The warm-up also lasts until this many requests were sent (JIT-compiled hot path), at most WARMUP_MAX_MS. */
      warmupRequests?: number;
      measureMs: number;
    }
  | { kind: 'batch'; port: number; token: string; tenant: string; concurrency: number; batches: number; batchSize: number; firstIndex: number };

interface LoadReport {
  requests: number;
  failures: number;
  /** Wall time of the measured part. */
  ms: number;
  /** Sorted latencies of the measured requests (single) or of every batch request. */
  latencies: number[];
  /** CPU time (user + system) the generator used during the measured part. */
  cpuMs: number;
  /** Events the generator sent in total (warm-up included). */
  sent: number;
}

async function runLoad(command: LoadCommand): Promise<LoadReport> {
  const pool = new Pool(`http://127.0.0.1:${command.port}`, { connections: command.concurrency, pipelining: 1 });
  const headers = { authorization: `Bearer ${command.token}`, 'content-type': '' };
  const base = utterance(command.tenant, 0);
  const prefix = `bench-${process.pid}-${Date.now().toString(36)}-`;
  const eventJson = (i: number) =>
    JSON.stringify({ ...base, id: `${prefix}${i}`, data: { ...base.data, interactionId: `int-${i % 2000}`, text: `Thanks, that fixed my billing problem (${i})` } });
  const send = async (body: string, contentType: string): Promise<number> => {
    const response = await pool.request({ method: 'POST', path: '/v1/events', headers: { ...headers, 'content-type': contentType }, body });
    await response.body.dump();
    return response.statusCode;
  };
  let failures = 0;
  let sent = 0;
  const latencies: number[] = [];
  try {
    if (command.kind === 'single') {
      const loop = async (until: number) => {
        while (Date.now() < until) {
          const body = eventJson(sent++);
          const started = performance.now();
          const status = await send(body, 'application/cloudevents+json');
          if (status !== 202) failures++;
          latencies.push(performance.now() - started);
        }
      };
      const warmupStarted = Date.now();
      const warmupUntil = warmupStarted + command.warmupMs;
      const warming = () => {
        const now = Date.now();
        return now < warmupUntil || (sent < (command.warmupRequests ?? 0) && now < warmupStarted + WARMUP_MAX_MS);
      };
      await Promise.all(
        Array.from({ length: command.concurrency }, async () => {
          while (warming()) {
            const status = await send(eventJson(sent++), 'application/cloudevents+json');
            if (status !== 202) failures++;
          }
        }),
      );
      const cpu = process.cpuUsage();
      const run = await timed(() => Promise.all(Array.from({ length: command.concurrency }, () => loop(Date.now() + command.measureMs))));
      const used = process.cpuUsage(cpu);
      latencies.sort((a, b) => a - b);
      return { requests: latencies.length, failures, ms: run.ms, latencies, cpuMs: (used.user + used.system) / 1000, sent };
    }
    const bodies = Array.from({ length: command.batches }, (_, b) =>
      `[${Array.from({ length: command.batchSize }, (_, i) => eventJson(command.firstIndex + b * command.batchSize + i)).join(',')}]`,
    );
    let next = 0;
    const cpu = process.cpuUsage();
    const run = await timed(() =>
      Promise.all(
        Array.from({ length: command.concurrency }, async () => {
          while (next < bodies.length) {
            const body = bodies[next++] as string;
            const started = performance.now();
            if ((await send(body, 'application/cloudevents-batch+json')) !== 202) failures++;
            latencies.push(performance.now() - started);
          }
        }),
      ),
    );
    const used = process.cpuUsage(cpu);
    latencies.sort((a, b) => a - b);
    return { requests: bodies.length, failures, ms: run.ms, latencies, cpuMs: (used.user + used.system) / 1000, sent: command.batches * command.batchSize };
  } finally {
    await pool.close();
  }
}

if (require.main === module && process.send) {
  process.on('message', (command: LoadCommand) => {
    runLoad(command).then(
      (report) => process.send?.({ ok: true, report }),
      (error: unknown) => process.send?.({ ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
    );
  });
}

class LoadGenerator {
  private readonly child: ChildProcess = fork(__filename, [], { execArgv: ['-r', '@swc-node/register'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });

  run(command: LoadCommand): Promise<LoadReport> {
    return new Promise((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`the load generator exited (${code})`));
      this.child.once('exit', onExit);
      this.child.once('message', (message: { ok: true; report: LoadReport } | { ok: false; error: string }) => {
        this.child.off('exit', onExit);
        if (message.ok) resolve(message.report);
        else reject(new Error(`load generator: ${message.error}`));
      });
      this.child.send(command);
    });
  }

  stop(): void {
    if (this.child.exitCode === null) this.child.kill();
  }
}

/** CPU time (user + system, ms) a process has used so far, from /proc. */
function processCpuMs(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    // utime and stime are fields 14 and 15 of stat (11 and 12 after the command name), in clock ticks (100/s).
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return Number.NaN;
  }
}

// ---------------------------------------------------------------------------------------------------

export async function run(): Promise<BenchResult> {
  const ns = createTestNamespace('benchintake');
  const port = await freePort();
  const env = ns.env({
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    INTAKE_RATE_LIMIT_PER_SECOND: '10000000',
  });
  let child: ChildProcess | undefined;
  const load = new LoadGenerator();
  const db = new Client({ connectionString: TEST_DATABASE_URL });
  await db.connect();
  const profileDir = process.env['INTAKE_BENCH_CPU_PROF'];
  const only = process.env['INTAKE_BENCH_ONLY'];
  try {
    // The ceiling first, while nothing else runs.
    const raw = await rawPipelined(ns.natsNamespace);
    const args = profileDir
      ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, '-e', "process.once('SIGTERM', () => process.exit(0)); require('./services/intake/src/main.ts');"]
      : ['services/intake/src/main.ts'];
    child = spawn(process.execPath, ['-r', '@swc-node/register', ...args], {
      cwd: join(__dirname, '..'),
      env: { ...process.env, ...env },
      // Logs (info: the service's own, not one line per request) are discarded like a log shipper would take them.
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    await pollUntil(
      async () => (await fetch(`http://127.0.0.1:${port}/health/ready`).catch(() => undefined))?.status,
      (status) => status === 200,
      { timeoutMs: 60_000, intervalMs: 200, description: 'intake ready' },
    );
    const tenant = uniqueTenant('bench');
    const token = testToken({ tenant, role: 'ingest' });

    // Single events: CONCURRENCY clients in a closed loop, each one event per request.
    const singleSeconds = only === 'batch' ? 1 : SINGLE_SECONDS;
    // Warm-up first (JIT, connections, archive batches), then the measured part alone: intake's CPU per
    // request is read over the measured requests (archive writing included).
    const warmup = await load.run({
      kind: 'single',
      port,
      token,
      tenant,
      concurrency: CONCURRENCY,
      warmupMs: WARMUP_SECONDS * 1000,
      warmupRequests: WARMUP_REQUESTS,
      measureMs: 0,
    });
    const singleLoad = loadavg()[0] ?? 0;
    const intakeCpuBefore = processCpuMs(child.pid);
    const single = await load.run({ kind: 'single', port, token, tenant, concurrency: CONCURRENCY, warmupMs: 0, measureMs: singleSeconds * 1000 });
    const singleIntakeCpuMs = processCpuMs(child.pid) - intakeCpuBefore;
    const singleIntakeCpu = singleIntakeCpuMs / (single.ms / 100);
    const singleSent = warmup.sent + single.sent;
    // Let the archive catch up, so that the batch phase starts from a steady state.
    await archived(db, ns.dbSchema, singleSent);
    const singleRate = rate(single.requests, single.ms);
    const singleP99 = percentile(single.latencies, 99);
    const cause = singleCause({
      p99: singleP99,
      intakeCpuMsPerRequest: singleIntakeCpuMs / single.requests,
      intakeCpuPct: singleIntakeCpu,
      loadgenCpuMsPerRequest: single.cpuMs / single.requests,
      loadgenCpuPct: (single.cpuMs / single.ms) * 100,
      loadAverage: Math.max(singleLoad, loadavg()[0] ?? 0),
    });
    const singleFigures = [
      figure({
        name: `single-event POST /v1/events (${CONCURRENCY} keep-alive clients)`,
        unit: 'requests/s',
        value: singleRate,
        target: { kind: 'min', value: SINGLE_TARGET_RPS },
        extra: {
          p50_ms: round(percentile(single.latencies, 50)),
          p99_ms: round(singleP99),
          requests: single.requests,
          intake_cpu_pct: Math.round(singleIntakeCpu),
          intake_cpu_ms_per_request: round(singleIntakeCpuMs / single.requests, 3),
          loadgen_cpu_pct: Math.round((single.cpuMs / single.ms) * 100),
          load_avg_1m_at_start: round(singleLoad),
        },
        ...(singleRate < SINGLE_TARGET_RPS ? { note: cause } : {}),
      }),
      figure({
        name: 'single-event p99 latency',
        unit: 'ms',
        value: singleP99,
        target: { kind: 'max', value: SINGLE_TARGET_P99_MS },
        ...(singleP99 > SINGLE_TARGET_P99_MS ? { note: cause } : {}),
      }),
    ];
    if (only === 'single') {
      if (warmup.failures + single.failures > 0) throw new Error(`${warmup.failures + single.failures} request(s) were not accepted`);
      return { suite: 'intake', figures: singleFigures };
    }

    // Batches of 500.
    const batchLoad = loadavg()[0] ?? 0;
    const cpuBeforeBatches = processCpuMs(child.pid);
    const batches = await load.run({ kind: 'batch', port, token, tenant, concurrency: BATCH_CONCURRENCY, batches: BATCH_EVENTS / BATCH_SIZE, batchSize: BATCH_SIZE, firstIndex: singleSent });
    const batchIntakeCpuMs = processCpuMs(child.pid) - cpuBeforeBatches;
    const batchIntakeCpu = batchIntakeCpuMs / (batches.ms / 100);
    const archiveDrain = await timed(() => archived(db, ns.dbSchema, singleSent + BATCH_EVENTS));
    const failures = warmup.failures + single.failures + batches.failures;
    if (failures > 0) throw new Error(`${failures} request(s) were not accepted`);
    return {
      suite: 'intake',
      figures: [
        ...(only === 'batch' ? [] : singleFigures),
        figure({
          name: `batch POST /v1/events (${BATCH_SIZE} events, ${BATCH_CONCURRENCY} clients)`,
          unit: 'events/s',
          value: rate(BATCH_EVENTS, batches.ms),
          ceiling: { name: 'nats.js pipelined JetStream publish', value: raw },
          target: { kind: 'ratio-min', value: 0.5 },
          extra: {
            batch_p50_ms: round(percentile(batches.latencies, 50)),
            intake_cpu_pct: Math.round(batchIntakeCpu),
            intake_cpu_us_per_event: Math.round((batchIntakeCpuMs * 1000) / BATCH_EVENTS),
            loadgen_cpu_pct: Math.round((batches.cpuMs / batches.ms) * 100),
            load_avg_1m_at_start: round(batchLoad),
            archive_caught_up_ms_after_last_202: round(archiveDrain.ms),
          },
        }),
      ],
    };
  } finally {
    load.stop();
    await db.end();
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child?.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    await ns.cleanup();
  }
}

/** Waits until the archive holds `count` events. */
async function archived(db: Client, schema: string, count: number): Promise<void> {
  await pollUntil(
    async () => Number((await db.query<{ n: string }>(`SELECT count(*)::text AS n FROM "${schema}".event_archive`)).rows[0]?.n ?? 0),
    (n) => n >= count,
    { timeoutMs: 120_000, intervalMs: 100, description: 'archive caught up' },
  );
}

function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

interface SingleMeasures {
  p99: number;
  intakeCpuMsPerRequest: number;
  intakeCpuPct: number;
  loadgenCpuMsPerRequest: number;
  loadgenCpuPct: number;
  loadAverage: number;
}

/**
 * What limited the single-event figures, from what this run measured: whether intake had a core to itself
 * (its share of a core against the machine's load) and what its CPU per request allows on one core.
 */
function singleCause(m: SingleMeasures): string {
  const ceiling = Math.round(1000 / m.intakeCpuMsPerRequest);
  const perRequest =
    `intake used ${Math.round(m.intakeCpuPct)} % of a core at ${round(m.intakeCpuMsPerRequest, 3)} ms CPU per request (archive writing included; ` +
    `the load generator ${Math.round(m.loadgenCpuPct)} % at ${round(m.loadgenCpuMsPerRequest, 3)} ms)`;
  const oneCore = `one core at that cost allows at most ${ceiling} requests/s`;
  if (m.intakeCpuPct < CPU_BOUND_PCT) {
    return (
      `${perRequest}, so it waited for a CPU rather than being CPU-bound: the 1-minute load average was ${round(m.loadAverage)} on 2 cores ` +
      `(other processes' work) and requests queued behind it (p99 ${round(m.p99)} ms); ${oneCore}.`
    );
  }
  return (
    `${perRequest}: intake is CPU-bound and ${oneCore}; the machine's other core is shared by the load generator, NATS, Redis and ` +
    `PostgreSQL (1-minute load average ${round(m.loadAverage)}).`
  );
}
